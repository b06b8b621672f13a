/**
 * The emulator's Socket Mode server driven by the real `@slack/socket-mode` client (the one Bolt
 * uses), plus a raw `ws` client where the wire format itself is under test.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, SocketModeClient, type Logger } from '@slack/socket-mode';
import WebSocket from 'ws';
import { AckTimeoutError, createSocketModeServer, type SocketModeServer, type SocketModeServerOptions } from '../../scripts/slack-emulator/socket-mode';

const APP_TOKEN = 'xapp-1-test';

interface Harness {
  server: SocketModeServer;
  httpServer: http.Server;
  /** `127.0.0.1:port` */
  host: string;
  /** Authorization headers seen by apps.connections.open, one per call. */
  openCalls: string[];
}

interface RecordingLogger extends Logger {
  warnings: string[];
}

type SlackEventArgs = {
  ack: (response?: Record<string, unknown>) => Promise<void>;
  envelope_id: string;
  type: string;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
  accepts_response_payload: boolean;
};

const harnesses: Harness[] = [];
const clients: SocketModeClient[] = [];
const rawSockets: WebSocket[] = [];

afterEach(async () => {
  // Clients first, while the server can still complete their close handshakes.
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  for (const socket of rawSockets.splice(0)) socket.terminate();
  for (const { server, httpServer } of harnesses.splice(0)) {
    await server.close();
    httpServer.closeAllConnections();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  }
});

/** An HTTP server answering apps.connections.open (as the emulator's Web API will) with the Socket Mode server attached. */
async function setup(options: Partial<SocketModeServerOptions> = {}): Promise<Harness> {
  const openCalls: string[] = [];
  const httpServer = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/apps.connections.open') {
      openCalls.push(req.headers.authorization ?? '');
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, url: server.openConnectionUrl(req.headers.host ?? '') }));
      return;
    }
    res.writeHead(404).end();
  });
  const server = createSocketModeServer({ httpServer, appId: 'A0TEST', teamId: 'T0TEST', ...options });
  httpServer.listen(0, '127.0.0.1');
  await once(httpServer, 'listening');
  const { port } = httpServer.address() as AddressInfo;
  const harness: Harness = { server, httpServer, host: `127.0.0.1:${port}`, openCalls };
  harnesses.push(harness);
  return harness;
}

function recordingLogger(): RecordingLogger {
  const warnings: string[] = [];
  return {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (...msg: unknown[]) => warnings.push(msg.map(String).join(' ')),
    error: () => undefined,
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };
}

/** Builds the real client against the harness; `start()` is left to the caller. */
function newClient(harness: Harness, extra: { clientPingTimeout?: number } = {}): { client: SocketModeClient; logger: RecordingLogger } {
  const logger = recordingLogger();
  const client = new SocketModeClient({
    appToken: APP_TOKEN,
    logger,
    clientOptions: { slackApiUrl: `http://${harness.host}/api/` },
    ...extra,
  });
  clients.push(client);
  return { client, logger };
}

/** A client that acks everything it gets and records what it got. */
async function startAckingClient(harness: Harness): Promise<{ client: SocketModeClient; received: SlackEventArgs[] }> {
  const { client } = newClient(harness);
  const received: SlackEventArgs[] = [];
  client.on('slack_event', async (args: SlackEventArgs) => {
    received.push(args);
    await args.ack();
  });
  await client.start();
  return { client, received };
}

/** Messages of a raw socket, in order; `next()` waits for the next unread one. */
class MessageQueue {
  readonly all: Record<string, unknown>[] = [];
  private read = 0;
  private waiter: (() => void) | undefined;

  push(message: Record<string, unknown>): void {
    this.all.push(message);
    this.waiter?.();
  }

  async next(timeoutMs = 2_000): Promise<Record<string, unknown>> {
    if (this.read >= this.all.length) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        };
      });
    }
    return this.all[this.read++]!;
  }
}

/** Raw `ws` client on a fresh ticket; resolves once open, with every parsed message queued. */
async function rawConnect(harness: Harness): Promise<{ socket: WebSocket; messages: MessageQueue }> {
  const socket = new WebSocket(harness.server.openConnectionUrl(harness.host));
  rawSockets.push(socket);
  const messages = new MessageQueue();
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  await once(socket, 'open');
  return { socket, messages };
}

/** Connects with `url` and resolves with the HTTP status of the refused upgrade. */
function refusedStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    rawSockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('open', () => reject(new Error(`upgrade accepted for ${url}`)));
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
  });
}

/**
 * Next `name` event of the client. Not `events.once`: the client is an eventemitter3 emitter, and
 * `once` would reject on the 'error' the client emits when its socket drops.
 */
function nextClientEvent(client: SocketModeClient, name: string): Promise<void> {
  return new Promise((resolve) => client.once(name, () => resolve()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const mention = (text: string): Record<string, unknown> => ({
  type: 'app_mention',
  user: 'U0USER',
  text,
  channel: 'C0CHAN',
  ts: `${Date.now() / 1000}`,
});

describe('Socket Mode server', () => {
  test('the real client gets a hello and reaches connected', async () => {
    const harness = await setup();
    const { client } = newClient(harness);
    const connected = nextClientEvent(client, 'connected');

    const result = (await client.start()) as { ok: boolean; url: string };
    await connected;

    expect(result.ok).toBe(true);
    expect(result.url).toMatch(new RegExp(`^ws://${harness.host}/link/\\?ticket=[0-9a-f-]{36}&app_id=A0TEST$`));
    expect(harness.openCalls).toEqual([`Bearer ${APP_TOKEN}`]);
    expect(harness.server.connectionCount()).toBe(1);
  });

  test('hello carries num_connections, debug_info and the app id', async () => {
    const harness = await setup();
    const first = await rawConnect(harness);
    const second = await rawConnect(harness);

    expect(await first.messages.next()).toEqual({
      type: 'hello',
      num_connections: 1,
      debug_info: { host: 'emulator', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: 'A0TEST' },
    });
    expect(await second.messages.next()).toMatchObject({ type: 'hello', num_connections: 2 });
    await harness.server.waitForConnections(2, 1_000);
  });

  test('refuses unknown, reused and expired tickets with 401', async () => {
    const harness = await setup({ ticketTtlMs: 100 });
    expect(await refusedStatus(`ws://${harness.host}/link/?ticket=bogus`)).toBe(401);

    const url = harness.server.openConnectionUrl(harness.host);
    const accepted = new WebSocket(url);
    rawSockets.push(accepted);
    await once(accepted, 'open');
    expect(await refusedStatus(url)).toBe(401);

    const stale = harness.server.openConnectionUrl(harness.host);
    await sleep(150);
    expect(await refusedStatus(stale)).toBe(401);
    expect(harness.server.connectionCount()).toBe(1);
  });

  test('delivers an event callback to the client and resolves with its ack', async () => {
    const harness = await setup();
    const { received } = await startAckingClient(harness);

    const ack = await harness.server.sendEvent(mention('hello'));

    expect(ack).toMatchObject({ payload: {}, connectionId: 0 });
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got).toMatchObject({ type: 'events_api', retry_num: 0, retry_reason: '', accepts_response_payload: false });
    expect(got!.envelope_id).toBe(ack.envelope_id);
    expect(got!.body).toMatchObject({
      type: 'event_callback',
      team_id: 'T0TEST',
      api_app_id: 'A0TEST',
      event: { type: 'app_mention', text: 'hello' },
      is_ext_shared_channel: false,
      authorizations: [{ team_id: 'T0TEST', is_bot: true }],
    });
    expect(got!.body['event_id']).toMatch(/^Ev[A-Z0-9]{10}$/);
    expect(harness.server.deliveries).toHaveLength(1);
    expect(harness.server.acks).toEqual([ack]);
  });

  test('redelivers an un-acked event with retry_attempt 1 and retry_reason timeout', async () => {
    const harness = await setup();
    const { client } = newClient(harness);
    const received: SlackEventArgs[] = [];
    client.on('slack_event', async (args: SlackEventArgs) => {
      received.push(args);
      if ((args.retry_num ?? 0) >= 1) await args.ack(); // ignore the first delivery
    });
    await client.start();

    const ack = await harness.server.sendEvent(mention('retry me'), { ackTimeoutMs: 300 });

    const [first, second] = harness.server.deliveries.map((d) => d.envelope);
    expect(harness.server.deliveries).toHaveLength(2);
    expect(first).toMatchObject({ retry_attempt: 0, retry_reason: '' });
    expect(second).toMatchObject({ retry_attempt: 1, retry_reason: 'timeout' });
    expect(second!.envelope_id).not.toBe(first!.envelope_id);
    // Same event, so apps can de-duplicate on event_id.
    expect(second!.payload['event_id']).toBe(first!.payload['event_id']);
    expect(received.map((r) => [r.retry_num, r.retry_reason])).toEqual([
      [0, ''],
      [1, 'timeout'],
    ]);
    expect(ack.envelope_id).toBe(second!.envelope_id);
  });

  test('rejects once the last retry goes un-acked', async () => {
    const harness = await setup();
    const { client } = newClient(harness);
    await client.start(); // never acks

    const sent = harness.server.sendEvent(mention('nobody home'), { ackTimeoutMs: 100, maxRetries: 2 });

    await expect(sent).rejects.toBeInstanceOf(AckTimeoutError);
    await expect(sent).rejects.toMatchObject({ attempts: 3 });
    expect(harness.server.deliveries.map((d) => d.envelope.retry_attempt)).toEqual([0, 1, 2]);
  });

  test('records but ignores acks for unknown or already-acked envelopes', async () => {
    const harness = await setup();
    const { socket, messages } = await rawConnect(harness);
    await messages.next(); // hello

    const sent = harness.server.sendEvent(mention('raw'));
    const envelope = await messages.next();
    const ackWith = (id: unknown, payload: Record<string, unknown>): void => socket.send(JSON.stringify({ envelope_id: id, payload }));
    ackWith('unknown-id', {});
    ackWith(envelope['envelope_id'], { first: true });
    ackWith(envelope['envelope_id'], { second: true });
    socket.send('not json');
    const ack = await sent;
    // Messages on one socket are handled in order: once a later send is acked, all of the above were seen.
    const later = harness.server.sendEvent(mention('later'));
    ackWith((await messages.next())['envelope_id'], {});
    await later;

    expect(ack.payload).toEqual({ first: true });
    expect(harness.server.acks.map((a) => a.envelope_id)).toEqual(['unknown-id', envelope['envelope_id'], envelope['envelope_id'], expect.any(String)]);
    expect(harness.server.acks[2]!.payload).toEqual({ second: true });
  });

  test('an interactive ack carries its payload, e.g. response_action', async () => {
    const harness = await setup();
    const { client } = newClient(harness);
    const seen: SlackEventArgs[] = [];
    client.on('interactive', async (args: SlackEventArgs) => {
      seen.push(args);
      await args.ack({ response_action: 'errors', errors: { email: 'Not an email' } });
    });
    await client.start();

    const ack = await harness.server.sendInteractive({ type: 'view_submission', view: { callback_id: 'form' } });

    expect(ack.payload).toEqual({ response_action: 'errors', errors: { email: 'Not an email' } });
    expect(seen[0]).toMatchObject({ accepts_response_payload: false, body: { type: 'view_submission' } });
  });

  test('an un-acked interaction is not redelivered by default', async () => {
    const harness = await setup({ ackTimeoutMs: 100 });
    const { client } = newClient(harness);
    await client.start(); // never acks

    await expect(harness.server.sendInteractive({ type: 'block_actions', actions: [] })).rejects.toBeInstanceOf(AckTimeoutError);
    expect(harness.server.deliveries).toHaveLength(1);
  });

  test('a slash command envelope accepts a response payload', async () => {
    const harness = await setup();
    const { client } = newClient(harness);
    client.on('slash_commands', async (args: SlackEventArgs) => {
      await args.ack({ text: `echo ${String(args.body['text'])}` });
    });
    await client.start();

    const ack = await harness.server.sendSlashCommand({ command: '/pigment', text: 'status' });

    expect(ack.payload).toEqual({ text: 'echo status' });
    expect(harness.server.deliveries[0]!.envelope).toMatchObject({ type: 'slash_commands', accepts_response_payload: true });
  });

  test('disconnect refresh_requested: the client reconnects on a new connection and handles the next event', async () => {
    const harness = await setup();
    const { client, received } = await startAckingClient(harness);
    const reconnected = nextClientEvent(client, 'connected');
    const startedAt = Date.now();

    harness.server.disconnectAll('refresh_requested');
    await reconnected;
    const gapMs = Date.now() - startedAt;

    expect(harness.server.connectionCount()).toBe(1);
    expect(harness.openCalls).toHaveLength(2);
    // The client closes first and reopens clientPingTimeout (5 s) later: no overlap, as users report.
    expect(gapMs).toBeGreaterThanOrEqual(4_500);
    const ack = await harness.server.sendEvent(mention('after refresh'));
    expect(ack.connectionId).toBe(1);
    expect(received).toHaveLength(1);
  });

  test('refreshes a connection after its lifetime: refresh_requested with the connection info, nothing more on it, closed after the grace', async () => {
    const harness = await setup({ connectionLifetimeMs: 200, refreshGraceMs: 200 });
    const { socket, messages } = await rawConnect(harness);
    expect(await messages.next()).toMatchObject({ type: 'hello', debug_info: { approximate_connection_time: 0 } });

    expect(await messages.next()).toEqual({
      type: 'disconnect',
      reason: 'refresh_requested',
      num_connections: 1,
      debug_info: { host: 'emulator' },
      connection_info: { app_id: 'A0TEST' },
    });
    // This client ignores the request: the event waits for another connection, and the server closes this one.
    const pending = harness.server.sendEvent(mention('after the refresh request'), { ackTimeoutMs: 5_000 });
    await once(socket, 'close');
    expect(messages.all.map((m) => m['type'])).toEqual(['hello', 'disconnect']);
    const replacement = await rawConnect(harness);
    await replacement.messages.next(); // hello
    const envelope = await replacement.messages.next();
    replacement.socket.send(JSON.stringify({ envelope_id: envelope['envelope_id'], payload: {} }));
    expect((await pending).connectionId).toBe(1);
  });

  test('the real client follows periodic refreshes and every event sent across them arrives', async () => {
    const harness = await setup({ connectionLifetimeMs: 1_000 });
    const { client } = newClient(harness, { clientPingTimeout: 500 });
    const eventIds = new Set<string>();
    client.on('slack_event', async (args: SlackEventArgs) => {
      eventIds.add(String(args.body['event_id']));
      await args.ack();
    });
    await client.start();

    const sent: Promise<unknown>[] = [];
    while (harness.openCalls.length < 3) {
      sent.push(harness.server.sendEvent(mention(`n${sent.length}`)));
      await sleep(100);
    }
    await Promise.all(sent);

    const sentIds = new Set(harness.server.deliveries.map((d) => String(d.envelope.payload['event_id'])));
    expect(sentIds.size).toBe(sent.length);
    expect(eventIds).toEqual(sentIds);
  });

  test('retry_attempt and retry_reason are on events_api envelopes only', async () => {
    const harness = await setup();
    const { socket, messages } = await rawConnect(harness);
    await messages.next(); // hello
    const ackNext = async (): Promise<Record<string, unknown>> => {
      const envelope = await messages.next();
      socket.send(JSON.stringify({ envelope_id: envelope['envelope_id'], payload: {} }));
      return envelope;
    };

    const event = harness.server.sendEvent(mention('event'));
    expect(await ackNext()).toMatchObject({ type: 'events_api', retry_attempt: 0, retry_reason: '' });
    const interaction = harness.server.sendInteractive({ type: 'block_actions', actions: [] });
    const interactive = await ackNext();
    const command = harness.server.sendSlashCommand({ command: '/pigment' });
    const slash = await ackNext();
    await Promise.all([event, interaction, command]);

    expect(Object.keys(interactive).sort()).toEqual(['accepts_response_payload', 'envelope_id', 'payload', 'type']);
    expect(Object.keys(slash).sort()).toEqual(['accepts_response_payload', 'envelope_id', 'payload', 'type']);
  });

  test('dropAll: the client reconnects and an event sent meanwhile arrives on the new connection', async () => {
    const harness = await setup();
    const { client, received } = await startAckingClient(harness);
    const reconnected = nextClientEvent(client, 'connected');

    harness.server.dropAll();
    expect(harness.server.connectionCount()).toBe(0);
    // Sent while no socket is open: the first 4 s window passes with no connection, the retry finds the new one.
    const ack = await harness.server.sendEvent(mention('during the gap'), { ackTimeoutMs: 4_000 });
    await reconnected;

    expect(ack.connectionId).toBe(1);
    expect(harness.server.deliveries.map((d) => [d.connectionId, d.envelope.retry_attempt])).toEqual([[1, 1]]);
    expect(received).toHaveLength(1);
    expect(harness.server.connectionCount()).toBe(1);
  });

  test('the 11th connection gets disconnect too_many_websockets and is closed', async () => {
    const harness = await setup();
    await Promise.all(Array.from({ length: 10 }, () => startAckingClient(harness)));
    await harness.server.waitForConnections(10, 5_000);

    const { socket, messages } = await rawConnect(harness);
    const [code] = (await once(socket, 'close')) as [number];

    expect(messages.all).toEqual([
      { type: 'disconnect', reason: 'too_many_websockets', num_connections: 10, debug_info: { host: 'emulator' }, connection_info: { app_id: 'A0TEST' } },
    ]);
    expect(code).toBe(1000);
    expect(harness.server.connectionCount()).toBe(10);
  });

  test('two clients share events: each envelope goes to exactly one of them', async () => {
    const harness = await setup();
    const a = await startAckingClient(harness);
    const b = await startAckingClient(harness);

    const acks = await Promise.all(Array.from({ length: 6 }, (_, i) => harness.server.sendEvent(mention(`n${i}`))));

    const idsA = a.received.map((r) => r.envelope_id);
    const idsB = b.received.map((r) => r.envelope_id);
    expect(idsA.length).toBeGreaterThan(0);
    expect(idsB.length).toBeGreaterThan(0);
    expect(idsA.filter((id) => idsB.includes(id))).toEqual([]);
    expect(new Set([...idsA, ...idsB])).toEqual(new Set(acks.map((ack) => ack.envelope_id)));
    expect(harness.server.deliveries).toHaveLength(6);
  });

  test('server pings; client pings get pongs unless answering is switched off', async () => {
    const harness = await setup({ pingIntervalMs: 50 });
    const { socket } = await rawConnect(harness);
    await once(socket, 'ping');

    socket.ping();
    await once(socket, 'pong');

    harness.server.setAnswerPings(false);
    let ponged = false;
    socket.on('pong', () => (ponged = true));
    socket.ping();
    await sleep(300);
    expect(ponged).toBe(false);
  });

  test('with pongs withheld the real client judges the link dead and reconnects', async () => {
    const harness = await setup();
    const { client, logger } = newClient(harness, { clientPingTimeout: 1_500 });
    client.on('slack_event', async ({ ack }: SlackEventArgs) => ack());
    await client.start();

    harness.server.setAnswerPings(false);
    await nextClientEvent(client, 'reconnecting');
    harness.server.setAnswerPings(true);
    await nextClientEvent(client, 'connected');

    expect(logger.warnings.some((w) => w.includes("pong wasn't received"))).toBe(true);
    expect(harness.server.connectionCount()).toBe(1);
    expect((await harness.server.sendEvent(mention('alive'))).connectionId).toBe(1);
  });

  test('close() rejects pending sends and waiters but leaves the HTTP server up', async () => {
    const harness = await setup();
    const pending = harness.server.sendEvent(mention('queued')); // no connection: waits
    const waiting = harness.server.waitForConnections(1, 5_000);

    await harness.server.close();

    await expect(pending).rejects.toThrow('closed');
    await expect(waiting).rejects.toThrow('closed');
    await expect(harness.server.sendEvent(mention('late'))).rejects.toThrow('closed');
    expect(harness.httpServer.listening).toBe(true);
    expect(harness.server.deliveries).toHaveLength(0);
  });
});
