/**
 * Connecting Slack through OAuth, end to end: the platform asks for an install link, the admin's
 * browser acknowledges the disclaimer, Slack's consent page (the emulator's) is answered, and
 * the callback binds the Slack workspace to the platform workspace. Two tenants side by side
 * (delivering, and each syncing its own Slack users into its own directory),
 * and every way an install can fail, each showing its page and storing nothing.
 */
import type { Seed, SeedUser } from '../../../scripts/slack-emulator';
import { createProvisioningRepos, DEFAULT_MAX_DEACTIVATION_SHARE } from '../../../src/features/provisioning';
import { PROVISIONING_JOB } from '../../../src/features/provisioning/sync.job';
import { eventually, type TestConnector } from '../../support/connector';
import { AUTH, Browser, consentFields, installLink, installThroughSlack, putJson, registerTenant, startOAuthConnector } from './oauth-fixture';

const ACME_TEAM = 'T0ACME0001';
const GLOBEX_TEAM = 'T0GLOBEX01';
// The same Slack user id and email in both Slack workspaces, and the same member ids in both tenants.
const users = (domain: string) => [
  { id: 'U0ADMIN001', name: 'root', real_name: 'Root Admin', is_admin: true, profile: { email: 'root@example.com' } },
  { id: 'U0000001', name: 'ada', real_name: `Ada ${domain}`, profile: { email: 'ada@example.com' } },
];
const ACME: Seed = { team: { id: ACME_TEAM, name: 'Acme Slack', domain: 'acme' }, installed: false, users: users('Acme') };
const GLOBEX: Seed = { team: { id: GLOBEX_TEAM, name: 'Globex Slack', domain: 'globex' }, installed: false, users: users('Globex') };
const ADMIN = { id: 'm-admin', email: 'root@example.com' };
const ADA = { id: 'm-1', email: 'ada@example.com' };

let t: TestConnector;
afterEach(async () => {
  await t?.stop();
});

async function slackState(tenantId: string): Promise<Record<string, unknown>> {
  const response = await t.fetch(`/api/v1/workspaces/${tenantId}/slack`, { headers: AUTH });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function storedInstallations(): Promise<unknown[]> {
  return t.connector.store.db
    .collection('slack_installations')
    .find({}, { projection: { _id: 1, tenantId: 1 } })
    .sort({ _id: 1 })
    .toArray();
}

async function notify(tenantId: string, id: string): Promise<void> {
  const response = await putJson(
    t,
    `/api/v1/workspaces/${tenantId}/notifications`,
    {
      id,
      type: 'conversation',
      subtype: 'comment',
      recipient: { memberId: ADA.id },
      title: `Hello from ${tenantId}`,
      url: `https://${tenantId}.pigment.test/boards/1`,
    },
    'POST',
  );
  expect(response.status).toBe(202);
}

async function statusOf(tenantId: string, id: string): Promise<string> {
  const response = await t.fetch(`/api/v1/workspaces/${tenantId}/notifications/${id}`, { headers: AUTH });
  return ((await response.json()) as { status: string }).status;
}

describe('installing from Slack with OAuth', () => {
  it('connects two platform workspaces to two Slack workspaces, each mapped and delivering its own notifications', async () => {
    t = await startOAuthConnector({ seed: ACME, teams: [GLOBEX] });
    await registerTenant(t, 'acme', ADMIN, [ADA]);
    await registerTenant(t, 'globex', ADMIN, [ADA]);
    expect(await slackState('acme')).toEqual({ status: 'none' });

    for (const [tenantId, teamId, teamName] of [
      ['acme', ACME_TEAM, 'Acme Slack'],
      ['globex', GLOBEX_TEAM, 'Globex Slack'],
    ] as const) {
      const link = await installLink(t, tenantId, ADMIN.id);
      expect(link.status).toBe(201);
      expect(link.url).toMatch(new RegExp(`^${t.connector.config.publicUrl}/slack/install/[A-Za-z0-9_-]{32}$`));
      expect(new Date(link.expiresAt!).getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
      const done = await installThroughSlack(t.emulator, link.url!, `${teamId}:U0ADMIN001`);
      expect(done.status).toBe(200);
      expect(done.html).toContain(`${tenantId} Inc is connected to ${teamName}`);
      expect(await slackState(tenantId)).toMatchObject({
        status: 'live',
        team: { id: teamId, name: teamName },
        installedBy: { memberId: ADMIN.id, slackUserId: 'U0ADMIN001', mode: 'oauth' },
      });
      // Used once: the same link again is refused.
      expect((await new Browser().open(link.url!)).status).toBe(410);
    }
    expect(await storedInstallations()).toEqual([
      { _id: ACME_TEAM, tenantId: 'acme' },
      { _id: GLOBEX_TEAM, tenantId: 'globex' },
    ]);
    // Tokens are stored encrypted.
    const raw = JSON.stringify(await t.connector.store.db.collection('slack_installations').find({}).toArray());
    expect(raw).not.toContain(t.emulator.team(ACME_TEAM).botToken!);

    // The first matching ran at once in each tenant: m-1 is Ada in each Slack workspace.
    for (const tenantId of ['acme', 'globex']) {
      await eventually(
        async () => {
          const member = (await (await t.fetch(`/api/v1/workspaces/${tenantId}/members/${ADA.id}`, { headers: AUTH })).json()) as {
            mapping?: { status: string };
          };
          return member.mapping?.status === 'connected' ? true : undefined;
        },
        10_000,
        `${tenantId}'s mapping`,
      );
    }
    await notify('acme', 'n-1');
    await notify('globex', 'n-1');
    await eventually(
      async () => ((await statusOf('acme', 'n-1')) === 'delivered' && (await statusOf('globex', 'n-1')) === 'delivered' ? true : undefined),
      10_000,
      'both',
    );
    const acmeDms = t.emulator.team(ACME_TEAM).messagesTo('U0000001');
    const globexDms = t.emulator.team(GLOBEX_TEAM).messagesTo('U0000001');
    expect(acmeDms.map((m) => m.text)).toEqual([expect.stringContaining('Hello from acme')]);
    expect(globexDms.map((m) => m.text)).toEqual([expect.stringContaining('Hello from globex')]);
    expect(JSON.stringify(acmeDms[0]?.blocks)).toContain('https://acme.pigment.test/boards/1');
  });

  it("runs both tenants' provisioning syncs side by side, each importing only its own Slack workspace's users into its own directory", async () => {
    const person = (id: string, name: string, email: string): SeedUser => ({ id, name, real_name: name, profile: { email, real_name: name } });
    // Besides the admin and Ada (the same in both), U0SAMEID01 is a different person in each
    // Slack workspace, and each has someone the other has not.
    const acmeSlack: Seed = {
      ...ACME,
      users: [...users('Acme'), person('U0SAMEID01', 'Ann Acme', 'ann@acme.test'), person('U0ACME0002', 'Abe Acme', 'abe@acme.test')],
    };
    const globexSlack: Seed = {
      ...GLOBEX,
      users: [...users('Globex'), person('U0SAMEID01', 'Gus Globex', 'gus@globex.test'), person('U0GLBX0002', 'Gil Globex', 'gil@globex.test')],
    };
    t = await startOAuthConnector({ seed: acmeSlack, teams: [globexSlack] });
    for (const [tenantId, teamId] of [
      ['acme', ACME_TEAM],
      ['globex', GLOBEX_TEAM],
    ] as const) {
      await registerTenant(t, tenantId, ADMIN, [ADA]);
      await installThroughSlack(t.emulator, (await installLink(t, tenantId, ADMIN.id)).url!, `${teamId}:U0ADMIN001`);
    }
    await eventually(async () => ((await t.connector.store.db.collection('mappings').countDocuments()) === 4 ? true : undefined), 10_000, 'both mapped');

    // An admin of each configures the sync (everyone, no invitations) and presses "Sync now", both at once.
    const sync = (tenantId: string) =>
      t.connector.deps.tenants.run(tenantId, async () => {
        await createProvisioningRepos(t.connector.deps.db).config.save(
          {
            scope: 'everyone',
            groupIds: [],
            teamMapping: { enabled: false, groupToTeam: {} },
            includeGuests: false,
            inviteNewMembers: false,
            maxDeactivationShare: DEFAULT_MAX_DEACTIVATION_SHARE,
          },
          ADMIN.id,
          new Date(),
        );
        return t.connector.deps.scheduler.runPlannedNow(PROVISIONING_JOB);
      });
    const [acmeRun, globexRun] = await Promise.all([sync('acme'), sync('globex')]);
    for (const outcome of [acmeRun, globexRun]) {
      expect(outcome).toMatchObject({ ran: true, status: 'completed', report: { status: 'completed', counts: { created: 2 } } });
    }

    const directory = async (tenantId: string) => {
      const response = await t.fetch(`/api/v1/workspaces/${tenantId}/members?limit=100`, { headers: AUTH });
      expect(response.status).toBe(200);
      const { members } = (await response.json()) as { members: Array<{ id: string; name: string; email: string }> };
      return members.map(({ id, name, email }) => ({ id, name, email })).sort((a, b) => a.id.localeCompare(b.id));
    };
    expect(await directory('acme')).toEqual([
      { id: ADA.id, name: 'Ada Acme', email: ADA.email },
      { id: ADMIN.id, name: 'Root Admin', email: ADMIN.email },
      { id: 'slack-U0ACME0002', name: 'Abe Acme', email: 'abe@acme.test' },
      { id: 'slack-U0SAMEID01', name: 'Ann Acme', email: 'ann@acme.test' },
    ]);
    expect(await directory('globex')).toEqual([
      { id: ADA.id, name: 'Ada Globex', email: ADA.email },
      { id: ADMIN.id, name: 'Root Admin', email: ADMIN.email },
      { id: 'slack-U0GLBX0002', name: 'Gil Globex', email: 'gil@globex.test' },
      { id: 'slack-U0SAMEID01', name: 'Gus Globex', email: 'gus@globex.test' },
    ]);
    // Each synced member is connected to its own workspace's Slack user of that id.
    for (const tenantId of ['acme', 'globex']) {
      const member = (await (await t.fetch(`/api/v1/workspaces/${tenantId}/members/slack-U0SAMEID01`, { headers: AUTH })).json()) as {
        mapping?: { status: string; slackUserId?: string };
      };
      expect(member.mapping).toMatchObject({ status: 'connected', slackUserId: 'U0SAMEID01' });
    }
    // Each read only its own Slack workspace.
    expect(t.emulator.team(ACME_TEAM).callsOf('users.list').length).toBeGreaterThan(0);
    expect(t.emulator.team(GLOBEX_TEAM).callsOf('users.list').length).toBeGreaterThan(0);
  });

  it('refuses links to anyone but a Security Admin or Primary Owner, and to unknown workspaces', async () => {
    t = await startOAuthConnector({ seed: ACME });
    await registerTenant(t, 'acme', ADMIN, [ADA]);
    expect(await installLink(t, 'acme', ADA.id)).toMatchObject({ status: 403, error: 'not_allowed' });
    expect(await installLink(t, 'acme', 'm-nobody')).toMatchObject({ status: 403, error: 'not_allowed' });
    expect(await installLink(t, 'nowhere', ADMIN.id)).toMatchObject({ status: 404, error: 'workspace_not_found' });
    // A member demoted after the link was made cannot use it.
    const link = await installLink(t, 'acme', ADMIN.id);
    await putJson(t, `/api/v1/workspaces/acme/members/${ADMIN.id}`, {
      email: ADMIN.email,
      name: ADMIN.id,
      accountType: 'standard_member',
      status: 'activated',
    });
    const browser = new Browser();
    expect((await browser.open(link.url!)).status).toBe(200);
    const refused = await browser.submit(link.url!, { acknowledge: 'yes' });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('Only a Security Admin or Primary Owner can connect Slack');
    expect(await storedInstallations()).toEqual([]);
  });

  it('asks for the acknowledgement before going to Slack', async () => {
    t = await startOAuthConnector({ seed: ACME });
    await registerTenant(t, 'acme', ADMIN);
    const link = await installLink(t, 'acme', ADMIN.id);
    const browser = new Browser();
    const page = await browser.open(link.url!);
    expect(page.html).toContain('Connect Slack to acme Inc');
    expect(page.html).toContain('requires admins to approve apps');
    const unticked = await browser.submit(link.url!, {});
    expect(unticked.status).toBe(400);
    expect(unticked.html).toContain('Tick the box to acknowledge');
    // Not used up by the refusal.
    expect((await browser.submit(link.url!, { acknowledge: 'yes' })).status).toBe(302);
  });

  it.each([
    ['Cancel on Slack’s page', { decision: 'cancel' as const }, 'Slack was not connected'],
    ['an org-wide install', { orgInstall: true }, 'Install Pigment on one Slack workspace, not the whole organization'],
  ])('shows its page and stores nothing after %s', async (_what, options, expected) => {
    const grid: Seed = {
      ...ACME,
      team: { ...ACME.team!, enterprise: { id: 'E0ACME0001', name: 'Acme Org' } } as never,
      users: ACME.users!.map((u) => ({ ...u, is_owner: true })),
    };
    t = await startOAuthConnector({ seed: grid });
    await registerTenant(t, 'acme', ADMIN);
    const link = await installLink(t, 'acme', ADMIN.id);
    const page = await installThroughSlack(t.emulator, link.url!, `${ACME_TEAM}:U0ADMIN001`, options);
    expect(page.html).toContain(expected);
    expect(await storedInstallations()).toEqual([]);
    expect(await slackState('acme')).toEqual({ status: 'none' });
  });

  it('refuses a Slack workspace already connected to another platform workspace, changing nothing', async () => {
    t = await startOAuthConnector({ seed: ACME });
    await registerTenant(t, 'acme', ADMIN);
    await registerTenant(t, 'other', ADMIN);
    await installThroughSlack(t.emulator, (await installLink(t, 'acme', ADMIN.id)).url!, `${ACME_TEAM}:U0ADMIN001`);
    const page = await installThroughSlack(t.emulator, (await installLink(t, 'other', ADMIN.id)).url!, `${ACME_TEAM}:U0ADMIN001`);
    expect(page.status).toBe(409);
    expect(page.html).toContain('Acme Slack is already connected to another Pigment workspace');
    expect(await storedInstallations()).toEqual([{ _id: ACME_TEAM, tenantId: 'acme' }]);
    expect(await slackState('other')).toEqual({ status: 'none' });
    expect(await slackState('acme')).toMatchObject({ status: 'live' });
  });

  it('refuses an expired link and a replayed callback', async () => {
    let offset = 0;
    t = await startOAuthConnector({ seed: ACME, clock: { now: () => new Date(Date.now() + offset) } });
    await registerTenant(t, 'acme', ADMIN);
    const stale = await installLink(t, 'acme', ADMIN.id);
    offset = 10 * 60_000 + 1_000;
    const expired = await new Browser().open(stale.url!);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain('This link has expired');
    offset = 0;

    // The callback followed once installs; the same callback again (a replay) is refused.
    const browser = new Browser();
    const link = await installLink(t, 'acme', ADMIN.id);
    await browser.open(link.url!);
    const toSlack = await browser.submit(link.url!, { acknowledge: 'yes' });
    const consentPage = await browser.open(toSlack.location!);
    const decided = await browser.submit(t.emulator.oauth.authorizeUrl, {
      ...consentFields(consentPage.html),
      as: `${ACME_TEAM}:U0ADMIN001`,
      decision: 'allow',
    });
    const callback = decided.location!;
    const replayBrowser = new Browser();
    expect((await browser.open(callback)).status).toBe(200);
    const replay = await replayBrowser.open(callback);
    expect(replay.status).toBe(400);
    expect(replay.html).toContain('This install attempt cannot be completed');
    expect(await storedInstallations()).toEqual([{ _id: ACME_TEAM, tenantId: 'acme' }]);
  });

  it('lets a member only request the app where Slack requires approval, and installs once an admin approved it', async () => {
    const strict: Seed = { ...ACME, team: { ...ACME.team!, app_approval: 'required' } as never };
    t = await startOAuthConnector({ seed: strict });
    await registerTenant(t, 'acme', { id: ADMIN.id, email: 'ada@example.com' });
    const requested = await installThroughSlack(t.emulator, (await installLink(t, 'acme', ADMIN.id)).url!, `${ACME_TEAM}:U0000001`, { decision: 'request' });
    expect(requested.location).toBeUndefined();
    expect(t.emulator.team(ACME_TEAM).installRequests).toEqual([expect.objectContaining({ userId: 'U0000001' })]);
    expect(await storedInstallations()).toEqual([]);
    t.emulator.team(ACME_TEAM).approveApp();
    const done = await installThroughSlack(t.emulator, (await installLink(t, 'acme', ADMIN.id)).url!, `${ACME_TEAM}:U0000001`);
    expect(done.html).toContain('acme Inc is connected to Acme Slack');
    expect(await slackState('acme')).toMatchObject({ status: 'live', team: { id: ACME_TEAM } });
  });

  it('keeps delivering for one workspace when the other uninstalls, and resumes the uninstalled one on reinstall', async () => {
    t = await startOAuthConnector({ seed: ACME, teams: [GLOBEX] });
    await registerTenant(t, 'acme', ADMIN, [ADA]);
    await registerTenant(t, 'globex', ADMIN, [ADA]);
    await installThroughSlack(t.emulator, (await installLink(t, 'acme', ADMIN.id)).url!, `${ACME_TEAM}:U0ADMIN001`);
    await installThroughSlack(t.emulator, (await installLink(t, 'globex', ADMIN.id)).url!, `${GLOBEX_TEAM}:U0ADMIN001`);
    await eventually(async () => ((await t.connector.store.db.collection('mappings').countDocuments()) === 4 ? true : undefined), 10_000, 'both mapped');

    await t.emulator.team(ACME_TEAM).uninstall();
    await eventually(async () => ((await slackState('acme')).status === 'disconnected' ? true : undefined), 5_000, 'acme disconnected');
    expect(await slackState('acme')).toMatchObject({ status: 'disconnected', reason: expect.stringMatching(/app_uninstalled|tokens_revoked/) });
    expect(await slackState('globex')).toMatchObject({ status: 'live' });
    const acmeDoc = await t.connector.store.db.collection('slack_installations').findOne({ _id: ACME_TEAM as never });
    expect(acmeDoc?.botToken).toBeUndefined();

    await notify('acme', 'n-2');
    await notify('globex', 'n-2');
    await eventually(async () => ((await statusOf('globex', 'n-2')) === 'delivered' ? true : undefined), 10_000, 'globex delivered');
    await eventually(async () => ((await statusOf('acme', 'n-2')) === 'skipped' ? true : undefined), 10_000, 'acme skipped');
    expect(t.emulator.team(ACME_TEAM).messagesTo('U0000001')).toEqual([]);

    // Reinstalled for the same tenant: live again, mappings kept.
    await installThroughSlack(t.emulator, (await installLink(t, 'acme', ADMIN.id)).url!, `${ACME_TEAM}:U0ADMIN001`);
    expect(await slackState('acme')).toMatchObject({ status: 'live' });
    await notify('acme', 'n-3');
    await eventually(async () => ((await statusOf('acme', 'n-3')) === 'delivered' ? true : undefined), 10_000, 'acme delivered again');
  });

  it("deletes only the admin's user token when Slack revokes user tokens alone, and keeps delivering", async () => {
    t = await startOAuthConnector({ seed: ACME });
    await registerTenant(t, 'acme', ADMIN, [ADA]);
    await installThroughSlack(t.emulator, (await installLink(t, 'acme', ADMIN.id)).url!, `${ACME_TEAM}:U0ADMIN001`, { adminScope: true });
    const installation = () => t.connector.store.db.collection('slack_installations').findOne({ _id: ACME_TEAM as never });
    expect((await installation())?.adminUserToken).toBeDefined();

    const team = t.emulator.team(ACME_TEAM);
    await team.socket.sendEvent(team.events.tokensRevoked({ oauth: ['U0ADMIN001'] }));
    await eventually(async () => ((await installation())?.adminUserToken === undefined ? true : undefined), 5_000, 'the user token deleted');
    expect((await installation())?.botToken).toBeDefined();
    expect(await slackState('acme')).toMatchObject({ status: 'live' });
    await notify('acme', 'n-user-revoked');
    await eventually(async () => ((await statusOf('acme', 'n-user-revoked')) === 'delivered' ? true : undefined), 10_000, 'delivered with the bot token');
    expect(t.logs.some((line) => line.includes('Slack user token deleted'))).toBe(true);
  });
});
