/**
 * The connector with SLACK_RECEIVER=http end to end: the emulator POSTs Slack's signed requests
 * to the connector's own `POST /slack/events` (no Socket Mode at all), and the main flows run as
 * they do over Socket Mode: the App Home, an admin's modals with a view_submission answered
 * with errors, a notification, app_uninstalled. Requests that are not Slack's (bad signature,
 * stale or future timestamp) are 401 and run nothing; a retried event is handled once.
 */
import { validateView } from '../../scripts/slack-emulator/block-kit';
import { signSlackRequest } from '../../scripts/slack-emulator';
import type { SlackView } from '../../scripts/slack-emulator/state';
import { MANUAL_MAPPING_BLOCKS, MANUAL_MAPPING_IDS } from '../../src/features/mapping/manual/ids';
import { SLACK_EVENTS_PATH } from '../../src/slack/http-receiver';
import { eventually, startTestConnector, type TestConnector } from '../support/connector';
import { TEST_SECRETS } from '../support/factories';
import { connectorView } from '../support/store-repos';
import { finished, goLive, notificationBody, notificationIdsIn, postAll, saveMembers, seed, TEAM } from '../features/notifications/delivery-fixture';

const ADMIN = 'U0ADMIN001';

function homeOpened(user: string) {
  return { type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home', event_ts: `${Date.now() / 1000}` };
}

type Block = Record<string, any>;

/** The block and element in `view` whose action_id starts with `prefix` (and has `value`, if given). */
function element(view: SlackView, prefix: string, value?: string): { block: Block; element: Block } {
  for (const block of view.blocks as Block[]) {
    for (const el of [block.accessory, ...(block.elements ?? []), block.element].filter(Boolean) as Block[]) {
      if (String(el.action_id).startsWith(prefix) && (value === undefined || el.value === value)) return { block, element: el };
    }
  }
  throw new Error(`no ${prefix} ${value ?? ''} in view ${view.id}`);
}

describe('the connector receiving over HTTP (SLACK_RECEIVER=http)', () => {
  let t: TestConnector;
  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: seed() }, label: 'httprecv', receiver: 'http' });
    await saveMembers(t);
  });
  afterEach(() => t.stop());

  const publishes = () => t.emulator.callsOf('views.publish').length;

  /** POSTs `body` to the connector's Request URL as Slack would, signed with `secret` at `timestamp` (seconds). */
  function postSigned(body: string, options: { secret?: string; timestamp?: number } = {}): Promise<Response> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    return t.fetch(SLACK_EVENTS_PATH, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlackRequest(options.secret ?? TEST_SECRETS.signingSecret, timestamp, body),
      },
      body,
    });
  }

  it('is ready without a socket, passes url_verification and publishes the App Home on app_home_opened', async () => {
    const ready = await t.fetch('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', slackReceiver: 'http' }, workers: { 'notifications.delivery': 'running' } });
    expect(t.connector.slack.socket).toBeUndefined();
    expect(t.emulator.callsOf('apps.connections.open')).toEqual([]);
    expect(t.emulator.socket.connectionCount()).toBe(0);

    expect(await t.emulator.verifyRequestUrl()).toMatchObject({ verified: true, status: 200 });

    const ack = await t.emulator.socket.sendEvent(homeOpened(ADMIN));
    expect(ack.payload).toEqual({});
    const view = await eventually(() => t.emulator.homeViewOf(ADMIN), 5_000, 'the published home');
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain(TEAM.name);
    expect(t.emulator.httpRequests.at(-1)).toMatchObject({ type: 'events_api', status: 200, retryNum: 0 });
  });

  it("runs an admin's modals: the list opens, Set up is pushed, and a submission with an unknown email gets field errors", async () => {
    await goLive(t);
    const top = () => t.emulator.modalStackOf(ADMIN).at(-1);
    await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(ADMIN, {
        type: 'block_actions',
        actions: [{ type: 'button', action_id: MANUAL_MAPPING_IDS.reviewMembers, block_id: 'mapping.counts', action_ts: '1' }],
      }),
    );
    const list = await eventually(() => (top()?.callback_id === MANUAL_MAPPING_IDS.reviewView ? top() : undefined), 8_000, 'the review list');
    expect(validateView(list)).toEqual([]);
    // m-erin is in the directory with no Slack user: an admin sets her up by hand.
    const setUp = element(list, MANUAL_MAPPING_IDS.setUp, 'm-erin');
    await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(ADMIN, {
        type: 'block_actions',
        container: { type: 'view', view_id: list.id },
        view: list,
        actions: [{ type: 'button', action_id: setUp.element.action_id, block_id: setUp.block.block_id, value: 'm-erin', action_ts: '1' }],
      }),
    );
    const form = await eventually(() => (top()?.callback_id === MANUAL_MAPPING_IDS.connectView ? top() : undefined), 8_000, 'the Set up modal');
    expect(t.emulator.modalStackOf(ADMIN)).toHaveLength(2);

    const values = { [MANUAL_MAPPING_BLOCKS.email]: { [MANUAL_MAPPING_IDS.emailInput]: { type: 'email_text_input', value: 'erin@acme.test' } } };
    const answer = await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(ADMIN, { type: 'view_submission', view: { ...form, state: { values } } }),
    );
    // The HTTP answer carries the response_action, as the Socket Mode ack does.
    expect(answer.payload).toEqual({
      response_action: 'errors',
      errors: { [MANUAL_MAPPING_BLOCKS.email]: 'No one in this Slack workspace has this email address.' },
    });
    expect(t.emulator.viewErrorsOf(form.id)).toEqual({ [MANUAL_MAPPING_BLOCKS.email]: 'No one in this Slack workspace has this email address.' });
    expect(await connectorView(t.connector).repos.mappings.findByMember('m-erin')).toBeUndefined();
    const submission = t.emulator.httpRequests.at(-1)!;
    expect(submission).toMatchObject({ type: 'interactive', status: 200 });
    expect(submission.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('delivers a notification, then disconnects the workspace on app_uninstalled and skips the next one', async () => {
    await goLive(t);
    const first = notificationBody({ recipient: { memberId: 'm-ana' } });
    await postAll(t, [first]);
    expect(await finished(t, first.id as string)).toMatchObject({ status: 'delivered' });
    expect(notificationIdsIn(t.emulator.messagesTo('U0ANA00001'))).toEqual([first.id]);

    await t.emulator.socket.sendEvent({ type: 'app_uninstalled' });
    await eventually(async () => ((await connectorView(t.connector).workspace.isLive()) === false ? true : undefined), 5_000, 'the disconnect');
    const after = notificationBody({ recipient: { memberId: 'm-dan' } });
    await postAll(t, [after]);
    expect(await finished(t, after.id as string)).toMatchObject({ status: 'skipped', reason: 'workspace_disconnected' });
  });

  it('answers 401 and runs nothing for a bad signature, a stale timestamp or one from the future', async () => {
    const body = JSON.stringify(t.emulator.socket.eventCallback(homeOpened(ADMIN)));
    const now = Math.floor(Date.now() / 1000);
    expect((await postSigned(body, { secret: 'not-the-signing-secret-000000000' })).status).toBe(401);
    expect((await postSigned(body, { timestamp: now - 6 * 60 })).status).toBe(401);
    expect((await postSigned(body, { timestamp: now + 6 * 60 })).status).toBe(401);
    const unsigned = await t.fetch(SLACK_EVENTS_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    // A tampered body under a valid signature of the original.
    const timestamp = now;
    const tampered = await t.fetch(SLACK_EVENTS_PATH, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlackRequest(TEST_SECRETS.signingSecret, timestamp, body),
      },
      body: body.replace(ADMIN, 'U0ANA00001'),
    });
    expect(tampered.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(publishes()).toBe(0);
    expect(t.connector.slack.inFlight.size).toBe(0);

    // The same body, rightly signed within the window, runs.
    expect((await postSigned(body)).status).toBe(200);
    await eventually(() => t.emulator.homeViewOf(ADMIN), 5_000, 'the home');
  });

  it('handles a retried event (X-Slack-Retry-Num) once', async () => {
    const callback = t.emulator.socket.eventCallback(homeOpened(ADMIN));
    await t.emulator.socket.sendEventCallback(callback);
    await eventually(() => (publishes() === 1 ? true : undefined), 5_000, 'the first publish');
    // Slack's retry: the same event_id, sent again with the retry headers.
    const retried = await t.emulator.socket.sendEventCallback(callback, { retryAttempt: 1 });
    expect(retried.payload).toEqual({});
    expect(t.emulator.httpRequests.at(-1)?.headers).toMatchObject({ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    const dropped = await eventually(
      () => t.logs.find((line) => line.includes('repeated Slack event dropped') && line.includes(String(callback.event_id))),
      5_000,
      'the repeat to be dropped',
    );
    expect(JSON.parse(dropped)).toMatchObject({ retryNum: 1, retryReason: 'http_timeout' });
    await eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 5_000, 'the listeners');
    expect(publishes()).toBe(1);
  });

  it('acknowledges an interaction whose listener throws, and one no listener handles, with HTTP 200', async () => {
    t.connector.slack.app.action('test.explodes', async () => {
      throw new Error('listener blew up');
    });
    const press = (actionId: string) =>
      t.emulator.socket.sendInteractive(
        t.emulator.interactionPayload(ADMIN, {
          type: 'block_actions',
          actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: 'x', action_ts: '1' }],
        }),
      );
    expect((await press('test.explodes')).payload).toEqual({});
    expect((await press('test.nobody_listens')).payload).toEqual({});
    expect(t.emulator.httpRequests.slice(-2).map((r) => r.status)).toEqual([200, 200]);
    const errorLines = () => t.logs.filter((l) => l.includes('listener blew up') && l.includes('"level":50'));
    await eventually(() => (errorLines().length > 0 ? true : undefined), 5_000, 'the error log line');
    expect(errorLines()).toHaveLength(1);
    expect(errorLines()[0]).toContain('"actionId":"test.explodes"');
  });

  it('takes no request once it stops receiving (503, which Slack retries) and is not ready then', async () => {
    await t.connector.slack.stopReceiving();
    const body = JSON.stringify(t.emulator.socket.eventCallback(homeOpened(ADMIN)));
    expect((await postSigned(body)).status).toBe(503);
    const ready = await t.fetch('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', checks: { store: 'ok', slackReceiver: 'http' } });
    expect(publishes()).toBe(0);
  });
});
