/**
 * The workspace connection end to end: pending until a Security Admin or Primary Owner
 * acknowledges it in the App Home, live after, disconnected on uninstall with all data kept,
 * back on reinstall, and refused for a token of another workspace.
 */
import { fullPassJob } from '../../../src/features/mapping';
import { uniqueDbName } from '../../support/store';
import { eventually, startTestConnector, type TestConnector } from '../../support/connector';
import { connectorView, storeRepos } from '../../support/store-repos';

const TEAM = { id: 'T0ACME0001', name: 'Acme', domain: 'acme' };
const USERS = [
  { id: 'U0SECADMIN', name: 'sec', profile: { email: 'sec@acme.test' } },
  { id: 'U0WSADMIN1', name: 'wsa', profile: { email: 'wsa@acme.test' } },
  { id: 'U0MEMBER01', name: 'mem', profile: { email: 'mem@acme.test' } },
];

async function seedMembers(t: TestConnector): Promise<void> {
  const { repos } = connectorView(t.connector);
  const now = new Date();
  for (const [id, email, accountType] of [
    ['m-sec', 'sec@acme.test', 'security_admin'],
    ['m-wsa', 'wsa@acme.test', 'workspace_admin'],
    ['m-mem', 'mem@acme.test', 'standard_member'],
  ] as const) {
    await repos.members.save({ id, name: id, email, emailKey: email, accountType, status: 'activated', groups: [], source: 'api' }, now);
  }
}

function openHome(t: TestConnector, user: string) {
  return t.emulator.socket.sendEvent({ type: 'app_home_opened', user, tab: 'home', channel: 'D1', event_ts: '1' });
}

async function homeText(t: TestConnector, user: string, expected: string): Promise<string> {
  const before = t.emulator.callsOf('views.publish').length;
  await openHome(t, user);
  await eventually(() => (t.emulator.callsOf('views.publish').length > before ? true : undefined), 5_000, `home of ${user}`);
  const text = JSON.stringify(t.emulator.homeViewOf(user));
  expect(text).toContain(expected);
  return text;
}

function acknowledgeClick(t: TestConnector, user: string) {
  return t.emulator.socket.sendInteractive(
    t.emulator.interactionPayload(user, {
      type: 'block_actions',
      actions: [{ type: 'button', action_id: 'workspace.acknowledge', block_id: 'workspace.connection', value: TEAM.id, action_ts: '1' }],
    }),
  );
}

describe('workspace connection', () => {
  const dbName = uniqueDbName('workspace');
  let t: TestConnector;
  afterEach(() => t?.stop());

  it('is pending until a Security Admin acknowledges; others see "waiting for an admin" and cannot', async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, env: { MONGODB_DB: dbName }, keepDatabase: true });
    await seedMembers(t);
    expect(await connectorView(t.connector).workspace.isLive()).toBe(false);
    await homeText(t, 'U0MEMBER01', 'Waiting for an admin');
    await homeText(t, 'U0SECADMIN', 'Acknowledge and connect');

    // A Workspace Admin is not enough to acknowledge, even with a forged click.
    await acknowledgeClick(t, 'U0WSADMIN1');
    await eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 5_000, 'the click');
    expect((await storeRepos(t.connector.store.db).workspaces.get())?.status).toBe('pending');

    await acknowledgeClick(t, 'U0SECADMIN');
    await eventually(async () => ((await storeRepos(t.connector.store.db).workspaces.get())?.status === 'live' ? true : undefined), 5_000, 'live');
    const workspace = await storeRepos(t.connector.store.db).workspaces.get();
    expect(workspace).toMatchObject({ teamId: TEAM.id, status: 'live', acknowledgedBy: { slackUserId: 'U0SECADMIN', memberId: 'm-sec' } });
    const audit = await storeRepos(t.connector.store.db).audit.listForTarget(TEAM.id);
    expect(audit.map((a) => a.action)).toEqual(['workspace.acknowledge']);
    // The first full matching runs once the workspace is live.
    await eventually(async () => ((await storeRepos(t.connector.store.db).mappings.findByMember('m-mem')) ? true : undefined), 10_000, 'the first matching');
    await homeText(t, 'U0SECADMIN', 'Connected.');
    await homeText(t, 'U0MEMBER01', 'You are connected to Pigment as');
  });

  it('shows "Connected." after the acknowledgement even when the Home opened just before lands on Slack after it', async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, env: { MONGODB_DB: uniqueDbName('workspace-race') } });
    await seedMembers(t);
    await homeText(t, 'U0SECADMIN', 'Acknowledge and connect');
    // The Home opened again is read while pending; its views.publish takes 1.5 s to reach Slack.
    t.emulator.injectFault('views.publish', { times: 1, delayMs: 1_500 });
    const before = t.emulator.callsOf('views.publish').length;
    // Not awaited: the event is acknowledged once its handler is done, after the slow publish.
    const opened = openHome(t, 'U0SECADMIN');
    await eventually(() => (t.emulator.faultsWaiting('views.publish') === 0 ? true : undefined), 5_000, 'the slow publish under way');
    // Meanwhile the admin acknowledges; that handler's publish must not land before the stale one.
    await acknowledgeClick(t, 'U0SECADMIN');
    await opened;
    await eventually(
      () => (t.emulator.callsOf('views.publish').length >= before + 2 && t.connector.slack.inFlight.size === 0 ? true : undefined),
      10_000,
      'both publishes',
    );
    expect((await storeRepos(t.connector.store.db).workspaces.get())?.status).toBe('live');
    const home = JSON.stringify(t.emulator.homeViewOf('U0SECADMIN'));
    expect(home).toContain('Connected.');
    expect(home).not.toContain('Acknowledge and connect');
  });

  it('is disconnected on app_uninstalled with everything kept, and comes back on reinstall', async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, env: { MONGODB_DB: dbName }, keepDatabase: true });
    expect(await connectorView(t.connector).workspace.isLive()).toBe(true);
    const mappingsBefore = await t.connector.store.db.collection('mappings').countDocuments();
    expect(mappingsBefore).toBeGreaterThan(0);

    await t.emulator.socket.sendEvent({ type: 'app_uninstalled' });
    await eventually(
      async () => ((await storeRepos(t.connector.store.db).workspaces.get())?.status === 'disconnected' ? true : undefined),
      5_000,
      'disconnected',
    );
    expect(await connectorView(t.connector).workspace.isLive()).toBe(false);
    expect(await t.connector.store.db.collection('mappings').countDocuments()).toBe(mappingsBefore);
    expect(await t.connector.store.db.collection('members').countDocuments()).toBe(3);
    await t.stop();

    // Reinstalled: a new process with the (new) token of the same workspace.
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, env: { MONGODB_DB: dbName }, keepDatabase: true });
    expect(await connectorView(t.connector).workspace.isLive()).toBe(true);
    expect(await t.connector.store.db.collection('mappings').countDocuments()).toBe(mappingsBefore);
    expect((await storeRepos(t.connector.store.db).workspaces.get())?.disconnectReason).toBeUndefined();
  });

  it('ignores tokens_revoked for user tokens only, and disconnects for the bot token', async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, env: { MONGODB_DB: dbName }, keepDatabase: true });
    await t.emulator.socket.sendEvent({ type: 'tokens_revoked', tokens: { oauth: ['U0SECADMIN'] } });
    await eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 5_000, 'the event');
    expect((await storeRepos(t.connector.store.db).workspaces.get())?.status).toBe('live');
    await t.emulator.socket.sendEvent({ type: 'tokens_revoked', tokens: { bot: ['U0BOT'] } });
    await eventually(
      async () => ((await storeRepos(t.connector.store.db).workspaces.get())?.status === 'disconnected' ? true : undefined),
      5_000,
      'disconnected',
    );
    expect((await storeRepos(t.connector.store.db).workspaces.get())?.disconnectReason).toBe('tokens_revoked');
  });

  it('a second process sharing the store learns that the workspace went live, before its next mapping pass', async () => {
    const shared = uniqueDbName('workspace2');
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, env: { MONGODB_DB: shared } });
    const other = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, env: { MONGODB_DB: shared }, keepDatabase: true });
    try {
      await seedMembers(t);
      expect(await connectorView(other.connector).workspace.isLive()).toBe(false);
      expect((await connectorView(t.connector).workspace.acknowledge(await connectorView(t.connector).actors.resolve('U0SECADMIN'))).ok).toBe(true);
      // A's own first pass holds the mapping lease (one pass at a time across processes).
      await eventually(
        async () =>
          (await t.connector.store.db.collection('job_runs').countDocuments({ job: 'mapping.full_pass', status: 'completed' })) > 0 ? true : undefined,
        10_000,
        "A's first pass",
      );
      // A records its run, then frees the lease: until then B is told the pass runs elsewhere.
      const pass = await eventually(
        async () => {
          const outcome = await other.connector.deps.scheduler.runExclusive(fullPassJob(other.connector.features.mapping.service), 'manual');
          return outcome.ran ? outcome : undefined;
        },
        10_000,
        "B's pass",
      );
      expect(pass).toMatchObject({ ran: true, status: 'completed', report: expect.objectContaining({ slackUsers: expect.any(Number) }) });
      expect(await connectorView(other.connector).workspace.isLive()).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it("refuses to go live with another workspace's token, says so in the logs, and ignores that workspace's events", async () => {
    const other = { id: 'T0OTHER001', name: 'Other Inc', domain: 'other' };
    t = await startTestConnector({ emulator: { seed: { team: other, users: USERS } }, env: { MONGODB_DB: dbName } });
    expect((await connectorView(t.connector).workspace.current())?.kind).toBe('mismatch');
    expect(await connectorView(t.connector).workspace.isLive()).toBe(false);
    expect(t.logs.some((l) => l.includes('belongs to another workspace') && l.includes('T0OTHER001'))).toBe(true);
    // The token's workspace has no installation (the default workspace is bound to TEAM): its events reach no listener.
    await openHome(t, 'U0SECADMIN');
    await eventually(() => (t.logs.some((l) => l.includes('T0OTHER001 has no installation')) ? true : undefined), 5_000, 'the ignored event');
    expect(t.emulator.callsOf('views.publish')).toHaveLength(0);
    // No admin action is accepted meanwhile, even from a Security Admin.
    expect((await connectorView(t.connector).actors.authorise('U0SECADMIN', 'mapping.manage')).allowed).toBe(false);
    // The stored workspace is untouched.
    expect((await storeRepos(t.connector.store.db).workspaces.get())?.teamId).toBe(TEAM.id);
    expect(
      await t.connector.store.db
        .collection('slack_installations')
        .find({}, { projection: { _id: 1, tenantId: 1 } })
        .toArray(),
    ).toEqual([{ _id: TEAM.id, tenantId: 'default' }]);
  });
});
