/**
 * A sync whose process died is resumed by the next sync rather than started over: from the
 * users.list page it had reached, or from the first planned line not applied yet.
 */
import { WebClient } from '@slack/web-api';
import type { SeedUser } from '../../../scripts/slack-emulator';
import { emailKey } from '../../../src/features/members/member.types';
import { createProvisioningRepos, DEFAULT_MAX_DEACTIVATION_SHARE, type ProvisioningConfig, type SlackUserRecord } from '../../../src/features/provisioning';
import { PROVISIONING_JOB, RESUME_SYNC_JOB } from '../../../src/features/provisioning/sync.job';
import { addIdleInstalledTenant, markedFor, visitsOf } from '../../support/idle-tenant';
import { startTestConnector, type TestConnector } from '../../support/connector';
import { connectorView, storeRepos } from '../../support/store-repos';

const TEAM = { id: 'T0RESUME01', name: 'Acme Resume', domain: 'acme-resume' };
// Two users.list pages (200 a page): enough to resume after the first, small enough to apply quickly.
const USERS: SeedUser[] = Array.from({ length: 230 }, (_, i) => {
  const id = `U0R${String(i).padStart(7, '0')}`;
  return { id, name: `user${i}`, real_name: `User ${i}`, profile: { email: `user${i}@acme.test`, real_name: `User ${i}` } };
});
const FEW = { id: 'SFEW000001', handle: 'few', name: 'Few', users: [USERS[0]!.id, USERS[1]!.id, USERS[2]!.id] };
const MORE = { id: 'SMORE00001', handle: 'more', name: 'More', users: [USERS[3]!.id, USERS[4]!.id] };
const EVERYONE: ProvisioningConfig = {
  scope: 'everyone',
  groupIds: [],
  teamMapping: { enabled: false, groupToTeam: {} },
  includeGuests: false,
  inviteNewMembers: false,
  maxDeactivationShare: DEFAULT_MAX_DEACTIVATION_SHARE,
};

describe('provisioning sync after a crash', () => {
  let t: TestConnector;
  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS, usergroups: [FEW, MORE] } }, label: 'sync-resume' });
    const { repos, workspace } = connectorView(t.connector);
    await repos.workspaces.transition(TEAM.id, ['pending'], 'live', { acknowledgedAt: new Date() });
    await workspace.refresh();
  });
  afterEach(() => t.stop());

  const provisioning = () => createProvisioningRepos(t.connector.deps.db);
  const syncNow = () => t.connector.deps.scheduler.runPlannedNow(PROVISIONING_JOB);

  it('goes on reading users.list from the page the dead process had reached', async () => {
    await provisioning().config.save(EVERYONE, 'm-admin', new Date());
    // What a process that died after its first page leaves: a running run and one staged page.
    const dead = await provisioning().runs.start('sync', 'schedule', new Date());
    await provisioning().runs.update(dead.id, { phase: 'reading', usersRead: 200 });
    const first = await new WebClient(t.emulator.botToken, { slackApiUrl: t.emulator.apiUrl }).users.list({ limit: 200 });
    const records: SlackUserRecord[] = (first.members ?? []).map((m) => ({
      id: m.id!,
      email: m.profile!.email!,
      name: m.profile!.real_name!,
      deleted: false,
      isBot: Boolean(m.is_bot),
      isStranger: false,
    }));
    await provisioning().runs.stagePage(dead.id, { index: 0, users: records, nextCursor: first.response_metadata!.next_cursor! });
    const listCallsBefore = t.emulator.callsOf('users.list').length;

    expect(await syncNow()).toMatchObject({ ran: true, report: { runId: dead.id, status: 'completed' } });
    // Only the second page asked for.
    expect(t.emulator.callsOf('users.list').length - listCallsBefore).toBe(1);
    expect(t.emulator.callsOf('users.list').at(-1)?.args.cursor).toBe(first.response_metadata!.next_cursor);
    for (const user of [USERS[0]!, USERS[199]!, USERS[229]!]) {
      expect(await storeRepos(t.connector.store.db).members.findByEmailKey(emailKey(user.profile!.email!))).toMatchObject({ source: 'provisioning' });
    }
    expect(await provisioning().runs.latest(5)).toEqual([expect.objectContaining({ id: dead.id, status: 'completed', counts: { created: 230 } })]);
    expect(await provisioning().runs.stagedPages(dead.id)).toEqual([]);
  });

  it('is resumed by the every-minute resume job, with no click and no sync schedule due, and that job starts nothing new', async () => {
    await provisioning().config.save(EVERYONE, 'm-admin', new Date());
    const { scheduler } = t.connector.deps;
    expect(scheduler.plannedJobs()).toContainEqual({ name: RESUME_SYNC_JOB, expression: '30 * * * * *' });
    // Nothing left running: the job reads and leaves (it never starts a sync of its own).
    expect(await scheduler.runPlannedNow(RESUME_SYNC_JOB, 'event')).toMatchObject({ ran: true, report: { skipped: 'nothing_to_resume' } });
    expect(await provisioning().runs.latest(5)).toEqual([]);

    // What a process killed while reading users.list leaves: a run marked running, its lease expired.
    const dead = await provisioning().runs.start('sync', 'schedule', new Date());
    await provisioning().runs.update(dead.id, { phase: 'reading' });
    // The job's next tick, as the cron fires it every minute on any live process.
    expect(await scheduler.runPlannedNow(RESUME_SYNC_JOB, 'event')).toMatchObject({ ran: true, report: { runId: dead.id, status: 'completed' } });
    expect(await provisioning().runs.latest(5)).toEqual([expect.objectContaining({ id: dead.id, status: 'completed', counts: { created: 230 } })]);
  });

  it('is found by the resume tick through the mark its sync left on the tenant; an installed tenant with nothing running is not visited', async () => {
    await provisioning().config.save(EVERYONE, 'm-admin', new Date());
    await addIdleInstalledTenant(t.connector);
    const { scheduler } = t.connector.deps;
    const tenant = t.connector.config.defaultWorkspaceId;
    // A sync marks its tenant before its run is marked running; previews do not.
    expect(await markedFor(t.connector, RESUME_SYNC_JOB)).toEqual([]);
    expect(await syncNow()).toMatchObject({ ran: true, report: { status: 'completed' } });
    expect(await markedFor(t.connector, RESUME_SYNC_JOB)).toEqual([tenant]);

    // What a process killed while reading users.list leaves: a run marked running, its lease expired.
    const dead = await provisioning().runs.start('sync', 'schedule', new Date());
    await provisioning().runs.update(dead.id, { phase: 'reading' });
    await scheduler.runPlannedTick(RESUME_SYNC_JOB, new Date('2026-12-01T10:00:30Z'));
    expect(await provisioning().runs.latest(1)).toEqual([expect.objectContaining({ id: dead.id, status: 'completed' })]);
    // The idle tenant's installation is live, yet the tick took nothing there: no tick, no report.
    expect(await visitsOf(t.connector, RESUME_SYNC_JOB)).toEqual([tenant]);
  });

  it('leaves a running preview alone: previews run without the sync lease, so a free lease is no sign of a dead process', async () => {
    await provisioning().config.save(EVERYONE, 'm-admin', new Date());
    const preview = await provisioning().runs.start('preview', 'manual', new Date());
    expect(await t.connector.deps.scheduler.runPlannedNow(RESUME_SYNC_JOB, 'event')).toMatchObject({ ran: true, report: { skipped: 'nothing_to_resume' } });
    expect(await provisioning().runs.latest(5)).toEqual([expect.objectContaining({ id: preview.id, status: 'running' })]);
  });

  it('applies the rest of a plan whose process died while applying it (here: during an approval)', async () => {
    const members = storeRepos(t.connector.store.db).members;
    for (let i = 0; i < 5; i += 1) {
      await members.save(
        {
          id: `slack-U0GONE000${i}`,
          name: `Gone ${i}`,
          email: `gone${i}@acme.test`,
          emailKey: `gone${i}@acme.test`,
          accountType: 'standard_member',
          status: 'activated',
          groups: [],
          source: 'provisioning',
        },
        new Date(),
      );
    }
    await provisioning().config.save({ ...EVERYONE, scope: 'groups', groupIds: [FEW.id] }, 'm-admin', new Date());
    const stopped = await syncNow();
    expect(stopped).toMatchObject({ report: { status: 'needs_review', counts: { deactivated: 5, created: 3 } } });
    const [run] = await provisioning().runs.latest(1);
    // Approved, then the process died before applying anything.
    await provisioning().runs.update(run!.id, { status: 'running', phase: 'applying' });

    expect(await syncNow()).toMatchObject({ report: { runId: run!.id, status: 'completed' } });
    for (let i = 0; i < 5; i += 1) expect((await members.findById(`slack-U0GONE000${i}`))?.status).toBe('deactivated');
    expect(await members.findByEmailKey('user0@acme.test')).toMatchObject({ status: 'pending' });
    const outcomes = new Set<string>();
    for await (const line of provisioning().runs.streamLines(run!.id)) outcomes.add(line.outcome);
    expect([...outcomes]).toEqual(['applied']);
    expect(await provisioning().runs.latest(5)).toHaveLength(1);
  });

  it('applies again, harmlessly, lines whose effects were written when the process died before advancing the watermark', async () => {
    const members = storeRepos(t.connector.store.db).members;
    const mappings = storeRepos(t.connector.store.db).mappings;
    // Every kind the resume must tolerate: created (with a team), updated (m-user3 renamed; both known members get Slack’s picture), deactivated, reactivated.
    await members.save(
      {
        id: 'm-user3',
        name: 'Old Name',
        email: 'user3@acme.test',
        emailKey: 'user3@acme.test',
        accountType: 'standard_member',
        status: 'activated',
        groups: [],
        source: 'api',
      },
      new Date(),
    );
    await members.save(
      {
        id: 'slack-U0R0000004',
        name: 'User 4',
        email: 'user4@acme.test',
        emailKey: 'user4@acme.test',
        accountType: 'standard_member',
        status: 'deactivated',
        groups: [],
        source: 'provisioning',
      },
      new Date(),
    );
    await members.save(
      {
        id: 'slack-U0GONE0001',
        name: 'Gone',
        email: 'gone@acme.test',
        emailKey: 'gone@acme.test',
        accountType: 'standard_member',
        status: 'activated',
        groups: [],
        source: 'provisioning',
      },
      new Date(),
    );
    await provisioning().config.save(
      { ...EVERYONE, scope: 'groups', groupIds: [FEW.id, MORE.id], teamMapping: { enabled: true, groupToTeam: { [FEW.id]: 'Few' } }, maxDeactivationShare: 1 },
      'm-admin',
      new Date(),
    );

    expect(await syncNow()).toMatchObject({
      report: { status: 'completed', counts: { created: 3, added_to_team: 3, updated: 2, reactivated: 1, deactivated: 1 } },
    });
    const [run] = await provisioning().runs.latest(1);
    const before = await Promise.all(['slack-U0R0000000', 'm-user3', 'slack-U0R0000004', 'slack-U0GONE0001'].map((id) => members.findById(id)));
    // What a process that applied every line, then died before advancing the watermark, leaves.
    await provisioning().runs.update(run!.id, { status: 'running', phase: 'applying', appliedThrough: -1 });
    const pending: string[] = [];
    for await (const line of provisioning().runs.streamLines(run!.id)) pending.push(line.outcome);
    expect(new Set(pending)).toEqual(new Set(['planned']));

    expect(await syncNow()).toMatchObject({ report: { runId: run!.id, status: 'completed' } });
    const [resumed] = await provisioning().runs.latest(5);
    expect(resumed).toMatchObject({ id: run!.id, status: 'completed', counts: { created: 3, added_to_team: 3, updated: 2, reactivated: 1, deactivated: 1 } });
    expect(resumed!.counts.failed).toBeUndefined();
    const lines = [];
    for await (const line of provisioning().runs.streamLines(run!.id)) lines.push(line);
    expect(lines.map((l) => [l.kind, l.outcome, l.detail])).toEqual(lines.map((l) => [l.kind, 'applied', l.detail]));
    expect(lines.some((l) => l.detail?.includes('changed meanwhile'))).toBe(false);
    // Nothing doubled or changed by the second pass: same members, same teams, one mapping each.
    const after = await Promise.all(['slack-U0R0000000', 'm-user3', 'slack-U0R0000004', 'slack-U0GONE0001'].map((id) => members.findById(id)));
    expect(after.map((m) => [m?.status, m?.name, m?.groups])).toEqual(before.map((m) => [m?.status, m?.name, m?.groups]));
    expect(after[0]).toMatchObject({ status: 'pending', groups: ['Few'] });
    expect(after[2]).toMatchObject({ status: 'activated' });
    expect(after[3]).toMatchObject({ status: 'deactivated' });
    expect(await mappings.findByMember('slack-U0R0000000')).toMatchObject({ slackUserId: USERS[0]!.id, active: true });
  });

  it('resumes a crash mid-batch: creates the members not written yet, keeps the ones that were, fails nothing', async () => {
    const members = storeRepos(t.connector.store.db).members;
    await provisioning().config.save(
      { ...EVERYONE, scope: 'groups', groupIds: [FEW.id], teamMapping: { enabled: true, groupToTeam: { [FEW.id]: 'Few' } } },
      'm-admin',
      new Date(),
    );
    expect(await syncNow()).toMatchObject({ report: { status: 'completed', counts: { created: 3, added_to_team: 3 } } });
    const [run] = await provisioning().runs.latest(1);
    // The batch insert reached the store for the first member only, then the process died.
    await t.connector.deps.db.collection('members').deleteMany({ _id: { $in: ['slack-U0R0000001', 'slack-U0R0000002'] } as never });
    await provisioning().runs.update(run!.id, { status: 'running', phase: 'applying', appliedThrough: -1 });

    expect(await syncNow()).toMatchObject({ report: { runId: run!.id, status: 'completed' } });
    for (const i of [0, 1, 2])
      expect(await members.findById(`slack-U0R000000${i}`)).toMatchObject({ status: 'pending', groups: ['Few'], source: 'provisioning' });
    const outcomes = new Set<string>();
    for await (const line of provisioning().runs.streamLines(run!.id)) outcomes.add(line.outcome);
    expect([...outcomes]).toEqual(['applied']);
  });
});
