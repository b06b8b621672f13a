/**
 * The notification DM through the real connector and the Slack emulator: a built message is
 * accepted by chat.postMessage as is (blocks, fallback text, metadata), and the "Open in
 * Pigment" click is acknowledged and recorded, with nothing else changed. The listener is
 * registered here with a recorder in place of the outbox (which the feature wires later).
 */
import { buildNotificationMessage, NOTIFICATION_MESSAGE_IDS } from '../../../../src/features/notifications/messages';
import { registerOpenLink } from '../../../../src/features/notifications/open-link.listeners';
import { eventually, startTestConnector, type TestConnector } from '../../../support/connector';
import { connectorView } from '../../../support/store-repos';

const TEAM = { id: 'T0ACME0001', name: 'Acme', domain: 'acme' };
const USER = 'U0READER01';
const USERS = [{ id: USER, name: 'reader', profile: { email: 'reader@acme.test' } }];

function click(t: TestConnector, value: unknown) {
  return t.emulator.socket.sendInteractive(
    t.emulator.interactionPayload(USER, {
      type: 'block_actions',
      actions: [{ type: 'button', action_id: NOTIFICATION_MESSAGE_IDS.openInPigment, block_id: 'b', value, action_ts: '1' }],
    }),
  );
}

const slackWrites = (t: TestConnector) =>
  ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'views.publish', 'views.open', 'views.update'].map((m) => t.emulator.callsOf(m).length);

describe('notification DM and the "Open in Pigment" click', () => {
  let t: TestConnector;
  let recorded: Array<{ id: string; at: Date }>;
  /** recordOpened waits on this after recording, to show the ack does not wait for it. */
  let release: () => void;
  let gate: Promise<void>;

  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, label: 'notif-open' });
    recorded = [];
    gate = Promise.resolve();
    registerOpenLink(t.connector.slack.app, connectorView(t.connector), async (id, at) => {
      recorded.push({ id, at });
      await gate;
    });
  });
  afterEach(() => t?.stop());

  it('posts a built message that Slack accepts, with its metadata, even with the longest inputs', async () => {
    const { pigmentBaseUrl } = t.connector.config;
    const message = buildNotificationMessage(
      {
        id: 'n-1',
        type: 'scheduled_import',
        subtype: 'failed',
        title: `${'🚀'.repeat(100)} <!channel>`,
        body: '&<>'.repeat(667).slice(0, 2000),
        url: `${pigmentBaseUrl}/imports/i-1`,
        actor: { name: '<@U0READER01> & co' },
        createdAt: new Date('2024-03-05T14:03:27Z'),
      },
      { pigmentBaseUrl: pigmentBaseUrl! },
    );
    const client = (await t.connector.deps.slack.current()).client;
    const opened = await client.conversations.open({ users: USER });
    const channel = opened.channel!.id!;

    const posted = await client.chat.postMessage({ channel, ...message });

    expect(posted.ok).toBe(true);
    const stored = t.emulator.messagesTo(USER);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      text: message.text,
      blocks: message.blocks,
      metadata: { event_type: 'pigment_notification', event_payload: { notification_id: 'n-1' } },
    });
    // The DM's history gives the metadata back, as the worker's duplicate check needs.
    const history = await client.conversations.history({ channel, include_all_metadata: true, limit: 1 });
    expect(history.messages?.[0]?.metadata).toEqual({ event_type: 'pigment_notification', event_payload: { notification_id: 'n-1' } });
  });

  it('acknowledges the click and records the notification id once, changing nothing else', async () => {
    const writesBefore = slackWrites(t);
    const before = Date.now();
    gate = new Promise((resolve) => (release = resolve));

    const ack = await click(t, 'n-1');

    // A bare ack, sent before the recording finished.
    expect(ack.payload).toEqual({});
    await eventually(() => (recorded.length > 0 ? true : undefined), 5_000, 'the click to be recorded');
    expect(t.connector.slack.inFlight.size).toBe(1);
    release();
    await eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 5_000, 'the listener to finish');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.id).toBe('n-1');
    expect(recorded[0]!.at.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(recorded[0]!.at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(slackWrites(t)).toEqual(writesBefore);
  });

  it.each([
    ['an empty value', ''],
    ['a value above 200 characters', 'n'.repeat(201)],
    ['no value', undefined],
  ])('acknowledges a click with %s and records nothing', async (_what, value) => {
    const ack = await click(t, value);

    expect(ack.payload).toEqual({});
    await eventually(() => (t.logs.some((line) => line.includes('open in Pigment click ignored')) ? true : undefined), 5_000, 'the debug log');
    await eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 5_000, 'the listener to finish');
    expect(recorded).toEqual([]);
  });
});
