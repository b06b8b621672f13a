/**
 * Automatic mapping end to end: the real connector (Bolt app, SDK clients, scheduler) against
 * the Slack emulator and the embedded store.
 */
import { validateView } from '../../../scripts/slack-emulator/block-kit';
import type { SeedUser, SlackUser } from '../../../scripts/slack-emulator';
import { fullPassJob, scheduledPassJob } from '../../../src/features/mapping';
import type { AccountType, MemberStatus } from '../../../src/features/members/member.types';
import { emailKey } from '../../../src/features/members/member.types';
import { JobRunRepository } from '../../../src/platform/scheduler/job-run.repository';
import { eventually, startTestConnector, type TestConnector } from '../../support/connector';
import { TEST_SECRETS } from '../../support/factories';
import { connectorView } from '../../support/store-repos';

const TEAM = { id: 'T0ACME0001', name: 'Acme Corp', domain: 'acme' };
const USERS: SeedUser[] = [
  { id: 'U0ADMIN001', name: 'admin', profile: { email: 'admin@acme.test' } },
  { id: 'U0ANA00001', name: 'ana', profile: { email: 'ana@acme.test' } },
  { id: 'U0BOB00001', name: 'bob', profile: { email: 'Bob@Acme.test' } },
  { id: 'U0DELETED1', name: 'gone', deleted: true, profile: { email: 'gone@acme.test' } },
  { id: 'U0BOTUSER1', name: 'robot', is_bot: true, profile: { email: 'robot@acme.test' } },
  { id: 'U0APPUSER1', name: 'appuser', is_app_user: true, profile: { email: 'app@acme.test' } },
  { id: 'U0STRANGE1', name: 'stranger', is_stranger: true, profile: { email: 'stranger@acme.test' } },
  { id: 'U0NOMAIL01', name: 'nomail' },
  { id: 'U0DAVE0001', name: 'dave', profile: { email: 'dave@acme.test' } },
  { id: 'U0ANAWORK1', name: 'ana-work', profile: { email: 'ana.work@acme.test' } },
];

/** Members of the directory; `gone`, `robot`, `app` and `stranger` have Slack users that must never be mapped. */
const MEMBERS: Array<{ id: string; email: string; accountType?: AccountType; status?: MemberStatus }> = [
  { id: 'm-admin', email: 'admin@acme.test', accountType: 'security_admin', status: 'activated' },
  { id: 'm-ana', email: 'ana@acme.test' },
  { id: 'm-bob', email: ' bob@acme.TEST ' },
  { id: 'm-gone', email: 'gone@acme.test' },
  { id: 'm-robot', email: 'robot@acme.test' },
  { id: 'm-app', email: 'app@acme.test' },
  { id: 'm-stranger', email: 'stranger@acme.test' },
  { id: 'm-carol', email: 'carol@acme.test' },
  { id: 'm-dave', email: 'dave@acme.test', status: 'deactivated' },
];

const AUTH_JSON = { authorization: `Bearer ${TEST_SECRETS.apiToken}`, 'content-type': 'application/json' };

describe('automatic mapping', () => {
  let t: TestConnector;

  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, label: 'mapping' });
    for (const member of MEMBERS) await saveMember(member);
  });
  afterEach(async () => {
    await t.stop();
  });

  const features = () => connectorView(t.connector);
  const mappingOf = (memberId: string) => features().repos.mappings.findByMember(memberId);

  async function saveMember(member: { id: string; email: string; accountType?: AccountType; status?: MemberStatus }): Promise<void> {
    const email = member.email.trim();
    const saved = await features().repos.members.save(
      {
        id: member.id,
        name: member.id,
        email,
        emailKey: emailKey(email),
        accountType: member.accountType ?? 'standard_member',
        status: member.status ?? 'pending',
        groups: [],
        source: 'api',
      },
      new Date(),
    );
    if (!saved.ok) throw new Error(`could not save ${member.id}`);
  }

  /** Acknowledges the workspace as the Security Admin and waits for the first full pass. */
  async function goLive(): Promise<void> {
    const actor = await features().actors.resolve('U0ADMIN001');
    const result = await features().workspace.acknowledge(actor);
    expect(result.ok).toBe(true);
    await eventually(() => features().repos.mappings.lastFullPass(), 10_000, 'the first full pass');
  }

  function put(memberId: string, body: Record<string, unknown>): Promise<Response> {
    return t.fetch(`/api/v1/workspaces/default/members/${memberId}`, { method: 'PUT', headers: AUTH_JSON, body: JSON.stringify(body) });
  }

  /** Sends a Slack user event carrying the emulator's current view of the user. */
  async function sendUserEvent(type: 'team_join' | 'user_change', user: SlackUser | Record<string, unknown>): Promise<void> {
    const ack = await t.emulator.socket.sendEvent({ type, user, event_ts: `${Date.now() / 1000}` });
    expect(ack.envelope_id).toBeDefined();
  }

  it('maps members by email when the workspace is acknowledged, with one users.list page and no lookups', async () => {
    expect(await mappingOf('m-ana')).toBeUndefined();
    await goLive();

    expect(await mappingOf('m-admin')).toMatchObject({ slackUserId: 'U0ADMIN001', source: 'auto', active: true });
    expect(await mappingOf('m-ana')).toMatchObject({ slackUserId: 'U0ANA00001', source: 'auto', active: true, slackEmail: 'ana@acme.test' });
    // Emails compare trimmed and case-insensitively.
    expect(await mappingOf('m-bob')).toMatchObject({ slackUserId: 'U0BOB00001', slackEmail: 'Bob@Acme.test' });
    // Deleted users, bots, app users, strangers: never; a deactivated member: never; no Slack user: nothing.
    for (const id of ['m-gone', 'm-robot', 'm-app', 'm-stranger', 'm-dave', 'm-carol']) expect(await mappingOf(id)).toBeUndefined();

    const runs = await new JobRunRepository(t.connector.store.db).latest('mapping.full_pass');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'event', status: 'completed' });
    const slackUsers = t.emulator.state.users.size; // the seed plus the app's bot user
    expect(runs[0]!.report).toEqual({
      ran: true,
      kind: 'full',
      slackUsers,
      pages: 1,
      calls: 1,
      candidates: 8,
      created: 3,
      remapped: 0,
      reactivated: 0,
      deactivated: 0,
      unchanged: 0,
      // ana.work@, dave@ (a deactivated member), nobody for U0NOMAIL01 (no email: skipped).
      unmatched: 2,
      conflicts: 0,
      skipped: { bots: 3, deleted: 1, strangers: 1, noEmail: 1 },
      released: 0,
      readMs: expect.any(Number),
      totalMs: expect.any(Number),
    });
    expect(await features().repos.mappings.lastFullPass()).toMatchObject({ slackUsers, pages: 1 });
    expect(t.emulator.callsOf('users.list')).toHaveLength(1);
    expect(t.emulator.callsOf('users.list')[0]!.args).toMatchObject({ limit: '200' });
    expect(t.emulator.callsOf('users.lookupByEmail')).toHaveLength(0);
  });

  it('never maps before the workspace is live, even on events and new members', async () => {
    await sendUserEvent('team_join', t.emulator.addUser({ id: 'U0CAROL001', name: 'carol', profile: { email: 'carol@acme.test' } }));
    const created = await put('m-erin', { email: 'erin@acme.test', name: 'Erin', accountType: 'standard_member' });
    expect(created.status).toBe(201);
    const report = await features().scheduler.runExclusive(scheduledPassJob(features().mapping.service), 'manual');
    expect(report).toMatchObject({ ran: true, status: 'completed', report: { ran: false, reason: 'not_live' } });
    await new Promise((r) => setTimeout(r, 500));
    expect(await mappingOf('m-carol')).toBeUndefined();
    expect(await features().repos.mappings.counts()).toEqual({ active: 0, inactive: 0 });
    expect(t.emulator.callsOf('users.list')).toHaveLength(0);
    expect(t.emulator.callsOf('users.lookupByEmail')).toHaveLength(0);
  });

  it('marks the mapping inactive when the Slack user is deactivated, and active again when reactivated', async () => {
    await goLive();
    await sendUserEvent('user_change', t.emulator.updateUser('U0ANA00001', { deleted: true }));
    await eventually(async () => ((await mappingOf('m-ana'))?.active === false ? true : undefined), 5_000, 'the mapping to turn inactive');
    expect(await mappingOf('m-ana')).toMatchObject({ slackUserId: 'U0ANA00001', source: 'auto', active: false });

    // The Home counts panel shows it as inactive.
    await t.emulator.socket.sendEvent({ type: 'app_home_opened', user: 'U0ADMIN001', channel: 'D0ADMIN001', tab: 'home', event_ts: '1' });
    const view = await eventually(() => t.emulator.homeViewOf('U0ADMIN001'), 5_000, 'the admin home');
    expect(validateView(view)).toEqual([]);
    const home = JSON.stringify(view);
    // 8 members not deactivated: admin and bob connected, ana inactive, 5 not connected.
    expect(home).toContain('*Connected*\\n2');
    expect(home).toContain('*Inactive*\\n1');
    expect(home).toContain('*Not connected*\\n5');
    expect(home).toContain('mapping.review_members');
    // A deactivated member's mapping is kept but not counted.
    await features().repos.members.setStatus('m-bob', 'deactivated', new Date());
    expect(await features().mapping.service.counts()).toEqual({ connected: 1, inactive: 1, notConnected: 5 });
    expect(await mappingOf('m-bob')).toMatchObject({ slackUserId: 'U0BOB00001', active: true });
    await features().repos.members.setStatus('m-bob', 'activated', new Date());

    // A full pass keeps it inactive (and does not remap it to anyone).
    const pass = await features().scheduler.runExclusive(fullPassJob(features().mapping.service), 'manual');
    expect(pass).toMatchObject({ status: 'completed', report: { created: 0, deactivated: 0, unchanged: 3 } });
    // Only standard members and workspace admins: no counts panel.
    await saveMember({ id: 'm-carol', email: 'carol@acme.test', accountType: 'workspace_admin', status: 'activated' });
    await features().repos.mappings.save(
      { memberId: 'm-carol', slackUserId: 'U0NOMAIL01', source: 'manual', slackEmail: 'carol@acme.test', active: true },
      new Date(),
    );
    await t.emulator.socket.sendEvent({ type: 'app_home_opened', user: 'U0NOMAIL01', channel: 'D0NOMAIL01', tab: 'home', event_ts: '2' });
    const other = await eventually(() => t.emulator.homeViewOf('U0NOMAIL01'), 5_000, "carol's home");
    expect(JSON.stringify(other)).not.toContain('mapping.review_members');
    expect(JSON.stringify(other)).not.toContain('Not connected*');
    expect(await mappingOf('m-ana')).toMatchObject({ slackUserId: 'U0ANA00001', active: false });

    await sendUserEvent('user_change', t.emulator.updateUser('U0ANA00001', { deleted: false }));
    await eventually(async () => ((await mappingOf('m-ana'))?.active === true ? true : undefined), 5_000, 'the mapping to turn active again');
    expect(await mappingOf('m-ana')).toMatchObject({ slackUserId: 'U0ANA00001', source: 'auto', active: true });
  });

  it('a full pass marks users deactivated or reactivated while no event arrived', async () => {
    await goLive();
    t.emulator.updateUser('U0BOB00001', { deleted: true });
    const service = features().mapping.service;
    // One pass at a time in a process.
    const [first, concurrent] = await Promise.all([service.runFullPass(), service.runFullPass()]);
    expect(concurrent).toEqual({ ran: false, reason: 'already_running' });
    expect(first).toMatchObject({ deactivated: 1, reactivated: 0, unchanged: 2 });
    expect(await mappingOf('m-bob')).toMatchObject({ active: false });
    t.emulator.updateUser('U0BOB00001', { deleted: false });
    const second = await service.runFullPass();
    expect(second).toMatchObject({ deactivated: 0, reactivated: 1, unchanged: 2 });
    expect(await mappingOf('m-bob')).toMatchObject({ slackUserId: 'U0BOB00001', active: true });

    // An email changed while no event arrived: the automatic mapping moves with it.
    await saveMember({ id: 'm-ana-new', email: 'ana.new@acme.test' });
    t.emulator.updateUser('U0ANA00001', { profile: { email: 'ana.new@acme.test' } });
    const third = await service.runFullPass();
    expect(third).toMatchObject({ released: 1, created: 1, unchanged: 2 });
    expect(await mappingOf('m-ana-new')).toMatchObject({ slackUserId: 'U0ANA00001', source: 'auto', slackEmail: 'ana.new@acme.test' });
    expect(await mappingOf('m-ana')).toBeUndefined();
  });

  it('maps a user who joins (team_join), never a bot or a stranger who joins', async () => {
    await goLive();
    await sendUserEvent('team_join', t.emulator.addUser({ id: 'U0CAROL001', name: 'carol', profile: { email: 'CAROL@acme.test' } }));
    await eventually(() => mappingOf('m-carol'), 5_000, "carol's mapping");
    expect(await mappingOf('m-carol')).toMatchObject({ slackUserId: 'U0CAROL001', source: 'auto', active: true });

    await saveMember({ id: 'm-botty', email: 'botty@acme.test' });
    await saveMember({ id: 'm-visitor', email: 'visitor@partner.test' });
    await sendUserEvent('team_join', t.emulator.addUser({ id: 'U0BOTTY001', name: 'botty', is_bot: true, profile: { email: 'botty@acme.test' } }));
    // A Slack Connect user: another team's id.
    await sendUserEvent('team_join', { id: 'U0VISIT001', team_id: 'T0PARTNER1', name: 'visitor', profile: { email: 'visitor@partner.test' } });
    await sendUserEvent('team_join', t.emulator.addUser({ id: 'U0FRANK001', name: 'frank', profile: { email: 'frank@acme.test' } }));
    await saveMember({ id: 'm-frank', email: 'frank@acme.test' });
    await sendUserEvent('user_change', t.emulator.updateUser('U0FRANK001', { real_name: 'Frank' }));
    await eventually(() => mappingOf('m-frank'), 5_000, "frank's mapping (the last event)");
    expect(await mappingOf('m-botty')).toBeUndefined();
    expect(await mappingOf('m-visitor')).toBeUndefined();
  });

  it('moves an automatic mapping when the Slack email changes (user_change)', async () => {
    await goLive();
    await saveMember({ id: 'm-ana-new', email: 'ana.new@acme.test' });
    // Ana's Slack account now has the email of another member; her old email moves to her work account.
    await sendUserEvent('user_change', t.emulator.updateUser('U0ANA00001', { profile: { email: 'ana.new@acme.test' } }));
    await eventually(async () => ((await mappingOf('m-ana-new'))?.slackUserId === 'U0ANA00001' ? true : undefined), 5_000, 'the remap');
    expect(await mappingOf('m-ana-new')).toMatchObject({ slackUserId: 'U0ANA00001', source: 'auto', slackEmail: 'ana.new@acme.test' });
    // m-ana lost that account and nobody else has ana@acme.test: not connected.
    expect(await mappingOf('m-ana')).toBeUndefined();
  });

  it('never changes a manual mapping: not by a full pass, a user_change or a member update', async () => {
    // Ana was connected by hand to her work account before the workspace went live.
    await features().repos.mappings.save(
      { memberId: 'm-ana', slackUserId: 'U0ANAWORK1', source: 'manual', slackEmail: 'ana.work@acme.test', active: true },
      new Date(),
    );
    await goLive();
    expect(await mappingOf('m-ana')).toMatchObject({ slackUserId: 'U0ANAWORK1', source: 'manual' });
    // U0ANA00001 has ana's email but ana is taken: it stays unmapped.
    expect(await features().repos.mappings.findBySlackUser('U0ANA00001')).toBeUndefined();

    const second = await features().scheduler.runExclusive(fullPassJob(features().mapping.service), 'manual');
    expect(second).toMatchObject({ status: 'completed', report: { created: 0, remapped: 0, released: 0 } });
    await sendUserEvent('user_change', t.emulator.updateUser('U0ANAWORK1', { profile: { email: 'ana.renamed@acme.test' } }));
    expect((await put('m-ana', { email: 'ana@acme.test', name: 'Ana Renamed', accountType: 'standard_member' })).status).toBe(200);
    await sendUserEvent('user_change', t.emulator.updateUser('U0ANA00001', { real_name: 'Ana' }));
    await new Promise((r) => setTimeout(r, 500));
    expect(await mappingOf('m-ana')).toMatchObject({ slackUserId: 'U0ANAWORK1', source: 'manual', slackEmail: 'ana.work@acme.test', active: true });
  });

  it("keeps an admin's removal: automatic passes and events do not connect the pair again until an admin does", async () => {
    await goLive();
    const before = await mappingOf('m-ana');
    expect(before).toMatchObject({ source: 'auto' });
    await features().repos.mappings.removeByAdmin('m-ana', new Date());

    const pass = await features().scheduler.runExclusive(fullPassJob(features().mapping.service), 'manual');
    expect(pass).toMatchObject({ status: 'completed', report: { created: 0 } });
    expect(await mappingOf('m-ana')).toBeUndefined();
    const single = await features().mapping.service.mapMember((await features().repos.members.findById('m-ana'))!);
    expect(single).toMatchObject({ ok: false, reason: 'removed_by_admin' });
    expect(await mappingOf('m-ana')).toBeUndefined();

    // An admin connecting her by hand lifts the removal.
    const manual = await features().repos.mappings.save(
      { memberId: 'm-ana', slackUserId: before!.slackUserId, source: 'manual', slackEmail: before!.slackEmail, active: true },
      new Date(),
    );
    expect(manual).toMatchObject({ ok: true, outcome: 'created' });
    await features().repos.mappings.remove('m-ana');
    const again = await features().scheduler.runExclusive(fullPassJob(features().mapping.service), 'manual');
    expect(again).toMatchObject({ status: 'completed', report: { created: 1 } });
    expect(await mappingOf('m-ana')).toMatchObject({ source: 'auto', slackUserId: before!.slackUserId });
  });

  it('maps a member created through the HTTP API at once, and remaps when their email changes', async () => {
    await goLive();
    t.emulator.addUser({ id: 'U0GINA0001', name: 'gina', profile: { email: 'gina@acme.test' } });
    t.emulator.addUser({ id: 'U0GINA0002', name: 'gina2', profile: { email: 'gina@newco.test' } });
    const lookupsBefore = t.emulator.callsOf('users.lookupByEmail').length;
    const listsBefore = t.emulator.callsOf('users.list').length;

    expect((await put('m-gina', { email: 'Gina@acme.test', name: 'Gina', accountType: 'standard_member' })).status).toBe(201);
    await eventually(() => mappingOf('m-gina'), 5_000, "gina's mapping");
    expect(await mappingOf('m-gina')).toMatchObject({ slackUserId: 'U0GINA0001', source: 'auto', active: true });
    expect(t.emulator.callsOf('users.lookupByEmail').length - lookupsBefore).toBe(1);

    expect((await put('m-gina', { email: 'gina@newco.test', name: 'Gina', accountType: 'standard_member' })).status).toBe(200);
    await eventually(async () => ((await mappingOf('m-gina'))?.slackUserId === 'U0GINA0002' ? true : undefined), 5_000, 'the remap to the new email');
    expect(await mappingOf('m-gina')).toMatchObject({ slackUserId: 'U0GINA0002', source: 'auto', slackEmail: 'gina@newco.test' });

    // A new email nobody has on Slack: the automatic mapping is released.
    expect((await put('m-gina', { email: 'gina@nowhere.test', name: 'Gina', accountType: 'standard_member' })).status).toBe(200);
    await eventually(async () => ((await mappingOf('m-gina')) === undefined ? true : undefined), 5_000, 'the release');
    expect(t.emulator.callsOf('users.lookupByEmail').length - lookupsBefore).toBe(3);
    expect(t.emulator.callsOf('users.list').length).toBe(listsBefore);
  });

  it('the strategy picks lookups for a few unmapped members and users.list for more', async () => {
    await goLive();
    const job = scheduledPassJob(features().mapping.service);
    const usersCount = t.emulator.state.users.size; // 11: one users.list call (0.05 min) = 2.5 lookups
    expect(usersCount).toBeLessThanOrEqual(200);
    // After the first pass, m-gone, m-robot, m-app, m-stranger and m-carol are unmapped (5): users.list is cheaper.
    const lists = () => t.emulator.callsOf('users.list').length;
    const lookups = () => t.emulator.callsOf('users.lookupByEmail').length;
    let [l0, k0] = [lists(), lookups()];
    const full = await features().scheduler.runExclusive(job, 'manual');
    expect(full).toMatchObject({
      status: 'completed',
      report: { ran: true, kind: 'full', strategy: { kind: 'full', lookups: { calls: 5 }, full: { calls: 1 } } },
    });
    expect([lists() - l0, lookups() - k0]).toEqual([1, 0]);

    // Deactivate members until 2 are unmapped: 2 lookups (0.04 min) beat one users.list call.
    for (const id of ['m-gone', 'm-robot', 'm-app']) await features().repos.members.setStatus(id, 'deactivated', new Date());
    t.emulator.addUser({ id: 'U0CAROL001', name: 'carol', profile: { email: 'carol@acme.test' } });
    [l0, k0] = [lists(), lookups()];
    const few = await features().scheduler.runExclusive(job, 'manual');
    expect(few).toMatchObject({
      status: 'completed',
      report: { ran: true, kind: 'lookups', members: 2, calls: 2, created: 1, notFound: 0, skipped: { strangers: 1 }, strategy: { kind: 'lookups' } },
    });
    expect([lists() - l0, lookups() - k0]).toEqual([0, 2]);
    expect(await mappingOf('m-carol')).toMatchObject({ slackUserId: 'U0CAROL001', source: 'auto' });
  });

  it('a burst of new members is matched by one full pass when that costs fewer calls than a lookup each', async () => {
    await goLive();
    const [l0, k0] = [t.emulator.callsOf('users.list').length, t.emulator.callsOf('users.lookupByEmail').length];
    const names = ['hana', 'ivan', 'jade', 'kim'];
    for (const [i, name] of names.entries()) t.emulator.addUser({ id: `U0BURST00${i}`, name, profile: { email: `${name}@acme.test` } });
    await Promise.all(names.map((name) => put(`m-${name}`, { email: `${name}@acme.test`, name, accountType: 'standard_member' })));
    for (const name of names) await eventually(() => mappingOf(`m-${name}`), 5_000, `${name}'s mapping`);
    // 4 lookups (0.08 min) cost more than one users.list call (0.05 min) for these 15 users.
    expect(t.emulator.callsOf('users.list').length - l0).toBe(1);
    expect(t.emulator.callsOf('users.lookupByEmail').length - k0).toBe(0);
  });
});
