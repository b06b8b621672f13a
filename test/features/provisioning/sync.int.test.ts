/**
 * The provisioning sync end to end: the real connector's scheduled job against the Slack
 * emulator (users.list, usergroups.users.list) and the embedded store.
 */
import type { SeedUser } from '../../../scripts/slack-emulator';
import { emailKey, type MemberSource, type MemberStatus } from '../../../src/features/members/member.types';
import { createNotificationRepos, welcomeNotificationId } from '../../../src/features/notifications';
import {
  createProvisioningRepos,
  createSyncService,
  DEFAULT_MAX_DEACTIVATION_SHARE,
  provisionedMemberId,
  type ProvisioningConfig,
} from '../../../src/features/provisioning';
import { finished } from '../notifications/delivery-fixture';
import { PROVISIONING_JOB } from '../../../src/features/provisioning/sync.job';
import { startTestConnector, type TestConnector } from '../../support/connector';
import { connectorView, storeRepos } from '../../support/store-repos';

const TEAM = { id: 'T0PROVISN1', name: 'Acme Provisioning', domain: 'acme-provisioning' };
const USERS: SeedUser[] = [
  { id: 'U0ADA00001', name: 'ada', real_name: 'Ada Lovelace', profile: { email: 'ada@acme.test', real_name: 'Ada Lovelace' } },
  { id: 'U0BOB00001', name: 'bob', real_name: 'Bob Byte', profile: { email: 'bob@acme.test', real_name: 'Bob Byte' } },
  { id: 'U0CAT00001', name: 'cat', real_name: 'Cat Guest', is_restricted: true, profile: { email: 'cat@acme.test', real_name: 'Cat Guest' } },
  { id: 'U0DAN00001', name: 'dan', real_name: 'Dan Finance', profile: { email: 'dan@acme.test', real_name: 'Dan Finance' } },
  { id: 'U0EVE00001', name: 'eve', real_name: 'Eve Gone', deleted: true, profile: { email: 'eve@acme.test', real_name: 'Eve Gone' } },
  { id: 'U0BOT00001', name: 'robot', is_bot: true, profile: { email: 'robot@acme.test' } },
];
const GROUPS = [
  { id: 'SENG000001', handle: 'eng', name: 'Engineering', users: ['U0ADA00001', 'U0BOB00001'] },
  { id: 'SOPS000001', handle: 'ops', name: 'Operations', users: ['U0BOB00001', 'U0CAT00001'] },
  { id: 'SFIN000001', handle: 'fin', name: 'Finance', users: ['U0DAN00001'] },
];

const config = (fields: Partial<ProvisioningConfig> = {}): ProvisioningConfig => ({
  scope: 'groups',
  groupIds: ['SENG000001', 'SOPS000001'],
  teamMapping: { enabled: true, groupToTeam: { SENG000001: 'Engineering', SOPS000001: 'Engineering' } },
  // Cat, a guest, is synced in these tests unless one says otherwise.
  includeGuests: true,
  inviteNewMembers: false,
  maxDeactivationShare: DEFAULT_MAX_DEACTIVATION_SHARE,
  ...fields,
});

describe('provisioning sync', () => {
  let t: TestConnector;
  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS, usergroups: GROUPS } }, label: 'provisioning' });
    const { repos, workspace } = connectorView(t.connector);
    await repos.workspaces.transition(TEAM.id, ['pending'], 'live', { acknowledgedAt: new Date() });
    await workspace.refresh();
  });
  afterEach(() => t.stop());

  const members = () => storeRepos(t.connector.store.db).members;
  const provisioning = () => createProvisioningRepos(t.connector.deps.db);
  const save = (id: string, email: string, source: MemberSource, status: MemberStatus = 'activated', groups: string[] = []) =>
    members().save({ id, name: id, email, emailKey: emailKey(email), accountType: 'standard_member', status, groups, source }, new Date());
  const syncNow = () => t.connector.deps.scheduler.runPlannedNow(PROVISIONING_JOB);

  it('does nothing until an admin configured it', async () => {
    expect(await syncNow()).toMatchObject({ ran: true, status: 'completed', report: { skipped: 'not_configured' } });
    expect(await provisioning().runs.latest(5)).toEqual([]);
  });

  it('creates, updates, maps groups to teams, deactivates only what it created, and reports each line', async () => {
    await save('m-dan', 'dan@acme.test', 'csv');
    await save('slack-U0EVE00001', 'eve@acme.test', 'provisioning');
    await save('slack-U0GONE0001', 'gone@acme.test', 'provisioning');
    await save('m-bob', 'bob@acme.test', 'api', 'activated', ['Board']);
    await provisioning().config.save(config({ maxDeactivationShare: 1 }), 'm-admin', new Date());

    const outcome = await syncNow();
    expect(outcome).toMatchObject({ ran: true, status: 'completed', report: { status: 'completed' } });

    expect(await members().findById('slack-U0ADA00001')).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@acme.test',
      status: 'pending',
      source: 'provisioning',
      groups: ['Engineering'],
      avatarUrl: expect.stringContaining('U0ADA00001'),
    });
    // Connected to the Slack user it came from at once (no lookup by email).
    expect(await storeRepos(t.connector.store.db).mappings.findByMember('slack-U0ADA00001')).toMatchObject({
      slackUserId: 'U0ADA00001',
      source: 'auto',
      active: true,
    });
    // A guest (restricted) is synced like everyone else when the configuration includes guests, as config() here does.
    expect(await members().findById('slack-U0CAT00001')).toMatchObject({ status: 'pending', groups: ['Engineering'] });
    // Known by email: updated and put in the team, its other teams kept.
    expect(await members().findById('m-bob')).toMatchObject({ name: 'Bob Byte', groups: ['Board', 'Engineering'], source: 'api' });
    // Dan is not in a synced group, but was not created by the sync: untouched.
    expect(await members().findById('m-dan')).toMatchObject({ status: 'activated', name: 'm-dan' });
    expect(await members().findById('slack-U0EVE00001')).toMatchObject({ status: 'deactivated' });
    expect(await members().findById('slack-U0GONE0001')).toMatchObject({ status: 'deactivated' });
    // Bots never become members.
    expect(await members().findById('slack-U0BOT00001')).toBeUndefined();

    const [run] = await provisioning().runs.latest(1);
    expect(run).toMatchObject({
      kind: 'sync',
      trigger: 'manual',
      status: 'completed',
      usersRead: USERS.length + 1,
      counts: { created: 2, updated: 1, added_to_team: 3, deactivated: 2 },
    });
    const lines = [];
    for await (const line of provisioning().runs.streamLines(run!.id)) lines.push(line);
    expect(lines.every((line) => line.outcome === 'applied')).toBe(true);
    expect(lines.find((line) => line.memberId === 'm-bob' && line.kind === 'updated')?.changes).toEqual([
      { field: 'name', before: 'm-bob', after: 'Bob Byte' },
      { field: 'avatarUrl', after: expect.stringContaining('U0BOB00001') },
    ]);

    // A second run changes nothing that is already right.
    expect(await syncNow()).toMatchObject({ report: { status: 'completed', counts: {} } });
  });

  it('takes people who leave the synced group out of its team, deactivated or not, and reports each removal (issue 17)', async () => {
    // Sync only @eng, mapped to Engineering. Ada is created by the sync; Bob came through the API.
    await save('m-bob', 'bob@acme.test', 'api', 'activated', ['Board']);
    await provisioning().config.save(
      config({ groupIds: ['SENG000001'], teamMapping: { enabled: true, groupToTeam: { SENG000001: 'Engineering' } }, maxDeactivationShare: 1 }),
      'm-admin',
      new Date(),
    );
    expect(await syncNow()).toMatchObject({ report: { status: 'completed' } });
    expect(await members().findById('slack-U0ADA00001')).toMatchObject({ groups: ['Engineering'], source: 'provisioning' });
    expect(await members().findById('m-bob')).toMatchObject({ groups: ['Board', 'Engineering'] });

    // Both move from @eng to @fin (neither synced nor mapped) in Slack.
    t.emulator.state.usergroups.get('SENG000001')!.users = [];
    t.emulator.state.usergroups.get('SFIN000001')!.users.push('U0ADA00001', 'U0BOB00001');
    expect(await syncNow()).toMatchObject({ report: { status: 'completed' } });

    expect(await members().findById('slack-U0ADA00001')).toMatchObject({ status: 'deactivated', groups: [] });
    // Not created by the sync: not deactivated, but out of the team the mapping manages; Board is not one.
    expect(await members().findById('m-bob')).toMatchObject({ status: 'activated', groups: ['Board'] });
    const [run] = await provisioning().runs.latest(1);
    const lines = [];
    for await (const line of provisioning().runs.streamLines(run!.id)) lines.push(line);
    expect(lines.filter((line) => line.kind === 'removed_from_team').map((line) => [line.memberId, line.changes, line.outcome])).toEqual([
      ['slack-U0ADA00001', [{ field: 'team', before: 'Engineering' }], 'applied'],
      ['m-bob', [{ field: 'team', before: 'Engineering' }], 'applied'],
    ]);
  });

  it('leaves single- and multi-channel guests out unless the configuration includes them, and deactivates the ones it created once they are left out (issue 12)', async () => {
    // Cat (in @ops) is a multi-channel guest; Sia (in @eng) a single-channel one.
    t.emulator.addUser({
      id: 'U0SIA00001',
      name: 'sia',
      real_name: 'Sia Single',
      is_restricted: true,
      is_ultra_restricted: true,
      profile: { email: 'sia@acme.test', real_name: 'Sia Single' },
    });
    t.emulator.state.usergroups.get('SENG000001')!.users.push('U0SIA00001');
    const guestIds = ['slack-U0CAT00001', 'slack-U0SIA00001'];
    const statusesOf = async (ids: string[]) => Promise.all(ids.map(async (id) => (await members().findById(id))?.status));

    await provisioning().config.save(config({ includeGuests: false, maxDeactivationShare: 1 }), 'm-admin', new Date());
    expect(await syncNow()).toMatchObject({ report: { status: 'completed', counts: { created: 2 } } });
    expect(await statusesOf(['slack-U0ADA00001', 'slack-U0BOB00001'])).toEqual(['pending', 'pending']);
    expect(await statusesOf(guestIds)).toEqual([undefined, undefined]);

    await provisioning().config.save(config({ includeGuests: true, maxDeactivationShare: 1 }), 'm-admin', new Date());
    expect(await syncNow()).toMatchObject({ report: { status: 'completed', counts: { created: 2, added_to_team: 2 } } });
    expect(await members().findById('slack-U0SIA00001')).toMatchObject({
      name: 'Sia Single',
      status: 'pending',
      source: 'provisioning',
      groups: ['Engineering'],
    });
    expect(await statusesOf(guestIds)).toEqual(['pending', 'pending']);

    // Left out again: as users out of scope, the guests it created are deactivated, and their teams
    // still follow their groups (both are still in a group mapped to Engineering).
    await provisioning().config.save(config({ includeGuests: false, maxDeactivationShare: 1 }), 'm-admin', new Date());
    const outcome = await syncNow();
    expect(outcome).toMatchObject({ report: { status: 'completed', counts: { deactivated: 2 } } });
    expect(Object.keys((outcome as unknown as { report: { counts: object } }).report.counts)).toEqual(['deactivated']);
    expect(await statusesOf(guestIds)).toEqual(['deactivated', 'deactivated']);
    expect((await members().findById('slack-U0SIA00001'))?.groups).toEqual(['Engineering']);
    const [run] = await provisioning().runs.latest(1);
    const lines = [];
    for await (const line of provisioning().runs.streamLines(run!.id)) lines.push(line);
    expect(lines.filter((l) => l.kind === 'deactivated').map((l) => [l.memberId, l.detail])).toEqual([
      ['slack-U0CAT00001', 'a Slack guest, and guests are not synced'],
      ['slack-U0SIA00001', 'a Slack guest, and guests are not synced'],
    ]);
    expect(await statusesOf(['slack-U0ADA00001', 'slack-U0BOB00001'])).toEqual(['pending', 'pending']);
  });

  it('records a line that fails as failed, applies the others around it, and reads the rest as applied from the watermark', async () => {
    // Bob is mapped to m-bob, whose email Slack now says is bob@acme.test, which m-other (CSV) already has.
    await save('m-bob', 'old-bob@acme.test', 'provisioning');
    await save('m-other', 'bob@acme.test', 'csv');
    await storeRepos(t.connector.store.db).mappings.save(
      { memberId: 'm-bob', slackUserId: 'U0BOB00001', source: 'manual', slackEmail: 'bob@acme.test', active: true },
      new Date(),
    );
    await provisioning().config.save(config({ maxDeactivationShare: 1 }), 'm-admin', new Date());

    expect(await syncNow()).toMatchObject({ report: { status: 'completed_with_errors' } });
    const [run] = await provisioning().runs.latest(1);
    expect(run).toMatchObject({ status: 'completed_with_errors', counts: { created: 2, updated: 1, added_to_team: 3, failed: 1 } });
    const lines = [];
    for await (const line of provisioning().runs.streamLines(run!.id)) lines.push(line);
    expect(run!.appliedThrough).toBe(lines.length - 1);
    const failed = lines.filter((l) => l.outcome === 'failed');
    expect(failed).toEqual([expect.objectContaining({ kind: 'updated', memberId: 'm-bob', detail: 'the email bob@acme.test belongs to member m-other' })]);
    expect(lines.filter((l) => l.outcome !== 'failed').every((l) => l.outcome === 'applied')).toBe(true);
    // The lines after the failed one were applied: Bob's team, and the members created after him.
    expect(await members().findById('m-bob')).toMatchObject({ email: 'old-bob@acme.test', groups: ['Engineering'] });
    expect(await members().findById('slack-U0CAT00001')).toMatchObject({ status: 'pending', groups: ['Engineering'] });
  });

  it('welcomes the members it created with a DM when invitations are on, once', async () => {
    await provisioning().config.save(config({ inviteNewMembers: true }), 'm-admin', new Date());
    expect(await syncNow()).toMatchObject({ report: { status: 'completed', counts: { created: 3 } } });
    // Queued for the notification worker, which delivers them once each.
    for (const id of ['U0ADA00001', 'U0BOB00001', 'U0CAT00001']) {
      const delivered = await finished(t, welcomeNotificationId(provisionedMemberId(id)));
      expect(delivered).toMatchObject({ status: 'delivered', type: 'welcome' });
      const messages = t.emulator.messagesTo(id);
      expect(messages).toHaveLength(1);
      expect(JSON.stringify(messages[0]?.blocks)).toContain('"url":"https://acme.pigment.test"');
    }
    expect(t.emulator.messagesTo('U0ADA00001')[0]?.text).toContain('Ada Lovelace');
    // Not in a synced group: not created, not welcomed.
    expect(t.emulator.messagesTo('U0DAN00001')).toEqual([]);
    await syncNow();
    expect(await createNotificationRepos(t.connector.deps).outbox.findById(welcomeNotificationId('slack-U0DAN00001'))).toBeUndefined();
    expect(t.emulator.messagesTo('U0ADA00001')).toHaveLength(1);
    expect(t.emulator.callsOf('chat.postMessage')).toHaveLength(3);
  });

  it('stops before writing anything when it would deactivate more than the allowed share, and says so', async () => {
    for (let i = 0; i < 10; i += 1) await save(`slack-U0OLD0000${i}`, `old${i}@acme.test`, 'provisioning');
    await provisioning().config.save(config(), 'm-admin', new Date());

    expect(await syncNow()).toMatchObject({ report: { status: 'needs_review', counts: { deactivated: 10, created: 3 } } });
    for (let i = 0; i < 10; i += 1) expect((await members().findById(`slack-U0OLD0000${i}`))?.status).toBe('activated');
    expect(await members().findById('slack-U0ADA00001')).toBeUndefined();
    expect(t.logs.some((line) => line.includes('would deactivate too many members'))).toBe(true);
  });

  it('previews without writing', async () => {
    await provisioning().config.save(config(), 'm-admin', new Date());
    const service = createSyncService(connectorView(t.connector), provisioning(), {
      members: t.connector.features.members.directory,
      mapping: t.connector.features.mapping.lookup,
    });
    const preview = await service.run({ kind: 'preview', trigger: 'manual' });
    expect(preview).toMatchObject({ ran: true, run: { kind: 'preview', status: 'completed', counts: { created: 3, added_to_team: 3 } } });
    expect(await members().findById('slack-U0ADA00001')).toBeUndefined();
  });

  it('fails clearly when a configured group no longer exists, changing nothing', async () => {
    await save('slack-U0ADA00001', 'ada@acme.test', 'provisioning');
    await provisioning().config.save(config({ groupIds: ['SENG000001', 'SGONE00001'] }), 'm-admin', new Date());
    expect(await syncNow()).toMatchObject({ report: { status: 'failed' } });
    const [run] = await provisioning().runs.latest(1);
    expect(run?.error).toBe('the Slack user group SGONE00001 no longer exists; update the sync configuration');
    expect((await members().findById('slack-U0ADA00001'))?.status).toBe('activated');
  });
});
