/**
 * HTTP delivery: the emulator's sends as Slack's signed requests to an app's Request URL.
 * Against Bolt's own HTTPReceiver (the signature, the bodies, acks with response_action,
 * url_verification), and against a raw server that fails on purpose (Slack's retries, their
 * headers and reasons, X-Slack-No-Retry, no retry of interactions).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { AckTimeoutError, HTTP_CONNECTION_ID, signSlackRequest, SLACK_RETRY_DELAYS_MS, type SlackEmulator } from '../../scripts/slack-emulator';
import { botClient, emulatorHarness, MEMBER, SECOND_TEAM, SECOND_TEAM_SEED } from './emulator-fixture';

const harness = emulatorHarness();
const SIGNING_SECRET = 'e2'.repeat(16);

const modal = {
  type: 'modal' as const,
  callback_id: 'http.form',
  title: { type: 'plain_text' as const, text: 'Form' },
  submit: { type: 'plain_text' as const, text: 'Save' },
  blocks: [
    {
      type: 'input' as const,
      block_id: 'email',
      label: { type: 'plain_text' as const, text: 'Email' },
      element: { type: 'email_text_input' as const, action_id: 'email' },
    },
  ],
};

const homeOpened = { type: 'app_home_opened', user: MEMBER, channel: 'D0HOME0001', tab: 'home' };

/** A Bolt app with its own HTTPReceiver on a free port; `url` is its Request URL. */
async function boltOverHttp(emulator: SlackEmulator, signingSecret: string): Promise<{ app: App; url: string; events: Array<Record<string, unknown>> }> {
  const receiver = new HTTPReceiver({ signingSecret, logLevel: LogLevel.ERROR });
  const app = new App({
    token: emulator.botToken,
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } },
  });
  const events: Array<Record<string, unknown>> = [];
  app.event('app_home_opened', async ({ body, context }) => {
    events.push({ body, retryNum: context.retryNum, retryReason: context.retryReason });
  });
  app.view('http.form', async ({ ack }) => {
    await ack({ response_action: 'errors', errors: { email: 'Not an email' } });
  });
  const server = (await app.start(0)) as http.Server;
  apps.push(app);
  return { app, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, events };
}

const apps: App[] = [];
const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A raw app server: answers each request with the next answer queued (a bare 200 when none); `'hang'` never answers. */
async function scriptedApp(
  answers: Array<{ status: number; headers?: Record<string, string>; body?: string } | 'hang'>,
): Promise<{ url: string; seen: http.IncomingHttpHeaders[] }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    const answer = answers.shift() ?? { status: 200 };
    if (answer === 'hang') return;
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body ?? '');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, seen };
}

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 250 && !condition(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('HTTP delivery to a Bolt HTTPReceiver', () => {
  it('signs each event so that Bolt verifies it, and resolves with an ack shaped as over Socket Mode', async () => {
    const emulator = await harness.start();
    const app = await boltOverHttp(emulator, SIGNING_SECRET);
    emulator.useHttpDelivery(app.url, SIGNING_SECRET);
    expect(emulator.delivery).toBe('http');

    const ack = await emulator.socket.sendEvent(homeOpened);
    expect(ack).toEqual({ envelope_id: expect.any(String), payload: {}, connectionId: HTTP_CONNECTION_ID, receivedAt: expect.any(Number) });
    expect(emulator.socket.acks.at(-1)).toEqual(ack);
    await until(() => app.events.length > 0);
    expect(app.events).toEqual([
      { body: expect.objectContaining({ type: 'event_callback', team_id: 'T0TEST0001' }), retryNum: undefined, retryReason: undefined },
    ]);

    const [request] = emulator.httpRequests;
    expect(request).toMatchObject({ type: 'events_api', url: app.url, retryNum: 0, status: 200 });
    expect(request?.headers['content-type']).toBe('application/json');
    const timestamp = Number(request?.headers['x-slack-request-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
    expect(request?.headers['x-slack-signature']).toBe(signSlackRequest(SIGNING_SECRET, timestamp, request?.body ?? ''));
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ type: 'event_callback', event: homeOpened });
  });

  it('is refused by Bolt (401) when signed with another secret, and no listener runs', async () => {
    const emulator = await harness.start();
    const app = await boltOverHttp(emulator, SIGNING_SECRET);
    emulator.useHttpDelivery(app.url, 'another-secret-0123456789');
    const sent = emulator.socket.sendEvent(homeOpened, { maxRetries: 0 });
    await expect(sent).rejects.toBeInstanceOf(AckTimeoutError);
    await expect(sent).rejects.toThrow('after 1 attempt(s) (last: http_error 401)');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(app.events).toEqual([]);
    expect(emulator.httpRequests.map((r) => r.status)).toEqual([401]);
  });

  it('posts interactions form-encoded (payload=…) and applies the view_submission answer to the modal', async () => {
    const emulator = await harness.start();
    const app = await boltOverHttp(emulator, SIGNING_SECRET);
    emulator.useHttpDelivery(app.url, SIGNING_SECRET);
    await botClient(emulator).views.open({ trigger_id: emulator.issueTriggerId(MEMBER), view: modal });
    const view = emulator.modalStackOf(MEMBER)[0]!;

    const ack = await emulator.socket.sendInteractive(emulator.interactionPayload(MEMBER, { type: 'view_submission', view: { id: view.id } }));
    expect(ack.payload).toEqual({ response_action: 'errors', errors: { email: 'Not an email' } });
    expect(emulator.viewErrorsOf(view.id)).toEqual({ email: 'Not an email' });
    const request = emulator.httpRequests.at(-1)!;
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const payload = JSON.parse(new URLSearchParams(request.body).get('payload') ?? '{}') as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'view_submission', view: { id: view.id } });
  });

  it("answers url_verification with Bolt's echo, and says so when a URL does not echo", async () => {
    const emulator = await harness.start();
    await expect(emulator.verifyRequestUrl()).rejects.toThrow('useHttpDelivery first');
    const app = await boltOverHttp(emulator, SIGNING_SECRET);
    emulator.useHttpDelivery(app.url, SIGNING_SECRET);
    expect(await emulator.verifyRequestUrl()).toMatchObject({ verified: true, status: 200 });
    const request = emulator.httpRequests.at(-1)!;
    expect(JSON.parse(request.body)).toEqual({ token: expect.any(String), challenge: expect.any(String), type: 'url_verification' });
    expect(request.headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);

    const other = await scriptedApp([{ status: 200, body: 'ok' }]);
    emulator.useHttpDelivery(other.url, SIGNING_SECRET);
    expect(await emulator.verifyRequestUrl()).toMatchObject({ verified: false, status: 200, body: 'ok' });
  });

  it("sends a workspace's uninstall events over HTTP with that workspace's team_id", async () => {
    const app = await scriptedApp([]);
    // Delivery chosen at start, for an app whose Request URL is known before the emulator starts.
    const emulator = await harness.start({ teams: [SECOND_TEAM_SEED], delivery: { mode: 'http', requestUrl: app.url, signingSecret: SIGNING_SECRET } });
    expect(emulator.delivery).toBe('http');
    await emulator.team(SECOND_TEAM).uninstall();
    const bodies = emulator.httpRequests.map((r) => JSON.parse(r.body) as { team_id: string; event: { type: string } });
    expect(bodies.map((b) => [b.team_id, b.event.type]).sort()).toEqual([
      [SECOND_TEAM, 'app_uninstalled'],
      [SECOND_TEAM, 'tokens_revoked'],
    ]);
    emulator.useSocketModeDelivery();
    expect(emulator.delivery).toBe('socket');
  });
});

describe('HTTP delivery retries, as Slack retries events', () => {
  it('keeps the schedule Slack documents by default: nearly at once, after 1 minute, after 5 minutes', () => {
    expect(SLACK_RETRY_DELAYS_MS).toEqual([0, 60_000, 300_000]);
  });

  it('retries an event answered with an error, numbering the retries and giving the reason, with the same event_id', async () => {
    const emulator = await harness.start();
    const app = await scriptedApp([{ status: 500 }, { status: 503 }]);
    emulator.useHttpDelivery(app.url, SIGNING_SECRET, { retryDelaysMs: [0, 50] });
    const started = Date.now();
    await emulator.socket.sendEvent(homeOpened);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(app.seen.map((h) => [h['x-slack-retry-num'], h['x-slack-retry-reason']])).toEqual([
      [undefined, undefined],
      ['1', 'http_error'],
      ['2', 'http_error'],
    ]);
    const eventIds = new Set(emulator.httpRequests.map((r) => (JSON.parse(r.body) as { event_id: string }).event_id));
    expect(eventIds.size).toBe(1);
    // Each attempt is signed anew.
    for (const request of emulator.httpRequests) {
      expect(request.headers['x-slack-signature']).toBe(signSlackRequest(SIGNING_SECRET, Number(request.headers['x-slack-request-timestamp']), request.body));
    }
  });

  it('retries after the ack timeout with http_timeout, and gives up after the last retry', async () => {
    const emulator = await harness.start();
    const app = await scriptedApp(['hang', 'hang', 'hang']);
    emulator.useHttpDelivery(app.url, SIGNING_SECRET, { retryDelaysMs: [0] });
    const sent = emulator.socket.sendEvent(homeOpened, { ackTimeoutMs: 200, maxRetries: 2 });
    await expect(sent).rejects.toThrow('no ack for events_api envelope after 3 attempt(s) (last: http_timeout)');
    expect(app.seen.map((h) => h['x-slack-retry-reason'])).toEqual([undefined, 'http_timeout', 'http_timeout']);
  });

  it('does not retry an error answered with X-Slack-No-Retry: 1', async () => {
    const emulator = await harness.start();
    const app = await scriptedApp([{ status: 500, headers: { 'x-slack-no-retry': '1' } }]);
    emulator.useHttpDelivery(app.url, SIGNING_SECRET, { retryDelaysMs: [0] });
    await expect(emulator.socket.sendEvent(homeOpened)).rejects.toThrow('after 1 attempt(s) (last: http_error 500)');
    expect(app.seen).toHaveLength(1);
  });

  it('never retries an interaction, and wants HTTP 200 for it', async () => {
    const emulator = await harness.start();
    const app = await scriptedApp([{ status: 204 }]);
    emulator.useHttpDelivery(app.url, SIGNING_SECRET, { retryDelaysMs: [0] });
    const payload = emulator.interactionPayload(MEMBER, {
      type: 'block_actions',
      actions: [{ type: 'button', action_id: 'x', block_id: 'b', action_ts: '1' }],
    });
    await expect(emulator.socket.sendInteractive(payload)).rejects.toThrow('after 1 attempt(s) (last: http_error 204)');
    expect(app.seen).toHaveLength(1);
  });

  it('reports connection_failed when nothing listens, and marks a resent callback as a retry', async () => {
    const emulator = await harness.start();
    const app = await scriptedApp([]);
    const closedPort = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    emulator.useHttpDelivery(`http://127.0.0.1:${closedPort}/slack/events`, SIGNING_SECRET);
    await expect(emulator.socket.sendEvent(homeOpened, { maxRetries: 0 })).rejects.toThrow('(last: connection_failed)');

    emulator.useHttpDelivery(app.url, SIGNING_SECRET);
    await emulator.socket.sendEventCallback(emulator.socket.eventCallback(homeOpened), { retryAttempt: 1 });
    expect(app.seen[0]).toMatchObject({ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
  });
});
