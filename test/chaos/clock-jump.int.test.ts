/**
 * The chaos suite's clock jump (issue 7): three connectors on one database and one Slack
 * workspace share a clock that jumps an hour ahead while notifications are being delivered
 * and a job runs every second. Every lease looks expired to every process at once; nothing may
 * be delivered twice or lost, and no job tick may run twice. In-process connectors (each with
 * its own Socket Mode connection and workers), because only they let a test move the clock.
 */
import { createSlackEmulator, type SlackEmulator } from '../../scripts/slack-emulator';
import { createNotificationRepos } from '../../src/features/notifications';
import { eventually, startTestConnector, type TestConnector } from '../support/connector';
import { uniqueDbName } from '../support/store';
import { goLive, notificationBody, notificationIdsIn, post, saveMembers, seed, USERS } from '../features/notifications/delivery-fixture';
import { connectorView } from '../support/store-repos';

const HOUR = 60 * 60 * 1000;

describe('a clock that jumps an hour', () => {
  let emulator: SlackEmulator;
  const connectors: TestConnector[] = [];
  let offset = 0;
  const clock = { now: () => new Date(Date.now() + offset) };

  beforeAll(async () => {
    emulator = await createSlackEmulator({ seed: seed(), rateLimitScale: 50 });
    const dbName = uniqueDbName('clock-jump');
    for (let i = 0; i < 3; i += 1) {
      connectors.push(
        await startTestConnector({ sharedEmulator: emulator, clock, keepDatabase: i < 2, env: { MONGODB_DB: dbName, MAPPING_CRON: '* * * * * *' } }),
      );
    }
    await saveMembers(connectors[0]!);
    await goLive(connectors[0]!);
    for (const c of connectors) await connectorView(c.connector).workspace.refresh();
  });
  afterAll(async () => {
    // The last one drops the database.
    for (const c of connectors.reverse()) await c.stop();
    await emulator.close();
  });

  it('delivers every notification once and runs every job tick once across the jump', async () => {
    const members = ['m-ana', 'm-bob', 'm-carol', 'm-dan'];
    const bodies = Array.from({ length: 200 }, (_, i) => notificationBody({ recipient: { memberId: members[i % members.length] } }));
    const posting = Promise.all(
      bodies.map(async (body, i) => {
        const answer = await post(connectors[i % 3]!, body);
        expect(answer.status).toBe(202);
      }),
    );
    // Jump once delivery is under way.
    const outcomes = () => connectors[0]!.connector.deps.db.collection('notification_outcomes').countDocuments();
    await eventually(async () => ((await outcomes()) >= 20 ? true : undefined), 30_000, 'delivery under way');
    offset = HOUR;
    await posting;

    const repo = createNotificationRepos(connectors[0]!.connector.deps).outbox;
    for (const body of bodies) {
      const final = await eventually(
        async () => {
          const n = await repo.findById(body.id as string);
          return n && ['delivered', 'skipped', 'failed'].includes(n.status) ? n : undefined;
        },
        60_000,
        `${body.id as string} final`,
      );
      expect(final.status).toBe('delivered');
    }
    const sent = USERS.flatMap((u) => notificationIdsIn(emulator.messagesTo(u.id)));
    expect(sent.sort()).toEqual(bodies.map((b) => b.id as string).sort());

    // Jobs kept ticking after the jump, once per tick.
    const runs = connectors[0]!.connector.deps.db.collection<{ job: string; tick?: Date; startedAt: Date }>('job_runs');
    await eventually(
      async () => ((await runs.countDocuments({ startedAt: { $gt: new Date(Date.now() + HOUR / 2) } })) >= 2 ? true : undefined),
      30_000,
      'jobs run after the jump',
    );
    const scheduled = await runs.find({ tick: { $exists: true } }).toArray();
    const keys = scheduled.map((r) => `${r.job}@${r.tick!.toISOString()}`);
    expect(new Set(keys).size).toBe(keys.length);
  }, 180_000);
});
