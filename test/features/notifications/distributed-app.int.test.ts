/**
 * Delivery under Slack's limits for a commercially distributed app outside the Marketplace
 * (issue 12): conversations.history answers 15 messages a page, once a minute (here scaled by
 * the emulator's rate scale to once every 1.2 s, the burst kept at one). Settling a DM whose
 * outcome is unknown reads as few pages as it must, resumes after each rate limit, and gives
 * the notification back to the queue while it waits, so other members' DMs go out meanwhile.
 */
import { WebClient } from '@slack/web-api';
import { createNotificationRepos } from '../../../src/features/notifications';
import { buildNotificationMessage } from '../../../src/features/notifications/messages';
import { startTestConnector, TEST_TUNING, type TestConnector } from '../../support/connector';
import { connectorView } from '../../support/store-repos';
import { finished, goLive, notificationBody, notificationIdsIn, postAll, saveMembers, TEAM, USERS, movableClock } from './delivery-fixture';

describe('delivery as a distributed app outside the Marketplace', () => {
  let t: TestConnector;
  let clock: ReturnType<typeof movableClock>;
  beforeEach(async () => {
    clock = movableClock();
    t = await startTestConnector({
      emulator: { seed: { team: { ...TEAM, distributed_app: true }, users: USERS } },
      label: 'distributed',
      clock,
      // One delivery slot: a settle that held it while waiting would hold up everyone.
      tuning: { delivery: { ...TEST_TUNING.delivery, concurrency: 1, settleWaitInLaneMs: 0 } },
    });
    await saveMembers(t);
  });
  afterEach(() => t.stop());

  it('the emulator answers history as Slack does for such an app: 15 messages a page, then 429 within the minute', async () => {
    const client = new WebClient(t.emulator.botToken, { slackApiUrl: t.emulator.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    const channel = (await client.conversations.open({ users: 'U0ANA00001' })).channel!.id!;
    for (let i = 0; i < 20; i += 1) await client.chat.postMessage({ channel, text: `message ${i}` });
    const first = await client.conversations.history({ channel, limit: 200 });
    expect(first.messages).toHaveLength(15);
    expect(first.has_more).toBe(true);
    await expect(client.conversations.history({ channel, cursor: first.response_metadata?.next_cursor })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
    });
  });

  it('settles a dead attempt 30 messages deep 15 at a time, and delivers other members while it waits', async () => {
    const body = notificationBody({ recipient: { memberId: 'm-ana' } });
    await postAll(t, [body]);
    // Before the workspace is live this process claims nothing: a "dead" process claims the
    // notification, posts it, and dies before writing; 30 later messages bury it in the DM.
    const { outbox } = createNotificationRepos(connectorView(t.connector));
    const claimed = await outbox.claimNext('dead-process', 1_000, clock.now());
    const dead = new WebClient(t.emulator.botToken, { slackApiUrl: t.emulator.apiUrl });
    const channel = (await dead.conversations.open({ users: 'U0ANA00001' })).channel!.id!;
    const sent = await dead.chat.postMessage({
      channel,
      ...buildNotificationMessage(claimed!, { pigmentBaseUrl: connectorView(t.connector).config.pigmentBaseUrl! }),
    });
    for (let i = 0; i < 30; i += 1) await dead.chat.postMessage({ channel, text: `later message ${i}` });
    const others = ['m-bob', 'm-carol', 'm-dan'].map((memberId) => notificationBody({ recipient: { memberId } }));
    await postAll(t, others);

    clock.advance(2_000);
    await goLive(t);
    const settled = await finished(t, body.id as string, 30_000);
    expect(settled).toMatchObject({ status: 'delivered', attempts: expect.any(Number), slack: { channel, ts: sent.ts } });
    // Found, not sent again; three pages of at most 15 (31 messages), each after its rate limit.
    expect(notificationIdsIn(t.emulator.messagesTo('U0ANA00001')).filter((id) => id !== '?')).toEqual([body.id]);
    const history = t.emulator.callsOf('conversations.history');
    expect(history.filter((call) => call.status === 200)).toHaveLength(3);
    expect(t.logs.some((line) => line.includes('DM history is rate limited') && line.includes(String(body.id)))).toBe(true);
    // The others went out while the settle waited between pages.
    for (const other of others) {
      const done = await finished(t, other.id as string);
      expect({ id: other.id, status: done.status, beforeTheSettle: (done.finishedAt?.getTime() ?? Infinity) < (settled.finishedAt?.getTime() ?? 0) }).toEqual({
        id: other.id,
        status: 'delivered',
        beforeTheSettle: true,
      });
    }
  });
});
