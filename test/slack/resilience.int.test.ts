/**
 * The connector's links to Slack and to the store, broken on purpose.
 */
import type { RunningEmbeddedStore } from '../../src/db/embedded-store';
import { eventually, startTestConnector, type TestConnector } from '../support/connector';
import { startConnectorOnPrivateStore, type PrivateStoreConnector } from '../support/private-store';

const SEED = { users: [{ id: 'U0ALICE001', name: 'alice', profile: { email: 'alice@acme.test' } }] };

describe('Socket Mode watchdog', () => {
  let t: TestConnector;
  afterEach(() => t.stop());

  it('restarts a client that gave up reconnecting once apps.connections.open answers again', async () => {
    t = await startTestConnector({
      emulator: { seed: SEED },
      slack: {
        clientPingTimeout: 500,
        connectionsOpenRetry: { retries: 1, minTimeout: 50, maxTimeout: 50 },
        watchdog: { checkEveryMs: 100, restartAfterMs: 1_000 },
      },
    });
    // The SDK's reconnect uses 2 calls (1 retry) and gives up; the watchdog's first restart
    // uses 2 more and fails; the next one succeeds.
    t.emulator.injectFault('apps.connections.open', { times: 4, status: 500 });
    const connectsBefore = t.connector.slack.socket!.connects();
    t.emulator.socket.dropAll();
    await eventually(
      () => (t.connector.slack.socket!.connects() > connectsBefore && t.connector.slack.socket!.isOpen() ? true : undefined),
      20_000,
      'the watchdog to reconnect',
    );
    expect(t.emulator.callsOf('apps.connections.open').filter((c) => c.status === 500)).toHaveLength(4);
    expect(t.logs.some((l) => l.includes('Socket Mode stopped reconnecting; restarting it'))).toBe(true);
    await t.emulator.socket.sendEvent({ type: 'app_home_opened', user: 'U0ALICE001', tab: 'home', channel: 'D1', event_ts: '1' });
    await eventually(() => t.emulator.homeViewOf('U0ALICE001'), 5_000, 'the home after the restart');
  });
});

describe('Slack’s periodic connection refresh', () => {
  let t: TestConnector;
  afterEach(() => t.stop());

  it('reconnects after each refresh_requested and answers every App Home opened across them', async () => {
    // Slack recycles connections every few hours; here every 2 seconds.
    t = await startTestConnector({ emulator: { seed: SEED, socket: { connectionLifetimeMs: 2_000 } }, slack: { clientPingTimeout: 500 } });
    const connectsBefore = t.connector.slack.socket!.connects();
    const opens: Promise<unknown>[] = [];
    while (t.connector.slack.socket!.connects() < connectsBefore + 2) {
      opens.push(t.emulator.socket.sendEvent({ type: 'app_home_opened', user: 'U0ALICE001', tab: 'home', channel: 'D1', event_ts: String(opens.length) }));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await Promise.all(opens);
    // None lost: every open was published for (a redelivery of an un-acked one keeps its event_id).
    await eventually(() => (t.emulator.callsOf('views.publish').length >= opens.length ? true : undefined), 10_000, 'a publish per open');
    const eventIds = new Set(t.emulator.socket.deliveries.map((d) => String(d.envelope.payload['event_id'])));
    expect(eventIds.size).toBe(opens.length);
    expect(t.connector.slack.socket!.isOpen()).toBe(true);
  });
});

describe('readiness when the store goes away', () => {
  let t: TestConnector;
  let store: RunningEmbeddedStore;
  let running: PrivateStoreConnector;

  afterEach(() => running.stop());

  it('answers 503 naming the unreachable store, while /healthz stays 200', async () => {
    running = await startConnectorOnPrivateStore('ready', { emulator: { seed: SEED } });
    ({ t, store } = running);
    expect((await t.fetch('/readyz')).status).toBe(200);

    await store.stop();
    const res = await t.fetch('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not_ready',
      checks: { store: 'unreachable', slackSocket: 'open' },
      workers: { 'notifications.delivery': 'running' },
    });
    expect((await t.fetch('/healthz')).status).toBe(200);
  });
});
