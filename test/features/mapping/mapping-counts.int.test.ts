/**
 * The Home's maintained counts stay exact as mappings and members change: automatic mapping,
 * Slack users deactivated and reactivated, manual connections and removals, members
 * deactivated, reactivated and created, and the same change applied twice (sequentially and
 * racing). Checked after each step against a count of the store itself; the real connector
 * against the Slack emulator and the embedded store.
 */
import type { SeedUser } from '../../../scripts/slack-emulator';
import type { RawSlackUser } from '../../../src/slack/slack-directory';
import { emailKey } from '../../../src/features/members/member.types';
import { eventually, startTestConnector, type TestConnector } from '../../support/connector';
import { connectorView } from '../../support/store-repos';

const TEAM = { id: 'T0COUNT001', name: 'Count Corp', domain: 'count' };
const USERS: SeedUser[] = [
  { id: 'U0ADMIN001', name: 'admin', profile: { email: 'admin@count.test' } },
  { id: 'U0ANA00001', name: 'ana', profile: { email: 'ana@count.test' } },
  { id: 'U0BOB00001', name: 'bob', profile: { email: 'bob@count.test' } },
  { id: 'U0CAROL001', name: 'carol', profile: { email: 'carol@count.test' } },
  { id: 'U0OTHER001', name: 'other', profile: { email: 'other@count.test' } },
];
const MEMBERS = ['admin', 'ana', 'bob', 'carol', 'dan', 'erin'];

describe('maintained Home counts', () => {
  let t: TestConnector;

  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, label: 'mapping-counts' });
    // Straight into the store: through the directory, each would also be queued for matching,
    // and that queue could match carol again while the test removes her connection. The
    // first full pass (on going live) matches them all.
    for (const name of MEMBERS) {
      const email = `${name}@count.test`;
      const accountType = name === 'admin' ? 'security_admin' : 'standard_member';
      const status = name === 'admin' ? 'activated' : 'pending';
      await features().repos.members.save(
        { id: `m-${name}`, name, email, emailKey: emailKey(email), accountType, status, groups: [], source: 'api' },
        new Date(),
      );
    }
  });
  afterEach(async () => {
    await t.stop();
  });

  const features = () => connectorView(t.connector);

  async function saveMember(name: string, status: 'pending' | 'activated'): Promise<void> {
    const email = `${name}@count.test`;
    const saved = await features().members.directory.update(
      {
        id: `m-${name}`,
        name,
        email,
        emailKey: emailKey(email),
        accountType: name === 'admin' ? 'security_admin' : 'standard_member',
        status,
        groups: [],
        source: 'api',
      },
      new Date(),
    );
    if (!saved.ok) throw new Error(`could not save ${name}`);
  }

  /** Counted from the store itself, as the Home counted before counts were maintained. */
  async function storeCounts(): Promise<{ connected: number; inactive: number; notConnected: number }> {
    const active = new Set<string>();
    for await (const member of features().repos.members.streamAll()) if (member.status !== 'deactivated') active.add(member.id);
    let connected = 0;
    let inactive = 0;
    for await (const mapping of features().repos.mappings.streamAll()) {
      if (!active.has(mapping.memberId)) continue;
      if (mapping.active) connected += 1;
      else inactive += 1;
    }
    return { connected, inactive, notConnected: active.size - connected - inactive };
  }

  /** The maintained counts, once every change reported so far is recorded; checked against the store. */
  async function expectExact(expected: { connected: number; inactive: number; notConnected: number }): Promise<void> {
    await features().mapping.memberCounts.idle();
    const shown = await features().mapping.service.countsForHome(0);
    expect(shown).toEqual({ counts: expected });
    expect(await storeCounts()).toEqual(expected);
  }

  function slackUser(id: string, changes: Partial<RawSlackUser> = {}): RawSlackUser {
    const user = t.emulator.state.users.get(id)!;
    return { ...user, ...changes } as RawSlackUser;
  }

  async function goLive(): Promise<void> {
    const actor = await features().actors.resolve('U0ADMIN001');
    expect((await features().workspace.acknowledge(actor)).ok).toBe(true);
    await eventually(() => features().repos.mappings.lastFullPass(), 10_000, 'the first full pass');
  }

  it('stay exact through passes, Slack user changes, manual connections, member changes and repeated changes', async () => {
    await goLive();
    // admin, ana, bob, carol mapped by the full pass; dan and erin have no Slack user.
    await expectExact({ connected: 4, inactive: 0, notConnected: 2 });

    // A Slack user deactivated: the same change applied twice, once after the other and racing.
    const service = features().mapping.service;
    t.emulator.updateUser('U0ANA00001', { deleted: true });
    await service.onSlackUser(slackUser('U0ANA00001'));
    await service.onSlackUser(slackUser('U0ANA00001'));
    t.emulator.updateUser('U0BOB00001', { deleted: true });
    await Promise.all([service.onSlackUser(slackUser('U0BOB00001')), service.onSlackUser(slackUser('U0BOB00001'))]);
    await expectExact({ connected: 2, inactive: 2, notConnected: 2 });
    t.emulator.updateUser('U0BOB00001', { deleted: false });
    await Promise.all([service.onSlackUser(slackUser('U0BOB00001')), service.onSlackUser(slackUser('U0BOB00001'))]);
    await expectExact({ connected: 3, inactive: 1, notConnected: 2 });

    // An admin connects dan by hand; carol's connection is removed (twice, racing), then reconnected by hand.
    const repository = features().mapping.repository;
    const saved = await repository.save(
      { memberId: 'm-dan', slackUserId: 'U0OTHER001', source: 'manual', slackEmail: 'other@count.test', active: true },
      new Date(),
    );
    expect(saved.ok).toBe(true);
    await expectExact({ connected: 4, inactive: 1, notConnected: 1 });
    await Promise.all([repository.remove('m-carol'), repository.remove('m-carol')]);
    await expectExact({ connected: 3, inactive: 1, notConnected: 2 });
    await repository.save({ memberId: 'm-carol', slackUserId: 'U0CAROL001', source: 'manual', slackEmail: 'carol@count.test', active: true }, new Date());
    await expectExact({ connected: 4, inactive: 1, notConnected: 1 });

    // Members deactivated (with an active mapping, an inactive one, none) and reactivated.
    const admin = await features().actors.resolve('U0ADMIN001');
    for (const id of ['m-bob', 'm-ana', 'm-erin']) expect((await features().members.service.deactivate(admin, id)).ok).toBe(true);
    await expectExact({ connected: 3, inactive: 0, notConnected: 0 });
    // A deactivated member's mapping changes without changing the counts.
    await repository.removeByAdmin('m-bob', new Date());
    await expectExact({ connected: 3, inactive: 0, notConnected: 0 });
    for (const id of ['m-bob', 'm-ana']) expect((await features().members.service.reactivate(admin, id)).ok).toBe(true);
    await expectExact({ connected: 3, inactive: 1, notConnected: 1 });

    // A new member, counted as not connected, then matched by email as they join Slack.
    await saveMember('fay', 'pending');
    await expectExact({ connected: 3, inactive: 1, notConnected: 2 });
    const fay = t.emulator.addUser({ id: 'U0FAY00001', name: 'fay', profile: { email: 'fay@count.test' } });
    const joined = await service.onSlackUser(fay as unknown as RawSlackUser);
    expect(joined).toMatchObject({ ok: true, outcome: 'created' });
    await service.onSlackUser(fay as unknown as RawSlackUser);
    await expectExact({ connected: 4, inactive: 1, notConnected: 1 });

    // Another full pass counts afresh and agrees.
    await service.runFullPass();
    await expectExact({ connected: 4, inactive: 1, notConnected: 1 });
  });

  it('are shown on the admin Home at once, without "Counting members…"', async () => {
    await goLive();
    await t.emulator.socket.sendEvent({ type: 'app_home_opened', user: 'U0ADMIN001', channel: 'D0ADMIN001', tab: 'home', event_ts: '1' });
    const view = await eventually(() => t.emulator.homeViewOf('U0ADMIN001'), 5_000, 'the admin home');
    const home = JSON.stringify(view);
    expect(home).toContain('*Connected*\\n4');
    expect(home).toContain('*Not connected*\\n2');
    expect(home).toContain('*Inactive*\\n0');
    expect(home).not.toContain('Counting members');
  });
});
