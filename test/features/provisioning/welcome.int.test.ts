/**
 * WelcomeSender through the Slack emulator with a real WebClient (the delivery client's
 * settings: no SDK retries, 429s handed back) and a database of its own: the DM arrives with
 * the button, a member is welcomed once however often it is asked, 429s are waited out, and
 * Slack's refusals come back as reasons.
 */
import { WebClient } from '@slack/web-api';
import type { ActionsBlock, Button } from '@slack/types';
import { createSlackEmulator, type SlackEmulator } from '../../../scripts/slack-emulator';
import { MappingRepository } from '../../../src/features/mapping/mapping.repository';
import { MongoClient } from 'mongodb';
import { STALE_CLAIM_MS, WelcomeSender } from '../../../src/features/provisioning/welcome';
import { WelcomeRepository } from '../../../src/features/provisioning/welcome.repository';
import { WELCOME_EVENT_TYPE, WELCOME_IDS } from '../../../src/features/provisioning/welcome.view';
import { createLogger } from '../../../src/platform/logger';
import { openTestDatabase, type TestDatabase } from '../../support/store';
import { MappingLookup } from '../../../src/features/mapping/mapping-lookup';

const BASE = 'https://acme.pigment.test';
const NOW = new Date('2024-11-21T09:00:00Z');
const ADA = { id: 'U0WELCOME1', name: 'ada', real_name: 'Ada Lovelace', profile: { email: 'ada@example.com' } };
const BOB = { id: 'U0WELCOME2', name: 'bob', profile: { email: 'bob@example.com' } };
const MEMBER = { id: 'm-ada', name: 'Ada <!channel> Lovelace' };

let store: TestDatabase;
let emulator: SlackEmulator;
let welcomes: WelcomeRepository;
let mappings: MappingRepository;
let sleeps: number[];

beforeAll(async () => {
  store = await openTestDatabase('welcome');
});
afterAll(async () => {
  await store.dispose();
});

beforeEach(async () => {
  emulator = await createSlackEmulator({ seed: { users: [ADA, BOB] }, rateLimitScale: 50 });
  await store.db.collection('provisioning_welcomes').deleteMany({});
  await store.db.collection('mappings').deleteMany({});
  welcomes = new WelcomeRepository(store.db);
  mappings = new MappingRepository(store.db);
  sleeps = [];
});
afterEach(async () => {
  await emulator.close();
});

function sender(now = NOW, repo = welcomes): WelcomeSender {
  const client = new WebClient(emulator.botToken, { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  return new WelcomeSender({
    client,
    mappings: new MappingLookup(mappings),
    welcomes: repo,
    pigmentBaseUrl: BASE,
    logger: createLogger({ level: 'silent' }).logger,
    clock: { now: () => now },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

const buttonOf = (blocks: unknown[] | undefined) =>
  ((blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as ActionsBlock | undefined)?.elements[0] as Button | undefined;

describe('WelcomeSender', () => {
  it('sends the welcome DM with the Open Pigment button, caches the DM channel and records the send', async () => {
    await mappings.save({ memberId: MEMBER.id, slackUserId: ADA.id, source: 'auto', slackEmail: ADA.profile.email, active: true }, NOW);

    const result = await sender().welcome(MEMBER, ADA.id);

    const messages = emulator.messagesTo(ADA.id);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(result).toEqual({ sent: true, channel: expect.any(String), ts: message?.ts });
    expect(message?.text).toContain('welcome to Pigment');
    expect(message?.text).toContain('&lt;!channel&gt;');
    expect(buttonOf(message?.blocks)).toMatchObject({ action_id: WELCOME_IDS.openPigment, url: BASE });
    const channel = (result as { channel: string }).channel;
    expect((await mappings.findByMember(MEMBER.id))?.dmChannelId).toBe(channel);
    expect(await welcomes.findByMember(MEMBER.id)).toEqual({
      memberId: MEMBER.id,
      state: 'sent',
      slackUserId: ADA.id,
      claimedAt: NOW,
      sentAt: NOW,
      channel,
      ts: message?.ts,
    });
  });

  it('does not cache the channel on a mapping to another Slack user', async () => {
    await mappings.save({ memberId: MEMBER.id, slackUserId: BOB.id, source: 'manual', slackEmail: BOB.profile.email, active: true }, NOW);
    expect((await sender().welcome(MEMBER, ADA.id)).sent).toBe(true);
    expect((await mappings.findByMember(MEMBER.id))?.dmChannelId).toBeUndefined();
  });

  it('sends once when called twice, one after the other or at the same time', async () => {
    const welcome = sender();
    expect((await welcome.welcome(MEMBER, ADA.id)).sent).toBe(true);
    expect(await welcome.welcome(MEMBER, ADA.id)).toEqual({ sent: false, reason: 'already_welcomed' });

    const bob = { id: 'm-bob', name: 'Bob' };
    const racing = await Promise.all([sender().welcome(bob, BOB.id), sender().welcome(bob, BOB.id), sender().welcome(bob, BOB.id)]);
    expect(racing.filter((r) => r.sent)).toHaveLength(1);
    expect(racing.filter((r) => !r.sent)).toEqual([
      { sent: false, reason: 'already_welcomed' },
      { sent: false, reason: 'already_welcomed' },
    ]);

    expect(emulator.messagesTo(ADA.id)).toHaveLength(1);
    expect(emulator.messagesTo(BOB.id)).toHaveLength(1);
    expect(emulator.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('waits out a 429 for its Retry-After, on either call', async () => {
    emulator.injectFault('conversations.open', { status: 429, retryAfter: 3, times: 1 });
    emulator.injectFault('chat.postMessage', { status: 429, retryAfter: 7, times: 1 });

    const result = await sender().welcome(MEMBER, ADA.id);

    expect(result.sent).toBe(true);
    expect(sleeps).toEqual([3_000, 7_000]);
    expect(emulator.messagesTo(ADA.id)).toHaveLength(1);
    expect(emulator.callsOf('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it('gives up after a few 429s with rate_limited, and a later call sends', async () => {
    emulator.injectFault('chat.postMessage', { status: 429, retryAfter: 1, times: 10 });
    expect(await sender().welcome(MEMBER, ADA.id)).toEqual({ sent: false, reason: 'rate_limited' });
    expect(sleeps.length).toBeGreaterThan(0);
    expect(emulator.messagesTo(ADA.id)).toHaveLength(0);

    emulator.clearFaults();
    expect((await sender().welcome(MEMBER, ADA.id)).sent).toBe(true);
    expect(emulator.messagesTo(ADA.id)).toHaveLength(1);
  });

  it('answers user_not_found for an unknown Slack user and keeps no claim', async () => {
    expect(await sender().welcome(MEMBER, 'U0NOBODY01')).toEqual({ sent: false, reason: 'user_not_found' });
    expect(await welcomes.findByMember(MEMBER.id)).toBeUndefined();
    expect(emulator.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it("returns Slack's refusal of the post as the reason, and a later call may try again", async () => {
    emulator.injectFault('chat.postMessage', { error: 'restricted_action', times: 1 });
    expect(await sender().welcome(MEMBER, ADA.id)).toEqual({ sent: false, reason: 'restricted_action' });
    expect((await sender().welcome(MEMBER, ADA.id)).sent).toBe(true);
  });

  it('does not send again when the post may have arrived (a 5xx): outcome_unknown, then already_welcomed', async () => {
    emulator.injectFault('chat.postMessage', { status: 503, times: 1 });
    expect(await sender().welcome(MEMBER, ADA.id)).toEqual({ sent: false, reason: 'outcome_unknown' });
    expect(await welcomes.findByMember(MEMBER.id)).toMatchObject({ state: 'sending', slackUserId: ADA.id });
    expect(await sender().welcome(MEMBER, ADA.id)).toEqual({ sent: false, reason: 'already_welcomed' });
    expect(emulator.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it("keeps the claim too when Slack answers internal_error, which may follow a post it carried out", async () => {
    emulator.injectFault('chat.postMessage', { error: 'internal_error', times: 1 });
    expect(await sender().welcome(MEMBER, ADA.id)).toEqual({ sent: false, reason: 'outcome_unknown' });
    expect(await welcomes.findByMember(MEMBER.id)).toMatchObject({ state: 'sending', slackUserId: ADA.id });
  });

  describe('settling claims left sending', () => {
    const LATER = new Date(NOW.getTime() + STALE_CLAIM_MS + 60_000);

    it('records a welcome Slack posted when the store failed before recording it, sending nothing again', async () => {
      // The sender's store connection dies while Slack is posting: the claim stays `sending`.
      const own = await new MongoClient(store.uri).connect();
      const failing = new WelcomeRepository(own.db(store.dbName));
      emulator.injectFault('chat.postMessage', { delayMs: 1_000, times: 1 });
      const sending = sender(NOW, failing).welcome(MEMBER, ADA.id);
      await waitUntil(() => emulator.callsOf('conversations.open').length === 1);
      await own.close();
      await expect(sending).rejects.toThrow();
      expect(emulator.messagesTo(ADA.id)).toHaveLength(1);
      expect(await welcomes.findByMember(MEMBER.id)).toMatchObject({ state: 'sending' });

      // Not yet stale: left alone, nothing asked of Slack.
      const historyBefore = emulator.callsOf('conversations.history').length;
      expect(await sender(new Date(NOW.getTime() + 60_000)).settleStale()).toEqual({});
      expect(emulator.callsOf('conversations.history')).toHaveLength(historyBefore);

      expect(await sender(LATER).settleStale()).toEqual({ recorded: 1 });
      const [message] = emulator.messagesTo(ADA.id);
      expect(message?.metadata).toEqual({ event_type: WELCOME_EVENT_TYPE, event_payload: { member_id: MEMBER.id } });
      expect(await welcomes.findByMember(MEMBER.id)).toMatchObject({ state: 'sent', ts: message?.ts });
      expect(emulator.messagesTo(ADA.id)).toHaveLength(1);
      expect(await sender(LATER).settleStale()).toEqual({});
    });

    it('sends a welcome whose outcome was unknown and that never arrived, once', async () => {
      emulator.injectFault('chat.postMessage', { status: 503, times: 1 });
      expect(await sender().welcome(MEMBER, ADA.id)).toEqual({ sent: false, reason: 'outcome_unknown' });
      expect(emulator.messagesTo(ADA.id)).toHaveLength(0);

      expect(await sender(LATER).settleStale()).toEqual({ sent: 1 });
      const messages = emulator.messagesTo(ADA.id);
      expect(messages).toHaveLength(1);
      // Greeted by the name the claim kept.
      expect(messages[0]?.text).toContain('Ada &lt;!channel&gt; Lovelace');
      expect(await welcomes.findByMember(MEMBER.id)).toMatchObject({ state: 'sent', ts: messages[0]?.ts });
      expect(await sender(LATER).settleStale()).toEqual({});
      expect(emulator.messagesTo(ADA.id)).toHaveLength(1);
    });

    it('leaves the claim for the next sync when Slack cannot be read', async () => {
      emulator.injectFault('chat.postMessage', { status: 503, times: 1 });
      await sender().welcome(MEMBER, ADA.id);
      emulator.injectFault('conversations.history', { error: 'internal_error', times: 1 });
      expect(await sender(LATER).settleStale()).toEqual({ unsettled: 1 });
      expect(await welcomes.findByMember(MEMBER.id)).toMatchObject({ state: 'sending' });
      expect(emulator.messagesTo(ADA.id)).toHaveLength(0);
    });
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}
