/**
 * End to end: the real connector, its real Bolt app and SDK clients, the Slack emulator and
 * the embedded store.
 */
import { validateView } from '../scripts/slack-emulator/block-kit';
import { eventually, startTestConnector, type TestConnector } from './support/connector';
import { TEST_SECRETS } from './support/factories';

const SEED = {
  team: { id: 'T0ACME0001', name: 'Acme Corp', domain: 'acme' },
  users: [
    { id: 'U0ALICE001', name: 'alice', profile: { email: 'alice@acme.test' } },
    { id: 'U0BRUNO001', name: 'bruno', profile: { email: 'bruno@acme.test' } },
  ],
};

function homeOpened(user: string) {
  return { type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home', event_ts: `${Date.now() / 1000}` };
}

describe('connector against the Slack emulator', () => {
  let t: TestConnector;
  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: SEED }, label: 'app' });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('publishes a valid App Home when a user opens it', async () => {
    const ack = await t.emulator.socket.sendEvent(homeOpened('U0ALICE001'));
    expect(ack.payload).toEqual({});
    const view = await eventually(() => t.emulator.homeViewOf('U0ALICE001'), 5_000, 'the published home');
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain('Acme Corp');
    const publish = t.emulator.callsOf('views.publish');
    expect(publish).toHaveLength(1);
    expect(publish[0]).toMatchObject({ tokenKind: 'bot', status: 200, response: { ok: true } });
  });

  it('does not publish for the Messages tab', async () => {
    await t.emulator.socket.sendEvent({ ...homeOpened('U0ALICE001'), tab: 'messages' });
    // A Home-tab event sent after it is handled after it too: once that one is published,
    // the Messages-tab event had its chance to (wrongly) publish.
    await t.emulator.socket.sendEvent(homeOpened('U0BRUNO001'));
    await eventually(() => t.emulator.homeViewOf('U0BRUNO001'), 5_000, 'the later home');
    expect(t.emulator.callsOf('views.publish').map((c) => c.args.user_id)).toEqual(['U0BRUNO001']);
  });

  it('reconnects after the socket drops and handles the next event', async () => {
    const connectsBefore = t.connector.slack.socket!.connects();
    t.emulator.socket.dropAll();
    // While the link is down, readiness says so.
    const notReady = await eventually(
      async () => {
        const res = await t.fetch('/readyz');
        return res.status === 503 ? ((await res.json()) as Record<string, unknown>) : undefined;
      },
      5_000,
      '/readyz to report the closed socket',
    );
    expect(notReady).toMatchObject({ status: 'not_ready', checks: { store: 'ok', slackSocket: 'closed' } });

    await t.emulator.socket.waitForConnections(1, 15_000);
    await eventually(() => (t.connector.slack.socket!.isOpen() ? true : undefined), 5_000, 'the socket to reopen');
    expect(t.connector.slack.socket!.connects()).toBeGreaterThan(connectsBefore);
    await t.emulator.socket.sendEvent(homeOpened('U0BRUNO001'));
    const view = await eventually(() => t.emulator.homeViewOf('U0BRUNO001'), 5_000, 'the home after reconnect');
    expect(validateView(view)).toEqual([]);
    expect((await t.fetch('/readyz')).status).toBe(200);
  });

  it('reconnects when Slack asks for a refresh', async () => {
    const connectsBefore = t.connector.slack.socket!.connects();
    t.emulator.socket.disconnectAll('refresh_requested');
    await eventually(
      () => (t.connector.slack.socket!.connects() > connectsBefore && t.connector.slack.socket!.isOpen() ? true : undefined),
      15_000,
      'a new connection',
    );
    await t.emulator.socket.sendEvent(homeOpened('U0BRUNO001'));
    await eventually(() => t.emulator.homeViewOf('U0BRUNO001'), 5_000, 'the home after refresh');
  });

  it('acknowledges an interaction whose listener throws, and logs the error once', async () => {
    t.connector.slack.app.action('test.explodes', async () => {
      throw new Error('listener blew up');
    });
    const payload = t.emulator.interactionPayload('U0ALICE001', {
      type: 'block_actions',
      actions: [{ type: 'button', action_id: 'test.explodes', block_id: 'b', value: 'x', action_ts: '1' }],
    });
    const ack = await t.emulator.socket.sendInteractive(payload);
    expect(ack.envelope_id).toBeDefined();
    const errorLines = () => t.logs.filter((l) => l.includes('listener blew up') && l.includes('"level":50'));
    await eventually(() => (errorLines().length > 0 ? true : undefined), 5_000, 'the error log line');
    // Both error handlers have run by the time the ack arrived; a second line would be there now.
    const errors = errorLines();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('"actionId":"test.explodes"');
  });

  it('answers /healthz, /readyz and /metrics without auth', async () => {
    expect(await (await t.fetch('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.fetch('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', slackSocket: 'open' }, workers: { 'notifications.delivery': 'running' } });
    const metrics = await t.fetch('/metrics');
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toMatch(/^pigment_slack_socket_open 1$/m);
    expect(text).toMatch(new RegExp(`^pigment_slack_socket_connects_total ${t.connector.slack.socket!.connects()}$`, 'm'));
    expect(text).toContain('pigment_slack_process_cpu_user_seconds_total');
  });

  it('guards /api/* with the bearer token', async () => {
    expect((await t.fetch('/api/v1/workspaces/default/members')).status).toBe(401);
    expect((await t.fetch('/api/v1/workspaces/default/members', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const authorized = await t.fetch('/api/v1/nothing-here', { headers: { authorization: `Bearer ${TEST_SECRETS.apiToken}` } });
    expect(authorized.status).toBe(404);
    expect(await authorized.json()).toMatchObject({ error: 'not_found' });
  });

  it('answers an oversized body with 413 and a bad JSON body with 400', async () => {
    const headers = { authorization: `Bearer ${TEST_SECRETS.apiToken}`, 'content-type': 'application/json' };
    t.connector.deps.router.add('PUT', '/api/v1/test-echo', async (req) => ({ status: 200, body: req.body }));
    const big = await t.fetch('/api/v1/test-echo', { method: 'PUT', headers, body: JSON.stringify({ x: 'y'.repeat(1_100_000) }) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: 'body_too_large' });
    const bad = await t.fetch('/api/v1/test-echo', { method: 'PUT', headers, body: '{"unterminated' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_json' });
    const good = await t.fetch('/api/v1/test-echo', { method: 'PUT', headers, body: '{"a":1}' });
    expect(await good.json()).toEqual({ a: 1 });
  });

  it('never logs a token, the API token or the encryption key', async () => {
    await t.emulator.socket.sendEvent(homeOpened('U0ALICE001'));
    await eventually(() => t.emulator.homeViewOf('U0ALICE001'), 5_000, 'the home');
    await t.fetch('/api/v1/x', { headers: { authorization: `Bearer ${TEST_SECRETS.apiToken}` } });
    const all = t.logs.join('');
    expect(t.logs.length).toBeGreaterThan(5);
    for (const secret of [t.emulator.botToken, t.emulator.appToken, TEST_SECRETS.apiToken, TEST_SECRETS.encryptionKey]) {
      expect(all).not.toContain(secret);
    }
  });
});
