/**
 * The welcome DM through the notification pipeline (issue 11: one DM engine): the port a
 * provisioning sync calls queues a `welcome` notification whose id is derived from the member,
 * and the delivery worker sends it like any other, with the real connector against the Slack
 * emulator. Sent once however often it is asked, whatever the preferences say, never to a
 * deactivated member, found in the DM's history when an earlier attempt's outcome was lost,
 * and never accepted from the HTTP API.
 */
import type { ActionsBlock, Button } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { createNotificationRepos, welcomeNotificationId } from '../../../src/features/notifications';
import { buildNotificationMessage, WELCOME_MESSAGE_IDS } from '../../../src/features/notifications/messages';
import { startTestConnector, type TestConnector } from '../../support/connector';
import { connectorView } from '../../support/store-repos';
import { finished, goLive, notificationBody, notificationIdsIn, post, saveMembers, seed } from './delivery-fixture';

const BASE = 'https://acme.pigment.test';
const ANA = 'U0ANA00001';

const buttonOf = (blocks: unknown[] | undefined) =>
  ((blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as ActionsBlock | undefined)?.elements[0] as Button | undefined;

describe('the welcome DM', () => {
  let t: TestConnector;
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeEach(async () => {
    offsetMs = 0;
    t = await startTestConnector({ emulator: { seed: seed() }, label: 'welcome', clock });
    await saveMembers(t);
  });
  afterEach(() => t.stop());

  const welcome = (id = 'm-ana', name = 'Ana <!channel> Lee') => t.connector.features.notifications.welcome({ id, name });

  it('is delivered as a DM with the Open Pigment button, the greeting escaped, and the DM channel cached', async () => {
    await goLive(t);
    expect((await welcome()).outcome).toBe('created');

    const delivered = await finished(t, welcomeNotificationId('m-ana'));
    expect(delivered).toMatchObject({ status: 'delivered', type: 'welcome', recipient: { memberId: 'm-ana' } });
    const messages = t.emulator.messagesTo(ANA);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.ts).toBe(delivered.slack?.ts);
    expect(messages[0]?.text).toContain('welcome to Pigment');
    expect(messages[0]?.text).toContain('Ana &lt;!channel&gt; Lee');
    expect(buttonOf(messages[0]?.blocks)).toMatchObject({ action_id: WELCOME_MESSAGE_IDS.openPigment, url: BASE });
    expect(messages[0]?.metadata).toEqual({ event_type: 'pigment_notification', event_payload: { notification_id: 'welcome:m-ana' } });
    expect((await connectorView(t.connector).repos.mappings.findByMember('m-ana'))?.dmChannelId).toBe(delivered.slack?.channel);
  });

  it('is sent once when asked again, one after the other or at the same time', async () => {
    await goLive(t);
    expect((await welcome()).outcome).toBe('created');
    await finished(t, welcomeNotificationId('m-ana'));
    // A resumed sync asks again, even with a renamed member: nothing more is queued.
    expect((await welcome('m-ana', 'Ana Renamed')).outcome).toBe('duplicate');

    const racing = await Promise.all([welcome('m-bob', 'Bob'), welcome('m-bob', 'Bob'), welcome('m-bob', 'Bob')]);
    expect(racing.map((r) => r.outcome).sort()).toEqual(['created', 'duplicate', 'duplicate']);
    await finished(t, welcomeNotificationId('m-bob'));

    expect(t.emulator.messagesTo(ANA)).toHaveLength(1);
    expect(t.emulator.messagesTo('U0BOB00001')).toHaveLength(1);
    expect(t.emulator.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('reaches a member who turned every notification type off (it is not a preference), and skips a deactivated member', async () => {
    await goLive(t);
    const { repos } = connectorView(t.connector);
    await createNotificationRepos(t.connector.deps).preferences.set(
      'm-ana',
      { conversation: false, automation: false, scheduled_import: false, async_task: false },
      new Date(),
    );
    await repos.members.setStatus('m-bob', 'deactivated', new Date());

    await welcome('m-ana');
    await welcome('m-bob', 'Bob');

    expect(await finished(t, welcomeNotificationId('m-ana'))).toMatchObject({ status: 'delivered' });
    expect(await finished(t, welcomeNotificationId('m-bob'))).toMatchObject({ status: 'skipped', reason: 'member_deactivated' });
    expect(t.emulator.messagesTo('U0BOB00001')).toEqual([]);
  });

  it('waits out a 429 and goes once', async () => {
    await goLive(t);
    t.emulator.injectFault('chat.postMessage', { status: 429, retryAfter: 1, times: 2 });
    await welcome();
    expect(await finished(t, welcomeNotificationId('m-ana'))).toMatchObject({ status: 'delivered' });
    expect(t.emulator.messagesTo(ANA)).toHaveLength(1);
    expect(t.emulator.callsOf('chat.postMessage').map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it('records Slack’s refusal as the reason, visible through the API', async () => {
    await goLive(t);
    t.emulator.injectFault('chat.postMessage', { error: 'restricted_action', times: 1 });
    await welcome();
    expect(await finished(t, welcomeNotificationId('m-ana'))).toMatchObject({ status: 'failed', reason: 'restricted_action' });
    const status = await t.fetch(`/api/v1/workspaces/default/notifications/${encodeURIComponent('welcome:m-ana')}`, {
      headers: { authorization: `Bearer ${t.connector.deps.config.http.apiToken}` },
    });
    expect(await status.json()).toEqual({ id: 'welcome:m-ana', status: 'failed', reason: 'restricted_action' });
  });

  it('is recorded, not sent again, when a process that died had posted it before writing the outcome', async () => {
    // Before the workspace is live this process's worker claims nothing: a "dead" process
    // claims the welcome with a 1-second lease, posts the DM, and dies before writing.
    await welcome();
    const { outbox } = createNotificationRepos(t.connector.deps);
    const claimed = await outbox.claimNext('dead-process', 1_000, clock.now());
    expect(claimed?.id).toBe('welcome:m-ana');
    const dead = new WebClient(t.emulator.botToken, { slackApiUrl: t.emulator.apiUrl });
    const channel = (await dead.conversations.open({ users: ANA })).channel!.id!;
    const sent = await dead.chat.postMessage({ channel, ...buildNotificationMessage(claimed!, { pigmentBaseUrl: BASE }) });

    offsetMs = 2_000;
    await goLive(t);
    expect(await finished(t, 'welcome:m-ana')).toMatchObject({ status: 'delivered', attempts: 2, slack: { channel, ts: sent.ts } });
    expect(t.emulator.messagesTo(ANA)).toHaveLength(1);
    expect(t.emulator.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('is a type the HTTP API refuses: only the connector queues welcomes', async () => {
    const response = await post(t, notificationBody({ type: 'welcome', subtype: 'invited' }));
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('must be one of conversation, automation, scheduled_import, async_task');
    expect(notificationIdsIn(t.emulator.messagesTo(ANA))).toEqual([]);
  });
});
