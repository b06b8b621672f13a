/**
 * Slack delivers events at least once and in no promised order (issue 12): an envelope is
 * redelivered with the same `event_id` when its ack was late, and a `user_change` may arrive
 * after a newer one. Repeats are dropped by event id; an older copy of a user never
 * overwrites a newer one (`user.updated`).
 */
import fc from 'fast-check';
import '../support/fast-check-seed';
import type { SlackUser } from '../../scripts/slack-emulator';
import { emailKey } from '../../src/features/members/member.types';
import { SEEN_EVENTS_COLLECTION } from '../../src/slack/repeated-events';
import { eventually, startTestConnector, type TestConnector } from '../support/connector';
import { connectorView, storeRepos } from '../support/store-repos';

const TEAM = { id: 'T0EVENTS01', name: 'Acme Events', domain: 'acme-events' };

describe('user events delivered as Slack delivers them', () => {
  let t: TestConnector;
  beforeAll(async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: [] } }, label: 'events' });
    const { repos, workspace } = connectorView(t.connector);
    await repos.workspaces.transition(TEAM.id, ['pending'], 'live', { acknowledgedAt: new Date() });
    await workspace.refresh();
  });
  afterAll(() => t.stop());

  const repos = () => storeRepos(t.connector.store.db);
  const settle = () => eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 10_000, 'listeners to finish');
  const member = (id: string, email: string) =>
    repos().members.save(
      { id, name: id, email, emailKey: emailKey(email), accountType: 'standard_member', status: 'activated', groups: [], source: 'api' },
      new Date(),
    );
  /** A copy of the user as Slack would send it at `updated`. */
  const copy = (user: SlackUser, updated: number, change: { deleted?: boolean; email?: string }): SlackUser => ({
    ...user,
    deleted: change.deleted ?? false,
    updated,
    profile: { ...user.profile, email: change.email ?? user.profile.email },
  });
  async function deliver(callback: Record<string, unknown>, retryAttempt = 0): Promise<void> {
    await t.emulator.socket.sendEventCallback(callback, { retryAttempt });
    await settle();
  }
  const handledLines = (userId: string) =>
    t.logs.filter((line) => line.includes('Slack user event handled') && line.includes(`"slackUserId":"${userId}"`)).length;

  it('runs a redelivered envelope (same event_id) once, even when each copy comes as a retry', async () => {
    await member('m-rita', 'rita@acme.test');
    const user = t.emulator.addUser({ id: 'U0RITA0001', name: 'rita', profile: { email: 'rita@acme.test' } });
    const callback = t.emulator.socket.eventCallback({ type: 'team_join', user });
    await deliver(callback);
    await deliver(callback, 1);
    await deliver(callback, 2);
    expect(handledLines('U0RITA0001')).toBe(1);
    expect(t.logs.filter((line) => line.includes('repeated Slack event dropped') && line.includes(String(callback.event_id)))).toHaveLength(2);
    expect(await t.connector.store.db.collection(SEEN_EVENTS_COLLECTION).countDocuments({ _id: callback.event_id as never })).toBe(1);
    expect(await repos().mappings.findByMember('m-rita')).toMatchObject({ slackUserId: 'U0RITA0001', active: true });
  });

  it('never lets a late copy undo a newer one: no reactivation, no old email back', async () => {
    await member('m-old', 'old@acme.test');
    await member('m-new', 'new@acme.test');
    const user = t.emulator.addUser({ id: 'U0MOVE0001', name: 'mo', profile: { email: 'old@acme.test' } });
    const { socket } = t.emulator;
    await deliver(socket.eventCallback({ type: 'team_join', user: copy(user, 100, {}) }));
    expect(await repos().mappings.findByMember('m-old')).toMatchObject({ slackUserId: 'U0MOVE0001' });
    // Deactivated at 200, then a late copy from 150 (still active) arrives.
    await deliver(socket.eventCallback({ type: 'user_change', user: copy(user, 200, { deleted: true }) }));
    await deliver(socket.eventCallback({ type: 'user_change', user: copy(user, 150, {}) }));
    expect(await repos().mappings.findByMember('m-old')).toMatchObject({ active: false });
    // Back at 300 with a new email; a late copy from 250 still has the old one.
    await deliver(socket.eventCallback({ type: 'user_change', user: copy(user, 300, { email: 'new@acme.test' }) }));
    await deliver(socket.eventCallback({ type: 'user_change', user: copy(user, 250, {}) }));
    expect(await repos().mappings.findBySlackUser('U0MOVE0001')).toMatchObject({ memberId: 'm-new', active: true });
    expect(t.logs.filter((line) => line.includes('older copy of a Slack user dropped') && line.includes('U0MOVE0001'))).toHaveLength(2);
  });

  it('ends as the newest copy says, whatever the order and the repeats (property)', async () => {
    let run = 0;
    const version = fc.record({ deleted: fc.boolean(), email: fc.constantFrom('a', 'b') });
    await fc.assert(
      fc.asyncProperty(fc.array(version, { minLength: 2, maxLength: 5 }), fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), async (versions, picks) => {
        run += 1;
        const userId = `U0PROP${String(run).padStart(4, '0')}`;
        const email = (which: string) => `${which}${run}@acme.test`;
        await member(`m-a${run}`, email('a'));
        await member(`m-b${run}`, email('b'));
        const user = t.emulator.addUser({ id: userId, name: `p${run}`, profile: { email: email('a') } });
        const callbacks = versions.map((v, index) =>
          t.emulator.socket.eventCallback({ type: 'user_change', user: copy(user, 1000 + index, { deleted: v.deleted, email: email(v.email) }) }),
        );
        // Every copy at least once, then repeats and a shuffled order drawn from `picks`.
        const order = [...callbacks.keys(), ...picks.map((p) => p % callbacks.length)];
        for (let i = order.length - 1; i > 0; i -= 1) {
          const j = (picks[i % picks.length] ?? 0) % (i + 1);
          [order[i], order[j]] = [order[j] as number, order[i] as number];
        }
        for (const index of order) await deliver(callbacks[index] as Record<string, unknown>);
        const newest = versions.at(-1) as { deleted: boolean; email: string };
        const mapping = await repos().mappings.findBySlackUser(userId);
        if (newest.deleted) return mapping === undefined || mapping.active === false;
        return mapping?.memberId === `m-${newest.email}${run}` && mapping.active === true;
      }),
      { numRuns: 12 },
    );
  });
});
