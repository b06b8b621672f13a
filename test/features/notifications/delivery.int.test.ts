/**
 * Notification delivery end to end: the real connector (HTTP hand-off, outbox, worker, the
 * SDK's WebClient) against the Slack emulator and the embedded store.
 */
import { WebClient } from '@slack/web-api';
import { buildNotificationMessage } from '../../../src/features/notifications/messages';
import { createNotificationRepos } from '../../../src/features/notifications';
import { OUTBOX_JOBS } from '../../../src/features/notifications/delivery';
import { retentionJob } from '../../../src/features/notifications/delivery/outbox-maintenance.job';
import { eventually, startTestConnector, type TestConnector } from '../../support/connector';
import { finished, findNotification, goLive, notificationBody, notificationIdsIn, post, postAll, saveMembers, seed, movableClock } from './delivery-fixture';
import { connectorView } from '../../support/store-repos';

describe('notification delivery', () => {
  let t: TestConnector;
  let clock: ReturnType<typeof movableClock>;

  beforeEach(async () => {
    clock = movableClock();
    t = await startTestConnector({ emulator: { seed: seed() }, label: 'delivery', clock });
    await saveMembers(t);
  });
  afterEach(() => t.stop());

  const features = () => connectorView(t.connector);
  const callsOf = (method: string) => t.emulator.callsOf(method).length;

  it('delivers a DM with the message, the button and the metadata, opening the DM once per member', async () => {
    await goLive(t);
    const first = notificationBody({ recipient: { memberId: 'm-ana' } });
    const second = notificationBody({ recipient: { email: 'ANA@acme.test' }, type: 'automation', subtype: 'completed' });
    await postAll(t, [first]);
    const delivered = await finished(t, first.id as string);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 1 });
    await postAll(t, [second]);
    expect(await finished(t, second.id as string)).toMatchObject({ status: 'delivered', recipient: { memberId: 'm-ana' } });

    const messages = t.emulator.messagesTo('U0ANA00001');
    expect(notificationIdsIn(messages)).toEqual([first.id, second.id]);
    expect(messages[0]).toMatchObject({
      ts: delivered.slack?.ts,
      metadata: { event_type: 'pigment_notification', event_payload: { notification_id: first.id } },
    });
    const expected = buildNotificationMessage(delivered, { pigmentBaseUrl: features().config.pigmentBaseUrl!, now: delivered.createdAt });
    expect(messages[0]?.text).toBe(expected.text);
    expect(JSON.stringify(messages[0]?.blocks)).toContain('"url":"https://acme.pigment.test/apps/1/blocks/2"');
    // One conversations.open for the member, cached on the mapping; one post per notification.
    expect(callsOf('conversations.open')).toBe(1);
    expect(callsOf('chat.postMessage')).toBe(2);
    expect((await features().repos.mappings.findByMember('m-ana'))?.dmChannelId).toBe(delivered.slack?.channel);
    // The API reports it.
    const status = (await (
      await t.fetch(`/api/v1/workspaces/default/notifications/${first.id as string}`, {
        headers: { authorization: `Bearer ${features().config.http.apiToken}` },
      })
    ).json()) as Record<string, unknown>;
    expect(status).toEqual({ id: first.id, status: 'delivered', slack: { channel: delivered.slack?.channel, ts: delivered.slack?.ts } });
  });

  // Issue 12: provisioning may leave guests out, but a guest who is a platform member is mapped and notified.
  it('maps single- and multi-channel guests by email and delivers their notifications', async () => {
    t.emulator.addUser({ id: 'U0GUS00001', name: 'gus', is_restricted: true, profile: { email: 'gus@partner.test' } });
    t.emulator.addUser({ id: 'U0SIA00001', name: 'sia', is_restricted: true, is_ultra_restricted: true, profile: { email: 'sia@partner.test' } });
    await saveMembers(t, [
      { id: 'm-gus', email: 'gus@partner.test', status: 'activated' },
      { id: 'm-sia', email: 'sia@partner.test', status: 'activated' },
    ]);
    await goLive(t);
    expect(await features().repos.mappings.findByMember('m-gus')).toMatchObject({ slackUserId: 'U0GUS00001', source: 'auto', active: true });
    expect(await features().repos.mappings.findByMember('m-sia')).toMatchObject({ slackUserId: 'U0SIA00001', source: 'auto', active: true });
    const toGus = notificationBody({ recipient: { memberId: 'm-gus' } });
    const toSia = notificationBody({ recipient: { email: 'sia@partner.test' } });
    await postAll(t, [toGus, toSia]);
    expect(await finished(t, toGus.id as string)).toMatchObject({ status: 'delivered' });
    expect(await finished(t, toSia.id as string)).toMatchObject({ status: 'delivered' });
    expect(notificationIdsIn(t.emulator.messagesTo('U0GUS00001'))).toEqual([toGus.id]);
    expect(notificationIdsIn(t.emulator.messagesTo('U0SIA00001'))).toEqual([toSia.id]);
  });

  it('sends a notification POSTed twice once', async () => {
    await goLive(t);
    const body = notificationBody();
    expect((await post(t, body)).status).toBe(202);
    await finished(t, body.id as string);
    expect((await post(t, body)).status).toBe(200);
    const other = notificationBody();
    await postAll(t, [other]);
    await finished(t, other.id as string);
    expect(notificationIdsIn(t.emulator.messagesTo('U0ANA00001'))).toEqual([body.id, other.id]);
  });

  it('skips with a reason: type turned off, member deactivated, workspace disconnected', async () => {
    await goLive(t);
    await features().repos.members.setStatus('m-bob', 'deactivated', new Date());
    const prefs = await t.fetch('/api/v1/workspaces/default/members/m-carol/preferences', {
      method: 'PUT',
      headers: { authorization: `Bearer ${features().config.http.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slack: { automation: false } }),
    });
    expect(prefs.status).toBe(200);
    const off = notificationBody({ recipient: { memberId: 'm-carol' }, type: 'automation', subtype: 'failed' });
    const stillOn = notificationBody({ recipient: { memberId: 'm-carol' } });
    const deactivated = notificationBody({ recipient: { memberId: 'm-bob' } });
    await postAll(t, [off, stillOn, deactivated]);
    expect(await finished(t, off.id as string)).toMatchObject({ status: 'skipped', reason: 'disabled_by_member' });
    expect(await finished(t, stillOn.id as string)).toMatchObject({ status: 'delivered' });
    expect(await finished(t, deactivated.id as string)).toMatchObject({ status: 'skipped', reason: 'member_deactivated' });
    expect(notificationIdsIn(t.emulator.messagesTo('U0CAROL001'))).toEqual([stillOn.id]);
    expect(t.emulator.messagesTo('U0BOB00001')).toEqual([]);

    await t.emulator.socket.sendEvent({ type: 'app_uninstalled' });
    await eventually(
      async () => ((await features().workspace.current())?.kind === 'attached' && (await features().workspace.isLive()) === false ? true : undefined),
      5_000,
      'the disconnect',
    );
    const afterUninstall = notificationBody({ recipient: { memberId: 'm-dan' } });
    await postAll(t, [afterUninstall]);
    expect(await finished(t, afterUninstall.id as string)).toMatchObject({ status: 'skipped', reason: 'workspace_disconnected' });
    expect(t.emulator.messagesTo('U0DAN00001')).toEqual([]);
  });

  it('keeps a notification for an unmapped member until the window ends, delivering it if the member gets mapped in time', async () => {
    await goLive(t);
    const waitsThenDelivered = notificationBody({ recipient: { email: 'frank@acme.test' } });
    const waitsThenSkipped = notificationBody({ recipient: { memberId: 'm-erin' } });
    await postAll(t, [waitsThenDelivered, waitsThenSkipped]);
    // Looked at, and put back to wait.
    await eventually(async () => ((await findNotification(t, waitsThenSkipped.id as string))?.attempts ?? 0) >= 1 || undefined, 5_000, 'a first look');
    // Re-checked every second here (every few minutes in production): queued, or being looked at.
    const waiting = ['queued', 'delivering'];
    expect(waiting).toContain((await findNotification(t, waitsThenSkipped.id as string))?.status);

    // Frank joins the directory and Slack an hour later; Slack tells us (team_join) and the mapping follows.
    clock.advance(3_600_000);
    await saveMembers(t, [{ id: 'm-frank', email: 'frank@acme.test', status: 'activated' }]);
    const frank = t.emulator.addUser({ id: 'U0FRANK001', name: 'frank', profile: { email: 'frank@acme.test' } });
    await t.emulator.socket.sendEvent({ type: 'team_join', user: frank });
    expect(await finished(t, waitsThenDelivered.id as string)).toMatchObject({ status: 'delivered', recipient: { memberId: 'm-frank' } });
    expect(notificationIdsIn(t.emulator.messagesTo('U0FRANK001'))).toEqual([waitsThenDelivered.id]);

    // Erin never gets a Slack user: after 24 hours, skipped.
    expect(waiting).toContain((await findNotification(t, waitsThenSkipped.id as string))?.status);
    clock.advance(23 * 3_600_000);
    expect(await finished(t, waitsThenSkipped.id as string)).toMatchObject({ status: 'skipped', reason: 'not_connected', recipient: { memberId: 'm-erin' } });
  });

  it('waits out a 429 storm, keeping each member’s order, with no duplicate', async () => {
    await goLive(t);
    t.emulator.injectFault('chat.postMessage', { status: 429, retryAfter: 1, times: 3 });
    const bodies = ['m-ana', 'm-bob', 'm-ana', 'm-carol', 'm-ana', 'm-bob'].map((memberId) => notificationBody({ recipient: { memberId } }));
    await postAll(t, bodies);
    for (const body of bodies) expect(await finished(t, body.id as string)).toMatchObject({ status: 'delivered' });
    const idsFor = (memberId: string) => bodies.filter((b) => (b.recipient as { memberId: string }).memberId === memberId).map((b) => b.id);
    expect(notificationIdsIn(t.emulator.messagesTo('U0ANA00001'))).toEqual(idsFor('m-ana'));
    expect(notificationIdsIn(t.emulator.messagesTo('U0BOB00001'))).toEqual(idsFor('m-bob'));
    expect(notificationIdsIn(t.emulator.messagesTo('U0CAROL001'))).toEqual(idsFor('m-carol'));
    const rateLimited = t.emulator.callsOf('chat.postMessage').filter((call) => call.status === 429).length;
    expect(rateLimited).toBe(3);
    // Each notification was posted once; the only other posts were the ones refused.
    expect(callsOf('chat.postMessage')).toBe(bodies.length + rateLimited);
  });

  it('retries 5xx with backoff, and fails with the error after the last attempt', async () => {
    await goLive(t);
    t.emulator.injectFault('chat.postMessage', { status: 500, times: 2 });
    const recovers = notificationBody({ recipient: { memberId: 'm-ana' } });
    await postAll(t, [recovers]);
    expect(await finished(t, recovers.id as string)).toMatchObject({ status: 'delivered' });
    // A 500 may have posted the message: before each retry the worker looked in the DM.
    expect(callsOf('conversations.history')).toBe(2);
    expect(notificationIdsIn(t.emulator.messagesTo('U0ANA00001'))).toEqual([recovers.id]);

    t.emulator.injectFault('chat.postMessage', { status: 503, times: 5 });
    const givesUp = notificationBody({ recipient: { memberId: 'm-bob' } });
    await postAll(t, [givesUp]);
    expect(await finished(t, givesUp.id as string)).toMatchObject({ status: 'failed', reason: 'http_503' });
    expect(t.emulator.messagesTo('U0BOB00001')).toEqual([]);
  });

  it('opens the DM again when the cached channel stopped working, once', async () => {
    await goLive(t);
    const first = notificationBody({ recipient: { memberId: 'm-ana' } });
    await postAll(t, [first]);
    await finished(t, first.id as string);
    expect(callsOf('conversations.open')).toBe(1);
    t.emulator.injectFault('chat.postMessage', { error: 'channel_not_found', times: 1 });
    const second = notificationBody({ recipient: { memberId: 'm-ana' } });
    await postAll(t, [second]);
    expect(await finished(t, second.id as string)).toMatchObject({ status: 'delivered' });
    expect(callsOf('conversations.open')).toBe(2);
    expect(notificationIdsIn(t.emulator.messagesTo('U0ANA00001'))).toEqual([first.id, second.id]);
  });

  it('removes delivered and skipped notifications after the retention period, on its daily schedule', async () => {
    await goLive(t);
    const delivered = notificationBody({ recipient: { memberId: 'm-ana' } });
    const skipped = notificationBody({ recipient: { memberId: 'm-bob' } });
    await features().repos.members.setStatus('m-bob', 'deactivated', new Date());
    await postAll(t, [delivered, skipped]);
    await finished(t, delivered.id as string);
    await finished(t, skipped.id as string);
    expect(features().scheduler.plannedJobs()).toEqual(expect.arrayContaining([{ name: OUTBOX_JOBS.retention, expression: '20 4 * * *' }]));

    const job = retentionJob(createNotificationRepos(features()).outbox, features().config.notifications.retentionDays);
    clock.advance(29 * 86_400_000);
    expect(await features().scheduler.runExclusive(job, 'manual')).toMatchObject({ ran: true, status: 'completed', report: { deleted: 0 } });
    clock.advance(2 * 86_400_000);
    expect(await features().scheduler.runExclusive(job, 'manual')).toMatchObject({ ran: true, status: 'completed', report: { deleted: 2 } });
    const headers = { authorization: `Bearer ${features().config.http.apiToken}` };
    expect((await t.fetch(`/api/v1/workspaces/default/notifications/${delivered.id as string}`, { headers })).status).toBe(404);
    expect((await t.fetch(`/api/v1/workspaces/default/notifications/${skipped.id as string}`, { headers })).status).toBe(404);
  });

  // Issue 12: every field at its limit and escaping at its worst passes each block's limit, but
  // not the total Slack takes (msg_blocks_too_long), unless the body is cut.
  it('delivers the worst-case notification: the body cut with an ellipsis, the title and the link whole', async () => {
    await goLive(t);
    const base = features().config.pigmentBaseUrl!;
    const url = `${base}/${'p'.repeat(3_000 - base.length - 1)}`;
    const title = `${'&<>'.repeat(50)}`;
    const body = notificationBody({
      id: 'w'.repeat(200),
      title,
      // Mentions, and ampersands that escape to five characters each: about 8,000 in all.
      body: `<!channel> <@U0ANA00001> ${'&'.repeat(75)}\n`.repeat(20).slice(0, 2_000),
      url,
      actor: { name: '&<>'.repeat(67).slice(0, 200) },
    });
    await postAll(t, [body]);
    expect(await finished(t, body.id as string)).toMatchObject({ status: 'delivered' });
    const [message] = t.emulator.messagesTo('U0ANA00001');
    const blocks = message?.blocks as Array<{ type: string; text?: { text: string }; elements?: Array<{ url?: string }> }>;
    expect(blocks.find((b) => b.type === 'header')?.text?.text).toBe(title);
    expect(blocks.find((b) => b.type === 'actions')?.elements?.[0]?.url).toBe(url);
    const sections = blocks.filter((b) => b.type === 'section').map((b) => b.text?.text ?? '');
    expect(sections.join('')).toMatch(/…$/);
    expect(sections.join('')).toMatch(/^&lt;!channel&gt; &lt;@U0ANA00001&gt; (&amp;){75}/);
  });

  it('fails on a permanent Slack error without retrying', async () => {
    await goLive(t);
    // One of Slack's documented conversations.open errors: the bot may not see that user.
    t.emulator.injectFault('conversations.open', { error: 'user_not_visible', times: 1 });
    const body = notificationBody({ recipient: { memberId: 'm-dan' } });
    await postAll(t, [body]);
    expect(await finished(t, body.id as string)).toMatchObject({ status: 'failed', reason: 'user_not_visible' });
    expect(callsOf('conversations.open')).toBe(1);
    expect(callsOf('chat.postMessage')).toBe(0);
  });

  it('retries a delivery the connector itself broke off (a store error), and fails it with connector_error if it keeps breaking', async () => {
    await goLive(t);
    // Fault injection on our own store reads: reading one member (through the members port the
    // worker uses) fails, once for Ana, always for Dan.
    const members = t.connector.features.members.directory;
    const findById = members.findById.bind(members);
    let anaFailures = 0;
    jest.spyOn(members, 'findById').mockImplementation(async (id: string) => {
      if (id === 'm-dan' || (id === 'm-ana' && anaFailures++ === 0)) throw new Error('store connection reset');
      return findById(id);
    });
    const recovers = notificationBody({ recipient: { memberId: 'm-ana' } });
    const keepsBreaking = notificationBody({ recipient: { memberId: 'm-dan' } });
    await postAll(t, [recovers, keepsBreaking]);
    expect(await finished(t, recovers.id as string)).toMatchObject({ status: 'delivered' });
    expect(await finished(t, keepsBreaking.id as string)).toMatchObject({ status: 'failed', reason: 'connector_error', attempts: 5 });
    expect(notificationIdsIn(t.emulator.messagesTo('U0ANA00001'))).toEqual([recovers.id]);
    expect(t.emulator.messagesTo('U0DAN00001')).toEqual([]);
  });

  it('pauses all delivery on invalid_auth, keeping everything queued, and resumes when the token works again', async () => {
    await goLive(t);
    t.emulator.revokeTokens({ bot: true, error: 'invalid_auth' });
    const bodies = ['m-ana', 'm-bob', 'm-carol'].map((memberId) => notificationBody({ recipient: { memberId } }));
    await postAll(t, bodies);
    await eventually(() => t.logs.find((line) => line.includes('delivery paused')), 5_000, 'the pause');
    const metrics = await (await t.fetch('/metrics')).text();
    expect(metrics).toMatch(/^pigment_slack_delivery_paused\{tenant="default"\} 1$/m);
    // Readiness shows it, without taking the process out (the API still accepts and keeps).
    const ready = await t.fetch('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      workers: { 'notifications.delivery': 'running; paused on a token error: default (invalid_auth)' },
    });
    // Every notification given back to the queue, none lost or failed.
    await eventually(
      async () => {
        const statuses = await Promise.all(bodies.map(async (body) => (await findNotification(t, body.id as string))?.status));
        return statuses.every((status) => status === 'queued') ? true : undefined;
      },
      5_000,
      'every notification queued again',
    );
    // Paused: at most the calls already under way were refused (one per lane), then nothing
    // but auth.test until the token works.
    const deliveryCalls = () => callsOf('conversations.open') + callsOf('chat.postMessage');
    const refused = deliveryCalls();
    expect(refused).toBeLessThanOrEqual(bodies.length);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(deliveryCalls()).toBe(refused);
    expect(callsOf('auth.test')).toBeGreaterThan(1);

    t.emulator.restoreTokens();
    for (const body of bodies) expect(await finished(t, body.id as string)).toMatchObject({ status: 'delivered' });
    const resumed = await (await t.fetch('/metrics')).text();
    expect(resumed).not.toMatch(/^pigment_slack_delivery_paused\{tenant="default"\}/m);
    expect(resumed).toMatch(/^pigment_slack_delivery_paused\{tenant="_other"\} 0$/m);
    expect(await (await t.fetch('/readyz')).json()).toMatchObject({ workers: { 'notifications.delivery': 'running' } });
  });

  it('records a message an earlier attempt sent (its process died before writing) instead of sending it again', async () => {
    // Before the workspace is live this process's worker claims nothing: a "dead" process
    // claims the notification with a 1-second lease, posts the DM, and dies before writing.
    const body = notificationBody({ recipient: { memberId: 'm-ana' } });
    await postAll(t, [body]);
    const { outbox } = createNotificationRepos(features());
    const claimed = await outbox.claimNext('dead-process', 1_000, clock.now());
    expect(claimed?.id).toBe(body.id);
    const dead = new WebClient(t.emulator.botToken, { slackApiUrl: t.emulator.apiUrl });
    const channel = (await dead.conversations.open({ users: 'U0ANA00001' })).channel!.id!;
    const sent = await dead.chat.postMessage({ channel, ...buildNotificationMessage(claimed!, { pigmentBaseUrl: features().config.pigmentBaseUrl! }) });

    // Live, and the dead lease expired: the worker takes it over, finds the message, records it.
    clock.advance(2_000);
    await goLive(t);
    expect(await finished(t, body.id as string)).toMatchObject({ status: 'delivered', attempts: 2, slack: { channel, ts: sent.ts } });
    expect(notificationIdsIn(t.emulator.messagesTo('U0ANA00001'))).toEqual([body.id]);
    expect(t.emulator.callsOf('chat.postMessage')).toHaveLength(1);
    expect(t.emulator.callsOf('conversations.history')).toHaveLength(1);
    expect(t.emulator.callsOf('conversations.history')[0]?.args).toMatchObject({ channel, include_all_metadata: 'true' });
  });

  it('leaves everything queued while the workspace waits for its acknowledgement', async () => {
    const body = notificationBody();
    await postAll(t, [body]);
    // The worker polls every 50 ms in tests; give it several rounds.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await findNotification(t, body.id as string)).toMatchObject({ status: 'queued', attempts: 0 });
    await goLive(t);
    expect(await finished(t, body.id as string)).toMatchObject({ status: 'delivered' });
  });
});
