/**
 * Slack's OAuth v2 install flow on the emulator, driven as a browser and the app would: the
 * consent page and its form, Cancel, Allow, the code exchange with form credentials or HTTP
 * Basic, Slack's errors, app approval, an org install and scopes an admin restricted.
 */
import type { SlackEmulator } from '../../scripts/slack-emulator';
import { ackingSocketClient, clientFor, emulatorHarness, FakeClock, MEMBER, SECOND_TEAM, SECOND_TEAM_SEED, slackErrorOf, TEST_SEED } from './emulator-fixture';

const harness = emulatorHarness();
const FIRST_TEAM = 'T0TEST0001';
const REDIRECT = 'https://connector.example.com/slack/oauth_redirect';
const BOT_SCOPES = 'chat:write,im:write,users:read';

/** The authorize URL the app would send an admin to. */
function authorizeUrl(emulator: SlackEmulator, params: Record<string, string> = {}): string {
  const url = new URL(emulator.oauth.authorizeUrl);
  const all = { client_id: emulator.oauth.clientId, scope: BOT_SCOPES, redirect_uri: REDIRECT, state: 'state-123', ...params };
  for (const [name, value] of Object.entries(all)) if (value !== '') url.searchParams.set(name, value);
  return url.toString();
}

function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

/** What a browser reads of the consent page: hidden fields, the sign-in choices, the buttons, the org checkbox. */
function readForm(html: string): { hidden: Record<string, string>; options: string[]; selected: string | undefined; decisions: string[]; orgInstall: boolean } {
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((match) => [
      decodeEntities(match[1] ?? ''),
      decodeEntities(match[2] ?? ''),
    ]),
  );
  const options = [...html.matchAll(/<option value="([^"]*)"/g)].map((match) => decodeEntities(match[1] ?? ''));
  const selected = /<option value="([^"]*)" selected>/.exec(html)?.[1];
  const decisions = [...html.matchAll(/name="decision" value="([^"]*)"/g)].map((match) => match[1] ?? '');
  return { hidden, options, selected, decisions, orgInstall: html.includes('name="org_install"') };
}

async function getPage(url: string): Promise<{ status: number; html: string }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, html: await response.text() };
}

/** Opens the consent page, signs in as `as` and presses `decision`, as a browser would post the form. */
async function consent(
  emulator: SlackEmulator,
  choice: { as: string; decision: 'allow' | 'cancel' | 'request'; orgInstall?: boolean },
  params: Record<string, string> = {},
): Promise<{ status: number; location: URL | undefined; html: string }> {
  const page = await getPage(authorizeUrl(emulator, params));
  expect(page.status).toBe(200);
  const form = new URLSearchParams({ ...readForm(page.html).hidden, as: choice.as, decision: choice.decision });
  if (choice.orgInstall) form.set('org_install', 'true');
  const response = await fetch(emulator.oauth.authorizeUrl, { method: 'POST', body: form, redirect: 'manual' });
  const location = response.headers.get('location');
  return { status: response.status, location: location === null ? undefined : new URL(location), html: await response.text() };
}

/** Allows as `as` and returns the code of the redirect. */
async function codeFor(emulator: SlackEmulator, as: string, params: Record<string, string> = {}, orgInstall = false): Promise<string> {
  const { status, location } = await consent(emulator, { as, decision: 'allow', orgInstall }, params);
  expect(status).toBe(302);
  const code = location?.searchParams.get('code');
  if (!code) throw new Error(`no code in ${String(location)}`);
  return code;
}

function exchange(emulator: SlackEmulator, code: string, overrides: Record<string, string> = {}) {
  return clientFor(emulator, undefined).oauth.v2.access({
    client_id: emulator.oauth.clientId,
    client_secret: emulator.oauth.clientSecret,
    code,
    redirect_uri: REDIRECT,
    ...overrides,
  });
}

async function twoTeams(options: Parameters<typeof harness.start>[0] = {}): Promise<SlackEmulator> {
  return harness.start({ teams: [{ ...SECOND_TEAM_SEED, installed: false }], ...options });
}

describe('the authorize page', () => {
  it('shows the app, the workspace, the scopes and a sign-in chooser over every workspace’s members', async () => {
    const emulator = await twoTeams();
    expect(emulator.oauth).toEqual({
      clientId: 'emulator-client-id',
      clientSecret: 'emulator-client-secret',
      authorizeUrl: `${emulator.baseUrl}/oauth/v2/authorize`,
    });
    const page = await getPage(authorizeUrl(emulator, { user_scope: 'admin' }));
    expect(page.status).toBe(200);
    expect(page.html).toContain('Pigment</span> is requesting permission to access the <span class="workspace">Test Workspace</span> Slack workspace');
    for (const scope of [...BOT_SCOPES.split(','), 'admin']) expect(page.html).toContain(`<code>${scope}</code>`);
    const form = readForm(page.html);
    expect(page.html).toContain('<form method="post" action="/oauth/v2/authorize">');
    expect(form.hidden).toEqual({ client_id: 'emulator-client-id', scope: BOT_SCOPES, user_scope: 'admin', redirect_uri: REDIRECT, state: 'state-123' });
    // People only: no bots, deactivated users or guests.
    expect(form.options).toEqual([
      `${FIRST_TEAM}:U0ADMIN001`,
      `${FIRST_TEAM}:U0OWNER001`,
      `${FIRST_TEAM}:U0MEMBER01`,
      `${FIRST_TEAM}:U0MEMBER02`,
      `${SECOND_TEAM}:U0ADMIN001`,
      `${SECOND_TEAM}:U0MEMBER01`,
      `${SECOND_TEAM}:U0MEMBER02`,
    ]);
    expect(form.selected).toBe(`${FIRST_TEAM}:U0ADMIN001`);
    expect(form.decisions).toEqual(['allow', 'cancel']);
    expect(form.orgInstall).toBe(false);
  });

  it('signs in the `team` hint’s first admin, or whoever `as` names', async () => {
    const emulator = await twoTeams();
    expect(readForm((await getPage(authorizeUrl(emulator, { team: SECOND_TEAM }))).html).selected).toBe(`${SECOND_TEAM}:U0ADMIN001`);
    expect(readForm((await getPage(authorizeUrl(emulator, { as: `${SECOND_TEAM}:${MEMBER}` }))).html).selected).toBe(`${SECOND_TEAM}:${MEMBER}`);
  });

  it('answers an error page, never a redirect, for a wrong client_id, redirect_uri or scope', async () => {
    const emulator = await harness.start({ oauth: { redirectUris: [REDIRECT] } });
    const cases: Array<[Record<string, string>, string]> = [
      [{ client_id: 'someone-else' }, 'invalid_client_id'],
      [{ redirect_uri: 'https://evil.example.com/callback' }, 'bad_redirect_uri'],
      [{ scope: 'chat:write,chat:wrtie' }, 'invalid_scope'],
      // `admin` is a user scope: a bot token can never hold it.
      [{ scope: 'admin' }, 'invalid_scope'],
      [{ scope: '', user_scope: '' }, 'invalid_scope'],
    ];
    for (const [params, error] of cases) {
      const response = await fetch(authorizeUrl(emulator, params), { redirect: 'manual' });
      expect([response.status, response.headers.get('location')]).toEqual([400, null]);
      expect(await response.text()).toContain(`<code>${error}</code>`);
    }
    // Without redirect_uri, the app's configured one is used.
    expect((await getPage(authorizeUrl(emulator, { redirect_uri: '' }))).status).toBe(200);
  });

  it('accepts any http(s) redirect_uri when the app lists none, but not another scheme', async () => {
    const emulator = await harness.start();
    expect((await getPage(authorizeUrl(emulator, { redirect_uri: 'http://localhost:3000/cb' }))).status).toBe(200);
    const page = await getPage(authorizeUrl(emulator, { redirect_uri: 'javascript:alert(1)' }));
    expect(page.status).toBe(400);
    expect(page.html).toContain('<code>bad_redirect_uri</code>');
  });
});

describe('the decision', () => {
  it('redirects Cancel with error=access_denied and the state', async () => {
    const emulator = await twoTeams();
    const { status, location } = await consent(emulator, { as: `${SECOND_TEAM}:U0ADMIN001`, decision: 'cancel' });
    expect(status).toBe(302);
    expect(`${location?.origin}${location?.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(location?.searchParams ?? [])).toEqual({ error: 'access_denied', state: 'state-123' });
    expect(emulator.team(SECOND_TEAM).installed).toBe(false);
  });

  it('redirects Allow with a code and the state, which the exchange turns into an install', async () => {
    const emulator = await twoTeams();
    const { location } = await consent(emulator, { as: `${SECOND_TEAM}:U0ADMIN001`, decision: 'allow' });
    expect(location?.searchParams.get('state')).toBe('state-123');
    const answer = await exchange(emulator, location?.searchParams.get('code') ?? '');
    const second = emulator.team(SECOND_TEAM);
    expect(answer).toEqual({
      ok: true,
      access_token: second.botToken,
      token_type: 'bot',
      scope: BOT_SCOPES,
      bot_user_id: second.state.app.botUserId,
      app_id: emulator.state.app.appId,
      team: { id: SECOND_TEAM, name: 'Second Workspace' },
      enterprise: null,
      authed_user: { id: 'U0ADMIN001' },
      is_enterprise_install: false,
      response_metadata: expect.anything(),
    });
    expect(answer.access_token).toMatch(/^xoxb-/);
    expect(second.installed).toBe(true);
    expect(second.state.scopes.bot).toEqual(BOT_SCOPES.split(','));
    await expect(clientFor(emulator, answer.access_token).auth.test()).resolves.toMatchObject({ team_id: SECOND_TEAM, user_id: second.state.app.botUserId });
  });

  it('refuses a member who is not signed in as anyone who can install', async () => {
    const emulator = await twoTeams();
    for (const as of [`${FIRST_TEAM}:U0GUEST001`, `${FIRST_TEAM}:U0OTHERBOT`, `${SECOND_TEAM}:U0NOBODY01`]) {
      const { status, location } = await consent(emulator, { as, decision: 'allow' });
      expect([as, status, location]).toEqual([as, 400, undefined]);
    }
  });
});

describe('oauth.v2.access', () => {
  it('takes the client credentials over HTTP Basic too', async () => {
    const emulator = await twoTeams();
    const code = await codeFor(emulator, `${SECOND_TEAM}:U0ADMIN001`);
    const basic = Buffer.from(`${emulator.oauth.clientId}:${emulator.oauth.clientSecret}`).toString('base64');
    const response = await fetch(`${emulator.apiUrl}oauth.v2.access`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code, redirect_uri: REDIRECT }),
    });
    expect(await response.json()).toMatchObject({ ok: true, team: { id: SECOND_TEAM }, token_type: 'bot' });
    expect(emulator.callsOf('oauth.v2.access')).toMatchObject([{ tokenKind: 'none', status: 200 }]);
  });

  it('answers Slack’s errors for a used, expired or unknown code and for wrong credentials or redirect_uri', async () => {
    const clock = new FakeClock();
    const emulator = await twoTeams({ now: clock.now });
    const as = `${SECOND_TEAM}:U0ADMIN001`;
    const code = await codeFor(emulator, as);
    expect(await slackErrorOf(exchange(emulator, code, { client_id: 'someone-else' }))).toBe('invalid_client_id');
    expect(await slackErrorOf(exchange(emulator, code, { client_secret: 'wrong' }))).toBe('bad_client_secret');
    expect(await slackErrorOf(exchange(emulator, code, { redirect_uri: 'https://connector.example.com/other' }))).toBe('bad_redirect_uri');
    expect(await slackErrorOf(exchange(emulator, code, { grant_type: 'password' }))).toBe('invalid_grant_type');
    expect(await slackErrorOf(exchange(emulator, 'not-a-code'))).toBe('invalid_code');
    // A failed exchange leaves the code usable; a successful one uses it up.
    await expect(exchange(emulator, code)).resolves.toMatchObject({ ok: true });
    expect(await slackErrorOf(exchange(emulator, code))).toBe('invalid_code');

    const late = await codeFor(emulator, as);
    clock.advance(10 * 60_000);
    expect(await slackErrorOf(exchange(emulator, late))).toBe('invalid_code');
  });

  it('keeps the bot token over a reinstall, adding the new scopes, and issues a new one after an uninstall', async () => {
    // No app is connected: the uninstall's events fail fast.
    const emulator = await twoTeams({ socket: { ackTimeoutMs: 50, maxRetries: 0 } });
    const as = `${SECOND_TEAM}:U0ADMIN001`;
    const first = await exchange(emulator, await codeFor(emulator, as, { scope: 'chat:write' }));
    const again = await exchange(emulator, await codeFor(emulator, as, { scope: 'users:read' }));
    expect(again.access_token).toBe(first.access_token);
    expect(again.scope).toBe('chat:write,users:read');
    await emulator.team(SECOND_TEAM).uninstall();
    const after = await exchange(emulator, await codeFor(emulator, as, { scope: 'users:read' }));
    expect(after.access_token).not.toBe(first.access_token);
    expect(after.scope).toBe('users:read');
    expect(await slackErrorOf(clientFor(emulator, first.access_token).auth.test())).toBe('token_revoked');
  });

  it('gives a user token for user scopes, which team.billableInfo takes and auth.test names', async () => {
    const emulator = await twoTeams();
    const answer = await exchange(emulator, await codeFor(emulator, `${FIRST_TEAM}:U0ADMIN001`, { user_scope: 'admin' }));
    expect(answer.authed_user).toEqual({ id: 'U0ADMIN001', scope: 'admin', access_token: expect.stringMatching(/^xoxp-/), token_type: 'user' });
    const user = clientFor(emulator, answer.authed_user?.access_token);
    await expect(user.team.billableInfo({})).resolves.toMatchObject({
      ok: true,
      billable_info: expect.objectContaining({ U0ADMIN001: { billing_active: true } }),
    });
    const auth = await user.auth.test();
    expect(auth).toMatchObject({ team_id: FIRST_TEAM, user_id: 'U0ADMIN001', user: 'alice' });
    expect(auth).not.toHaveProperty('bot_id');
    // A user token does not act as the bot.
    expect(await slackErrorOf(user.chat.postMessage({ channel: MEMBER, text: 'hi' }))).toBe('not_allowed_token_type');
    expect(emulator.callsOf('auth.test').at(-1)).toMatchObject({ tokenKind: 'user', teamId: FIRST_TEAM });
  });

  it('revokes the user tokens on an uninstall and names their users in tokens_revoked', async () => {
    const emulator = await twoTeams();
    const answer = await exchange(emulator, await codeFor(emulator, `${SECOND_TEAM}:U0ADMIN001`, { user_scope: 'users:read' }));
    const socket = await ackingSocketClient(emulator);
    try {
      await emulator.team(SECOND_TEAM).uninstall();
      expect(socket.received[0]?.body.event).toEqual({
        type: 'tokens_revoked',
        tokens: { oauth: ['U0ADMIN001'], bot: [emulator.team(SECOND_TEAM).state.app.botUserId] },
      });
      expect(await slackErrorOf(clientFor(emulator, answer.authed_user?.access_token).users.list({}))).toBe('token_revoked');
    } finally {
      await socket.stop();
    }
  });

  it('refuses the admin user scope to a member who is no admin', async () => {
    const emulator = await twoTeams();
    const { status, location, html } = await consent(emulator, { as: `${FIRST_TEAM}:${MEMBER}`, decision: 'allow' }, { user_scope: 'admin' });
    expect([status, location]).toEqual([403, undefined]);
    expect(html).toContain('admin_required');
  });

  it('grants only the scopes the workspace allows', async () => {
    const emulator = await twoTeams();
    const second = emulator.team(SECOND_TEAM);
    second.setGrantedScopes(['chat:write']);
    const answer = await exchange(emulator, await codeFor(emulator, `${SECOND_TEAM}:U0ADMIN001`, { scope: 'chat:write,users:read' }));
    expect(answer.scope).toBe('chat:write');
    const bot = clientFor(emulator, answer.access_token);
    await expect(bot.chat.postMessage({ channel: MEMBER, text: 'hi' })).resolves.toMatchObject({ ok: true });
    expect(await slackErrorOf(bot.users.list({}))).toBe('missing_scope');
  });
});

describe('app approval', () => {
  const approvalSeed = {
    ...SECOND_TEAM_SEED,
    installed: false,
    team: { ...SECOND_TEAM_SEED.team, id: SECOND_TEAM, name: 'Second Workspace', domain: 'second-ws', app_approval: 'required' as const },
  };

  it('lets a member only request the app until an admin approves it; admins install at once', async () => {
    const clock = new FakeClock();
    const emulator = await harness.start({ now: clock.now, teams: [approvalSeed] });
    const second = emulator.team(SECOND_TEAM);
    const member = `${SECOND_TEAM}:${MEMBER}`;
    const page = await getPage(authorizeUrl(emulator, { as: member }));
    expect(readForm(page.html).decisions).toEqual(['request', 'cancel']);
    expect(page.html).toContain('Submit request');

    const requested = await consent(emulator, { as: member, decision: 'request' }, { as: member });
    expect([requested.status, requested.location]).toEqual([200, undefined]);
    expect(requested.html).toContain('Request submitted');
    expect(requested.html).toContain('an admin of Second Workspace will review it');
    expect(second.installRequests).toEqual([{ userId: MEMBER, at: clock.now() }]);
    expect(second.installed).toBe(false);

    // Posting Allow anyway is refused.
    const forced = await consent(emulator, { as: member, decision: 'allow' });
    expect([forced.status, forced.location]).toEqual([403, undefined]);
    // The workspace's admin sees Allow.
    expect(readForm((await getPage(authorizeUrl(emulator, { as: `${SECOND_TEAM}:U0ADMIN001` }))).html).decisions).toEqual(['allow', 'cancel']);

    second.approveApp();
    expect(readForm((await getPage(authorizeUrl(emulator, { as: member }))).html).decisions).toEqual(['allow', 'cancel']);
    const answer = await exchange(emulator, await codeFor(emulator, member));
    expect(answer).toMatchObject({ ok: true, team: { id: SECOND_TEAM }, authed_user: { id: MEMBER } });
  });
});

describe('an Enterprise Grid org install', () => {
  it('offers the org to Grid workspaces only and answers is_enterprise_install with the enterprise and no team', async () => {
    const grid = { ...TEST_SEED, team: { id: FIRST_TEAM, name: 'Test Workspace', domain: 'test-ws', enterprise: { id: 'E0GRID0001', name: 'Grid Org' } } };
    const emulator = await harness.start({ seed: grid, teams: [{ ...SECOND_TEAM_SEED, installed: false }] });
    expect(readForm((await getPage(authorizeUrl(emulator))).html).orgInstall).toBe(true);
    expect(readForm((await getPage(authorizeUrl(emulator, { as: `${SECOND_TEAM}:U0ADMIN001` }))).html).orgInstall).toBe(false);

    const answer = await exchange(emulator, await codeFor(emulator, `${FIRST_TEAM}:U0ADMIN001`, {}, true));
    expect(answer).toMatchObject({ ok: true, team: null, enterprise: { id: 'E0GRID0001', name: 'Grid Org' }, is_enterprise_install: true, token_type: 'bot' });
    await expect(clientFor(emulator, answer.access_token).auth.test()).resolves.toMatchObject({ is_enterprise_install: true, enterprise_id: 'E0GRID0001' });
    const callback = emulator.team(FIRST_TEAM).socket.eventCallback({ type: 'app_home_opened' });
    expect(callback.authorizations).toEqual([
      { enterprise_id: 'E0GRID0001', team_id: FIRST_TEAM, user_id: emulator.state.app.botUserId, is_bot: true, is_enterprise_install: true },
    ]);

    const refused = await consent(emulator, { as: `${SECOND_TEAM}:U0ADMIN001`, decision: 'allow', orgInstall: true });
    expect([refused.status, refused.location]).toEqual([400, undefined]);
    const notOrgAdmin = await consent(emulator, { as: `${FIRST_TEAM}:${MEMBER}`, decision: 'allow', orgInstall: true });
    expect([notOrgAdmin.status, notOrgAdmin.location]).toEqual([403, undefined]);
  });
});
