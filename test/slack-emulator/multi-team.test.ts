/**
 * One app in two workspaces whose user ids and emails overlap: each token sees its own
 * workspace only (users, DMs, Home views, files, triggers), rate limits and faults are per
 * workspace, events and interactions carry the right workspace, and an uninstall revokes one
 * workspace's tokens and tells the app with tokens_revoked then app_uninstalled.
 */
import { App, LogLevel } from '@slack/bolt';
import type { SlackEmulator } from '../../scripts/slack-emulator';
import {
  ackingSocketClient,
  botClient,
  clientFor,
  emulatorHarness,
  MEMBER,
  OTHER_MEMBER,
  SECOND_TEAM,
  SECOND_TEAM_SEED,
  slackErrorOf,
  TEST_SEED,
  until,
} from './emulator-fixture';

const harness = emulatorHarness();
const FIRST_TEAM = 'T0TEST0001';

async function twoTeams(options: Parameters<typeof harness.start>[0] = {}): Promise<SlackEmulator> {
  return harness.start({ teams: [SECOND_TEAM_SEED], ...options });
}

function secondBot(emulator: SlackEmulator) {
  const token = emulator.team(SECOND_TEAM).botToken;
  if (token === undefined) throw new Error('the second workspace has no bot token');
  return clientFor(emulator, token);
}

describe('several workspaces', () => {
  it('lists the workspaces, the primary first, each with its own bot user and token', async () => {
    const emulator = await twoTeams();
    expect(emulator.teams.map((team) => team.teamId)).toEqual([FIRST_TEAM, SECOND_TEAM]);
    const [first, second] = emulator.teams;
    expect(first?.botToken).toBe(emulator.botToken);
    expect(second?.botToken).toMatch(/^xoxb-/);
    expect(second?.botToken).not.toBe(emulator.botToken);
    expect(second?.state.app.appId).toBe(emulator.state.app.appId);
    expect(second?.state.app.botUserId).not.toBe(emulator.state.app.botUserId);
    expect(second?.state.app.botId).not.toBe(emulator.state.app.botId);
    expect(emulator.team(FIRST_TEAM).state).toBe(emulator.state);
    expect(() => emulator.team('T0NOWHERE1')).toThrow(/serves no team T0NOWHERE1/);
  });

  it('answers each token from its own workspace, though user ids and emails overlap', async () => {
    const emulator = await twoTeams();
    const first = botClient(emulator);
    const second = secondBot(emulator);

    expect((await first.users.info({ user: MEMBER })).user).toMatchObject({ name: 'chloe', team_id: FIRST_TEAM });
    expect((await second.users.info({ user: MEMBER })).user).toMatchObject({ name: 'marc', team_id: SECOND_TEAM });
    expect((await first.users.lookupByEmail({ email: 'alice@example.com' })).user).toMatchObject({ name: 'alice', team_id: FIRST_TEAM });
    expect((await second.users.lookupByEmail({ email: 'alice@example.com' })).user).toMatchObject({ name: 'anna', team_id: SECOND_TEAM });
    expect(await slackErrorOf(second.users.info({ user: 'U0OWNER001' }))).toBe('user_not_found');
    expect((await second.usergroups.list({ include_users: true })).usergroups).toEqual([
      expect.objectContaining({ id: 'S0FINANCE1', handle: 'compta', team_id: SECOND_TEAM, users: ['U0MEMBER02'] }),
    ]);

    const secondAuth = await second.auth.test();
    expect(secondAuth).toMatchObject({
      team_id: SECOND_TEAM,
      team: 'Second Workspace',
      user_id: emulator.team(SECOND_TEAM).state.app.botUserId,
      bot_id: emulator.team(SECOND_TEAM).state.app.botId,
      is_enterprise_install: false,
    });
    expect(await first.auth.test()).toMatchObject({ team_id: FIRST_TEAM, user_id: emulator.state.app.botUserId });
    expect(emulator.team(SECOND_TEAM).callsOf('auth.test')).toHaveLength(1);
    expect(emulator.callsOf('auth.test').map((call) => call.teamId)).toEqual([SECOND_TEAM, FIRST_TEAM]);
  });

  it('keeps DMs, Home tabs and views apart, with ids and ts unique across workspaces', async () => {
    const emulator = await twoTeams();
    const first = botClient(emulator);
    const second = secondBot(emulator);
    const posted = [await first.chat.postMessage({ channel: MEMBER, text: 'to chloe' }), await second.chat.postMessage({ channel: MEMBER, text: 'to marc' })];
    expect(emulator.messagesTo(MEMBER).map((message) => message.text)).toEqual(['to chloe']);
    expect(
      emulator
        .team(SECOND_TEAM)
        .messagesTo(MEMBER)
        .map((message) => message.text),
    ).toEqual(['to marc']);
    expect(posted[0]?.channel).not.toBe(posted[1]?.channel);
    expect(posted[0]?.ts).not.toBe(posted[1]?.ts);

    const home = (text: string) => ({ type: 'home' as const, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
    const views = [await first.views.publish({ user_id: MEMBER, view: home('first') }), await second.views.publish({ user_id: MEMBER, view: home('second') })];
    expect(views[0]?.view?.id).not.toBe(views[1]?.view?.id);
    expect(views[1]?.view?.team_id).toBe(SECOND_TEAM);
    expect(emulator.homeViewOf(MEMBER)?.blocks).toEqual(home('first').blocks);
    expect(emulator.team(SECOND_TEAM).homeViewOf(MEMBER)?.blocks).toEqual(home('second').blocks);
  });

  it('exchanges a trigger id only with a token of the workspace that issued it', async () => {
    const emulator = await twoTeams();
    const modal = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Hi' }, blocks: [] };
    const issuedByFirst = emulator.issueTriggerId(MEMBER);
    expect(await slackErrorOf(secondBot(emulator).views.open({ trigger_id: issuedByFirst, view: modal }))).toBe('invalid_trigger_id');
    const issuedBySecond = emulator.team(SECOND_TEAM).issueTriggerId(MEMBER);
    expect(issuedBySecond).not.toBe(issuedByFirst);
    await secondBot(emulator).views.open({ trigger_id: issuedBySecond, view: modal });
    expect(emulator.team(SECOND_TEAM).modalStackOf(MEMBER)).toHaveLength(1);
    expect(emulator.modalStackOf(MEMBER)).toEqual([]);
  });

  it('serves a file only to a bot token of its workspace', async () => {
    const emulator = await twoTeams();
    const file = emulator.team(SECOND_TEAM).addFile({ name: 'plan.csv', content: 'a,b\n', user: MEMBER });
    expect(emulator.state.files.has(file.id)).toBe(false);
    const download = (token: string | undefined) => fetch(file.url_private_download, { headers: { authorization: `Bearer ${token}` } });
    const own = await download(emulator.team(SECOND_TEAM).botToken);
    expect(own.status).toBe(200);
    expect(await own.text()).toBe('a,b\n');
    expect((await download(emulator.botToken)).status).toBe(404);
  });

  it('counts rate limits per workspace: a 429 in one leaves the other answered', async () => {
    // chat.postMessage's workspace-wide limit: at this scale one message empties it for a while.
    const emulator = await twoTeams({ rateLimitScale: 0.01 });
    const first = botClient(emulator, { rejectRateLimitedCalls: true });
    await first.chat.postMessage({ channel: MEMBER, text: 'one' });
    const refused = await first.chat.postMessage({ channel: OTHER_MEMBER, text: 'two' }).then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    expect(refused).toBe('slack_webapi_rate_limited_error');
    await expect(secondBot(emulator).chat.postMessage({ channel: OTHER_MEMBER, text: 'elsewhere' })).resolves.toMatchObject({ ok: true });
    expect(
      emulator
        .team(SECOND_TEAM)
        .messagesTo(OTHER_MEMBER)
        .map((message) => message.text),
    ).toEqual(['elsewhere']);
  });

  it('injects a workspace fault into that workspace only, and a top-level fault into every one', async () => {
    const emulator = await twoTeams();
    emulator.team(SECOND_TEAM).injectFault('auth.test', { times: 1, error: 'fatal_error' });
    await expect(botClient(emulator).auth.test()).resolves.toMatchObject({ ok: true });
    expect(await slackErrorOf(secondBot(emulator).auth.test())).toBe('fatal_error');
    await expect(secondBot(emulator).auth.test()).resolves.toMatchObject({ ok: true });

    emulator.injectFault('auth.test', { times: 2, error: 'internal_error' });
    expect(await slackErrorOf(secondBot(emulator).auth.test())).toBe('internal_error');
    expect(await slackErrorOf(botClient(emulator).auth.test())).toBe('internal_error');
  });

  it('revokes and deactivates one workspace without touching the other', async () => {
    const emulator = await twoTeams();
    const second = emulator.team(SECOND_TEAM);
    second.revokeTokens();
    expect(await slackErrorOf(secondBot(emulator).auth.test())).toBe('token_revoked');
    await expect(botClient(emulator).auth.test()).resolves.toMatchObject({ ok: true });
    second.restoreTokens();
    second.setAccountInactive(true);
    expect(await slackErrorOf(secondBot(emulator).auth.test())).toBe('account_inactive');
    await expect(botClient(emulator).auth.test()).resolves.toMatchObject({ ok: true });
    expect(() => second.revokeTokens({ app: true })).toThrow(/app-level token belongs to no workspace/);
  });

  it('starts another workspace without the app, installs it on request, and refuses a second team with the same id', async () => {
    const emulator = await harness.start();
    const added = emulator.addTeam({ team: { id: 'T0THIRD001', name: 'Third', domain: 'third' }, users: [{ id: 'U0ADMIN001', name: 'zoe', is_admin: true }] });
    expect(added.installed).toBe(false);
    expect(added.botToken).toBeUndefined();
    expect(emulator.teams).toContain(added);
    const token = added.install();
    expect(added.install()).toBe(token);
    expect(added.installed).toBe(true);
    await expect(clientFor(emulator, token).auth.test()).resolves.toMatchObject({ team_id: 'T0THIRD001' });
    expect(() => emulator.addTeam({ team: { id: 'T0THIRD001', name: 'Again', domain: 'again' } })).toThrow(/already serves team T0THIRD001/);
    expect(() => emulator.addTeam({ team: { id: 'T0FOURTH01', name: 'Other app', domain: 'other' }, app: { app_id: 'A0OTHER001' } })).toThrow(
      /one app has one app_id/,
    );
  });

  it('starts the primary workspace uninstalled when its seed says so, its first install taking the configured token', async () => {
    const emulator = await harness.start({ seed: { ...TEST_SEED, installed: false }, botToken: 'xoxb-configured' });
    const first = emulator.team(FIRST_TEAM);
    expect([first.installed, first.botToken, emulator.botToken]).toEqual([false, undefined, 'xoxb-configured']);
    expect(await slackErrorOf(botClient(emulator).auth.test())).toBe('invalid_auth');
    expect(first.install()).toBe('xoxb-configured');
    await expect(botClient(emulator).auth.test()).resolves.toMatchObject({ team_id: FIRST_TEAM });
  });

  it('drives workspaces through the control routes', async () => {
    const emulator = await harness.start({ teams: [{ ...SECOND_TEAM_SEED, installed: false }] });
    const control = (route: string, body?: unknown) =>
      fetch(`${emulator.baseUrl}/_emulator/${route}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }).then(async (response) => ({
        status: response.status,
        json: (await response.json()) as Record<string, unknown>,
      }));
    expect((await control('teams')).json.teams).toEqual([
      { id: FIRST_TEAM, name: 'Test Workspace', installed: true, bot_token: emulator.botToken },
      { id: SECOND_TEAM, name: 'Second Workspace', installed: false, bot_token: null },
    ]);
    expect(await control('events', { team_id: SECOND_TEAM, event: { type: 'app_home_opened', user: MEMBER } })).toMatchObject({
      status: 409,
      json: { error: 'not_installed' },
    });
    const installed = await control('install', { team_id: SECOND_TEAM });
    expect(installed.json).toMatchObject({ ok: true, bot_token: emulator.team(SECOND_TEAM).botToken });
    expect((await control(`state?team=${SECOND_TEAM}`)).json.team).toMatchObject({ id: SECOND_TEAM });
    expect((await control('state?team=T0NOWHERE1')).status).toBe(404);
  });

  it('builds interaction payloads with the acting user’s workspace', async () => {
    const emulator = await twoTeams();
    const payload = emulator.team(SECOND_TEAM).interactionPayload(MEMBER, { type: 'block_actions', actions: [{ action_id: 'go' }] });
    expect(payload).toMatchObject({
      team: { id: SECOND_TEAM, domain: 'second-ws' },
      user: { id: MEMBER, name: 'marc', team_id: SECOND_TEAM },
      api_app_id: emulator.state.app.appId,
      is_enterprise_install: false,
      enterprise: null,
    });
  });
});

describe('events of several workspaces over one Socket Mode connection', () => {
  it('carries each workspace’s team_id, enterprise and authorizations', async () => {
    const grid = {
      ...SECOND_TEAM_SEED,
      team: { id: SECOND_TEAM, name: 'Second Workspace', domain: 'second-ws', enterprise: { id: 'E0GRID0001', name: 'Grid Org' } },
    };
    const emulator = await harness.start({ teams: [grid] });
    const socket = await ackingSocketClient(emulator);
    try {
      const second = emulator.team(SECOND_TEAM);
      await second.socket.sendEvent({ type: 'app_home_opened', user: MEMBER, channel: 'D0X', tab: 'home' });
      await emulator.socket.sendEvent({ type: 'app_home_opened', user: MEMBER, channel: 'D0Y', tab: 'home' });
      const [toSecond, toFirst] = socket.received.map((envelope) => envelope.body);
      expect(toSecond).toMatchObject({
        team_id: SECOND_TEAM,
        enterprise_id: 'E0GRID0001',
        api_app_id: emulator.state.app.appId,
        authorizations: [
          { enterprise_id: 'E0GRID0001', team_id: SECOND_TEAM, user_id: second.state.app.botUserId, is_bot: true, is_enterprise_install: false },
        ],
      });
      const context = JSON.parse(Buffer.from(String(toSecond?.event_context).slice(2), 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(context).toMatchObject({ tid: SECOND_TEAM, aid: emulator.state.app.appId });
      expect(toFirst).toMatchObject({
        team_id: FIRST_TEAM,
        authorizations: [{ team_id: FIRST_TEAM, user_id: emulator.state.app.botUserId, enterprise_id: null }],
      });
      expect(toFirst).not.toHaveProperty('enterprise_id');
    } finally {
      await socket.stop();
    }
  });

  it('sends nothing for a workspace the app is not installed in', async () => {
    const emulator = await harness.start({ teams: [{ ...SECOND_TEAM_SEED, installed: false }] });
    await expect(emulator.team(SECOND_TEAM).socket.sendEvent({ type: 'app_home_opened', user: MEMBER })).rejects.toThrow(/not installed in T0SECOND01/);
    expect(emulator.socket.deliveries).toHaveLength(0);
  });

  it('lets a multi-workspace Bolt app answer each workspace with that workspace’s token', async () => {
    const emulator = await twoTeams();
    const tokensByTeam = new Map(emulator.teams.map((team) => [team.teamId, team]));
    const app = new App({
      appToken: emulator.appToken,
      socketMode: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } },
      // The installation store of a real multi-workspace app, reduced to the emulator's handles.
      authorize: async ({ teamId }) => {
        const team = teamId === undefined ? undefined : tokensByTeam.get(teamId);
        if (!team?.botToken) throw new Error(`no installation for ${teamId}`);
        return { botToken: team.botToken, botUserId: team.state.app.botUserId, teamId: team.teamId };
      },
    });
    app.event('app_home_opened', async ({ event, client, context }) => {
      await client.views.publish({
        user_id: event.user,
        view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Hello from ${context.teamId}` } }] },
      });
    });
    await app.start();
    try {
      await emulator.socket.waitForConnections(1);
      const second = emulator.team(SECOND_TEAM);
      await second.socket.sendEvent(second.events.appHomeOpened(MEMBER));
      await until(() => second.homeViewOf(MEMBER) !== undefined);
      expect(second.homeViewOf(MEMBER)?.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: `Hello from ${SECOND_TEAM}` } }]);
      expect(emulator.homeViewOf(MEMBER)).toBeUndefined();
      expect(second.callsOf('views.publish')).toHaveLength(1);
    } finally {
      await app.stop();
      await until(() => emulator.socket.connectionCount() === 0);
    }
  });
});

describe('uninstall', () => {
  it('revokes the workspace’s tokens, then sends tokens_revoked and app_uninstalled for it only', async () => {
    const emulator = await twoTeams();
    const second = emulator.team(SECOND_TEAM);
    const oldToken = second.botToken as string;
    const socket = await ackingSocketClient(emulator);
    try {
      await second.uninstall();
      expect(second.installed).toBe(false);
      expect(second.botToken).toBeUndefined();
      expect(await slackErrorOf(clientFor(emulator, oldToken).auth.test())).toBe('token_revoked');
      await expect(botClient(emulator).auth.test()).resolves.toMatchObject({ team_id: FIRST_TEAM });

      const bodies = socket.received.map((envelope) => envelope.body);
      expect(bodies.map((body) => (body.event as { type: string }).type)).toEqual(['tokens_revoked', 'app_uninstalled']);
      expect(bodies.every((body) => body.team_id === SECOND_TEAM)).toBe(true);
      expect(bodies[0]?.event).toEqual({ type: 'tokens_revoked', tokens: { oauth: [], bot: [second.state.app.botUserId] } });
      expect(bodies[1]?.event).toEqual({ type: 'app_uninstalled' });
      await expect(second.socket.sendEvent({ type: 'app_home_opened', user: MEMBER })).rejects.toThrow(/not installed/);
      // Uninstalling again has nothing to remove and sends nothing.
      await second.uninstall();
      expect(socket.received).toHaveLength(2);

      // A new install gets a new token; the revoked one stays revoked.
      const newToken = second.install();
      expect(newToken).not.toBe(oldToken);
      await expect(clientFor(emulator, newToken).auth.test()).resolves.toMatchObject({ team_id: SECOND_TEAM });
      expect(await slackErrorOf(clientFor(emulator, oldToken).auth.test())).toBe('token_revoked');
    } finally {
      await socket.stop();
    }
  });

  it('uninstalls the primary workspace too, after which emulator.botToken is dead until a reinstall', async () => {
    const emulator = await harness.start({ seed: TEST_SEED });
    const socket = await ackingSocketClient(emulator);
    try {
      const first = emulator.team(FIRST_TEAM);
      const token = emulator.botToken;
      await first.uninstall();
      expect(await slackErrorOf(clientFor(emulator, token).auth.test())).toBe('token_revoked');
      const reinstalled = first.install();
      expect(emulator.botToken).toBe(reinstalled);
      await expect(botClient(emulator).auth.test()).resolves.toMatchObject({ ok: true });
    } finally {
      await socket.stop();
    }
  });
});
