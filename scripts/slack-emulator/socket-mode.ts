/**
 * Socket Mode half of the Slack emulator: a WebSocket server that speaks Slack's Socket Mode
 * protocol to the real `@slack/socket-mode` client (and so to Bolt).
 *
 * It attaches to an HTTP server owned by the Web API half, which calls `openConnectionUrl` from
 * `apps.connections.open`. Behaviour follows Slack's: one-use tickets, a `hello` on connect, at
 * most 10 sockets per app, each envelope to one connection (round-robin), redelivery of un-acked
 * events with `retry_attempt`/`retry_reason` (fields only events carry), server pings,
 * `disconnect` messages, and each connection refreshed after its lifetime (`refresh_requested`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { AckTimeoutError } from './ack-timeout';
import type { HttpDelivery } from './http-delivery';
import type { SendOptions, SocketModeAck, SocketModeEnvelope } from './types';

export { AckTimeoutError } from './ack-timeout';
export type { SendOptions } from './types';

/** Path of the WebSocket endpoint, as on `wss-primary.slack.com/link/`. */
export const SOCKET_MODE_PATH = '/link/';
/** Slack allows at most 10 open Socket Mode connections per app. */
export const MAX_CONNECTIONS_PER_APP = 10;
/** Slack's `hello` announces an approximate connection time of 18,060 s (about 5 hours). */
export const DEFAULT_CONNECTION_LIFETIME_MS = 18_060_000;

/** Why the server asks a client to go away, as in Slack's `disconnect` message. */
export type DisconnectReason = 'refresh_requested' | 'warning' | 'too_many_websockets' | 'link_disabled';

/** Options of `createSocketModeServer`. */
export interface SocketModeServerOptions {
  /** Server to attach to: the WebSocket server listens to its `upgrade` events on `/link/`. */
  httpServer: Server;
  /** App id sent in `hello` and in event payloads. Default `A0EMULATOR`. */
  appId?: string;
  /** Workspace id used in `events_api` payloads. Default `T0EMULATOR`. */
  teamId?: string;
  /** Bot user id listed in the `authorizations` of `events_api` payloads. Default `U0EMULATORBOT`. */
  botUserId?: string;
  /** The Enterprise Grid org of the workspace (`E…`), carried by `events_api` payloads; none by default. */
  enterpriseId?: string;
  /** Whom `sendEvent` addresses, read at each send; overrides `teamId`, `botUserId` and `enterpriseId` (an install may change it). */
  authorization?: () => EventAuthorization;
  /** Interval of server pings. Default 10 000 ms (the client gives up after 30 s without one). */
  pingIntervalMs?: number;
  /** How long one delivery attempt waits for its ack before redelivery. Default 3 000 ms (Slack's 3 s). */
  ackTimeoutMs?: number;
  /** Redeliveries per Events API envelope. Default 3, as Slack retries events three times. */
  maxRetries?: number;
  /** Lifetime of a ticket URL from `openConnectionUrl`. Default 30 000 ms. */
  ticketTtlMs?: number;
  /** One way's network delay in ms, drawn per message (envelopes out, acks in); none by default. */
  latency?: () => number;
  /**
   * How long a connection lives before the server asks the client to refresh it (a
   * `refresh_requested` disconnect), as Slack recycles every connection after a few hours.
   * Default {@link DEFAULT_CONNECTION_LIFETIME_MS}, the `approximate_connection_time` of `hello`.
   */
  connectionLifetimeMs?: number;
  /** How long a connection asked to refresh may stay open before the server closes it. Default 10 000 ms. */
  refreshGraceMs?: number;
  /**
   * Called with each send's envelope and the ack that settles it, before the send resolves:
   * what Slack does next (a view_submission's response_action) happens before the caller looks.
   */
  onAck?: (envelope: SocketModeEnvelope, ack: SocketModeAck) => void;
}

/**
 * Whom an event is for: one workspace the app is installed in. Slack's single Socket Mode
 * connection carries the events of every workspace, each with its own `team_id` and
 * `authorizations` (the app's bot user in that workspace).
 */
export interface EventAuthorization {
  teamId: string;
  botUserId: string;
  /** The workspace's Enterprise Grid org, if any. */
  enterpriseId?: string;
  /** The app was installed on the whole org rather than on this workspace. */
  isEnterpriseInstall?: boolean;
}

/** The sends that belong to one workspace (see `SocketModeServer.forTeam`). */
export type TeamSocket = Pick<SocketModeServer, 'sendEvent' | 'eventCallback' | 'sendEventCallback' | 'sendInteractive'>;

/** One envelope written to one connection (each delivery attempt is recorded). */
export interface SocketModeDelivery {
  envelope: SocketModeEnvelope;
  connectionId: number;
  sentAt: number;
}

/** The Socket Mode server; see `createSocketModeServer`. */
export interface SocketModeServer {
  /** Called by `apps.connections.open`: a one-use ticket URL `ws://host/link/?ticket=…`; tickets expire after 30 s. */
  openConnectionUrl(hostHeader: string): string;
  /**
   * Sends an Events API envelope with the payload built as Slack does. Resolves with the ack once one
   * arrives (possibly for a redelivery); rejects with `AckTimeoutError` after the last retry times out.
   */
  sendEvent(event: Record<string, unknown>, opts?: SendOptions): Promise<SocketModeAck>;
  /**
   * The `event_callback` payload Slack would wrap `event` in (a new `event_id`), without sending
   * it: give it to `sendEventCallback`, as many times and in whatever order a test needs, to
   * deliver repeats (the same `event_id`) and out-of-order events as Slack may.
   */
  eventCallback(event: Record<string, unknown>): Record<string, unknown>;
  /** Sends a callback built by `eventCallback` as an `events_api` envelope. */
  sendEventCallback(callback: Record<string, unknown>, opts?: SendOptions): Promise<SocketModeAck>;
  /**
   * Sends an `interactive` envelope (block_actions, view_submission, view_closed, shortcut…) and
   * resolves with the ack. Slack does not redeliver interactions (the user sees an error after 3 s),
   * so the default here is no retry; pass `maxRetries` to change that.
   */
  sendInteractive(payload: Record<string, unknown>, opts?: SendOptions): Promise<SocketModeAck>;
  /**
   * The same sends for another workspace of the app: events carry its `team_id`, enterprise
   * and `authorizations`, read from `authorization()` at each send (an install may change them).
   */
  forTeam(authorization: () => EventAuthorization): TeamSocket;
  /** Sends a `slash_commands` envelope (`accepts_response_payload: true`); no retry by default, as for interactions. */
  sendSlashCommand(payload: Record<string, unknown>, opts?: SendOptions): Promise<SocketModeAck>;
  /**
   * Sends `{"type":"disconnect","reason":…}` on every open socket and nothing more on them; the
   * client is expected to close and reconnect.
   */
  disconnectAll(reason: DisconnectReason): void;
  /** Terminates every socket abruptly (no close frame), as a network drop would. */
  dropAll(): void;
  /** When false, client pings get no pong (to exercise the client's dead-link detection). */
  setAnswerPings(answer: boolean): void;
  /** Replaces the network delay (ms per message, each way); `() => 0` for none. */
  setLatency(latency: () => number): void;
  /** Open (admitted) connections right now. */
  connectionCount(): number;
  /** Resolves when at least `n` connections are open; rejects after `timeoutMs` (default 10 s). */
  waitForConnections(n: number, timeoutMs?: number): Promise<void>;
  /** Every ack received, in order, including acks for unknown or already-acked envelopes. */
  readonly acks: readonly SocketModeAck[];
  /** Every envelope written to a socket, one entry per delivery attempt. */
  readonly deliveries: readonly SocketModeDelivery[];
  /**
   * Sends every envelope from now on as a signed HTTP request instead (http-delivery.ts), as
   * Slack does for an app without Socket Mode; `undefined` goes back to Socket Mode. Acks keep
   * their shape (`connectionId` -1) and are recorded in `acks`; `deliveries` lists socket writes only.
   */
  setHttpDelivery(delivery: HttpDelivery | undefined): void;
  /** Clears timers, rejects pending sends, terminates sockets and closes the WebSocket server (not the HTTP server). */
  close(): Promise<void>;
}

interface Connection {
  id: number;
  socket: WebSocket;
  /** Asked to refresh: Slack sends it nothing new while the client opens its replacement. */
  draining: boolean;
  timers: NodeJS.Timeout[];
}

/** One logical send, across its delivery attempts. */
interface PendingSend {
  type: SocketModeEnvelope['type'];
  payload: Record<string, unknown>;
  acceptsResponsePayload: boolean;
  ackTimeoutMs: number;
  maxRetries: number;
  /** 0 for the first delivery, then one more per redelivery. */
  attempt: number;
  /** The envelope of the current attempt. */
  envelope: SocketModeEnvelope;
  /** Every envelope id used so far: a late ack of an earlier attempt still counts. */
  envelopeIds: string[];
  timer?: NodeJS.Timeout;
  resolve(ack: SocketModeAck): void;
  reject(error: Error): void;
}

/**
 * Creates the Socket Mode server and attaches it to `options.httpServer`.
 * The HTTP server stays owned by the caller: `close()` leaves it running.
 */
export function createSocketModeServer(options: SocketModeServerOptions): SocketModeServer {
  const appId = options.appId ?? 'A0EMULATOR';
  const teamId = options.teamId ?? 'T0EMULATOR';
  const botUserId = options.botUserId ?? 'U0EMULATORBOT';
  const enterpriseId = options.enterpriseId ?? null;
  const pingIntervalMs = options.pingIntervalMs ?? 10_000;
  const defaultAckTimeoutMs = options.ackTimeoutMs ?? 3_000;
  const defaultEventRetries = options.maxRetries ?? 3;
  const ticketTtlMs = options.ticketTtlMs ?? 30_000;
  const connectionLifetimeMs = options.connectionLifetimeMs ?? DEFAULT_CONNECTION_LIFETIME_MS;
  const refreshGraceMs = options.refreshGraceMs ?? 10_000;
  const httpServer = options.httpServer;

  // autoPong off: pongs are sent by hand so that setAnswerPings(false) can starve the client.
  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  /** ticket → expiry time (ms since epoch). */
  const tickets = new Map<string, number>();
  const connections = new Map<number, Connection>();
  const pendingByEnvelopeId = new Map<string, PendingSend>();
  /** Attempts made while no connection was open; flushed when one opens. */
  const waitingForConnection: PendingSend[] = [];
  /** Emits `change` whenever the set of open connections changes. */
  const connectionEvents = new EventEmitter();
  const acks: SocketModeAck[] = [];
  const deliveries: SocketModeDelivery[] = [];
  let nextConnectionId = 0;
  let roundRobin = 0;
  let answerPings = true;
  let closed = false;
  let latency = options.latency ?? (() => 0);
  let httpDelivery: HttpDelivery | undefined;

  /** Runs `deliver` after one way's network delay (at once when there is none, as before). */
  function afterTravel(deliver: () => void): void {
    const delay = latency();
    if (delay <= 0) deliver();
    else setTimeout(deliver, delay).unref();
  }

  const pingTimer = setInterval(pingAll, pingIntervalMs);
  // Pings alone should not keep a process alive.
  pingTimer.unref();

  httpServer.on('upgrade', onUpgrade);
  wss.on('connection', onConnection);

  // ---- connection handling ----

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname !== SOCKET_MODE_PATH) {
      // Another module may own this path; answer only when nobody else listens.
      if (httpServer.listenerCount('upgrade') === 1) rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (closed || !consumeTicket(url.searchParams.get('ticket'))) {
      rejectUpgrade(socket, 401, 'Unauthorized');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  }

  function onConnection(socket: WebSocket): void {
    // Errors on one socket (resets, bad frames) must never take the emulator down.
    socket.on('error', () => socket.terminate());
    if (connections.size >= MAX_CONNECTIONS_PER_APP) {
      sendJson(socket, disconnectMessage('too_many_websockets'));
      socket.close(1000, 'too_many_websockets');
      return;
    }
    const connection: Connection = { id: nextConnectionId++, socket, draining: false, timers: [] };
    connections.set(connection.id, connection);
    connection.timers.push(unrefTimer(() => requestRefresh(connection), connectionLifetimeMs));
    socket.on('ping', (data: Buffer) => {
      if (answerPings && socket.readyState === WebSocket.OPEN) socket.pong(data);
    });
    socket.on('message', (data: RawData, isBinary: boolean) => onMessage(connection, data, isBinary));
    socket.on('close', () => {
      for (const timer of connection.timers) clearTimeout(timer);
      connections.delete(connection.id);
      connectionEvents.emit('change');
    });
    sendJson(socket, helloMessage());
    connectionEvents.emit('change');
    flushWaiting();
  }

  function consumeTicket(ticket: string | null): boolean {
    if (ticket === null) return false;
    const expiresAt = tickets.get(ticket);
    tickets.delete(ticket);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  function openConnections(): Connection[] {
    return [...connections.values()].filter((c) => c.socket.readyState === WebSocket.OPEN);
  }

  /**
   * The connection's lifetime is over: ask the client to refresh, send it nothing more, and
   * close it after the grace period if the client has not.
   */
  function requestRefresh(connection: Connection): void {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    sendJson(connection.socket, disconnectMessage('refresh_requested'));
    connection.draining = true;
    connection.timers.push(unrefTimer(() => connection.socket.close(1000, 'refresh_requested'), refreshGraceMs));
  }

  function pickConnection(): Connection | undefined {
    const open = openConnections().filter((c) => !c.draining);
    if (open.length === 0) return undefined;
    const chosen = open[roundRobin % open.length];
    roundRobin += 1;
    return chosen;
  }

  function pingAll(): void {
    for (const { socket } of openConnections()) socket.ping();
  }

  // ---- messages ----

  function helloMessage(): Record<string, unknown> {
    return {
      type: 'hello',
      num_connections: openConnections().length,
      debug_info: { host: 'emulator', build_number: 1, approximate_connection_time: Math.round(connectionLifetimeMs / 1000) },
      connection_info: { app_id: appId },
    };
  }

  function disconnectMessage(reason: DisconnectReason): Record<string, unknown> {
    return { type: 'disconnect', reason, num_connections: openConnections().length, debug_info: { host: 'emulator' }, connection_info: { app_id: appId } };
  }

  function onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) return;
    const text = rawDataToString(data);
    // An ack counts when it reaches Slack, after its way back.
    afterTravel(() => receiveAck(connection, text));
  }

  function receiveAck(connection: Connection, text: string): void {
    if (closed) return;
    const ack = parseAck(text, connection.id);
    if (ack === undefined) return;
    acks.push(ack);
    const pending = pendingByEnvelopeId.get(ack.envelope_id);
    if (pending === undefined) return;
    settle(pending, (p) => {
      options.onAck?.(p.envelope, ack);
      p.resolve(ack);
    });
  }

  // ---- sending envelopes ----

  function send(
    type: SocketModeEnvelope['type'],
    payload: Record<string, unknown>,
    defaultRetries: number,
    opts: SendOptions | undefined,
  ): Promise<SocketModeAck> {
    if (closed) return Promise.reject(new Error('Socket Mode server is closed'));
    if (httpDelivery) {
      return httpDelivery.send(type, payload, defaultRetries, opts).then(({ envelope, ack }) => {
        acks.push(ack);
        options.onAck?.(envelope, ack);
        return ack;
      });
    }
    // Slack's samples: only slash commands accept a response payload in the ack.
    const acceptsResponsePayload = type === 'slash_commands';
    return new Promise<SocketModeAck>((resolve, reject) => {
      const pending: PendingSend = {
        type,
        payload,
        acceptsResponsePayload,
        ackTimeoutMs: opts?.ackTimeoutMs ?? defaultAckTimeoutMs,
        maxRetries: opts?.maxRetries ?? defaultRetries,
        attempt: opts?.retryAttempt ?? 0,
        envelope: buildEnvelope(type, payload, acceptsResponsePayload, opts?.retryAttempt ?? 0),
        envelopeIds: [],
        resolve,
        reject,
      };
      startAttempt(pending);
    });
  }

  /**
   * Each attempt owns a window of `ackTimeoutMs`: it is written to a connection now, or as soon as one
   * opens within the window. Past the window the next attempt starts, or the send fails.
   */
  function startAttempt(pending: PendingSend): void {
    const { envelope } = pending;
    pending.envelopeIds.push(envelope.envelope_id);
    pendingByEnvelopeId.set(envelope.envelope_id, pending);
    pending.timer = setTimeout(() => onAttemptTimeout(pending), pending.ackTimeoutMs);
    dispatch(pending);
  }

  function onAttemptTimeout(pending: PendingSend): void {
    removeFromWaiting(pending);
    const { attempt } = pending;
    if (attempt < pending.maxRetries) {
      // A redelivery is a new envelope (new id) carrying the same payload, so the same event_id.
      pending.attempt = attempt + 1;
      pending.envelope = buildEnvelope(pending.type, pending.payload, pending.acceptsResponsePayload, pending.attempt);
      startAttempt(pending);
      return;
    }
    settle(pending, (p) => p.reject(new AckTimeoutError(p.type, attempt + 1)));
  }

  function dispatch(pending: PendingSend): void {
    const connection = pickConnection();
    if (connection === undefined) {
      waitingForConnection.push(pending);
      return;
    }
    // The ack deadline runs from here: the envelope's way to the app counts against it, as on Slack.
    const { envelope } = pending;
    deliveries.push({ envelope, connectionId: connection.id, sentAt: Date.now() });
    afterTravel(() => {
      if (connection.socket.readyState === WebSocket.OPEN) sendJson(connection.socket, envelope);
    });
  }

  function flushWaiting(): void {
    const waiting = waitingForConnection.splice(0);
    for (const pending of waiting) dispatch(pending);
  }

  function removeFromWaiting(pending: PendingSend): void {
    const index = waitingForConnection.indexOf(pending);
    if (index >= 0) waitingForConnection.splice(index, 1);
  }

  /** Ends a send once: stops its timer, forgets its envelope ids, then resolves or rejects it. */
  function settle(pending: PendingSend, finish: (p: PendingSend) => void): void {
    clearTimeout(pending.timer);
    removeFromWaiting(pending);
    for (const id of pending.envelopeIds) pendingByEnvelopeId.delete(id);
    finish(pending);
  }

  function buildEnvelope(
    type: SocketModeEnvelope['type'],
    payload: Record<string, unknown>,
    acceptsResponsePayload: boolean,
    attempt: number,
  ): SocketModeEnvelope {
    const envelope: SocketModeEnvelope = { envelope_id: randomUUID(), type, payload, accepts_response_payload: acceptsResponsePayload };
    // Only Events API envelopes say which attempt they are; Slack sends an empty reason on the first.
    if (type !== 'events_api') return envelope;
    return { ...envelope, retry_attempt: attempt, retry_reason: attempt === 0 ? '' : 'timeout' };
  }

  const fixedAuthorization: EventAuthorization = { teamId, botUserId, ...(enterpriseId === null ? {} : { enterpriseId }) };
  const defaultAuthorization = options.authorization ?? (() => fixedAuthorization);

  /** The `event_callback` wrapper Slack puts around an event; built once so retries keep the same event_id. */
  function eventCallback(event: Record<string, unknown>, authorization: EventAuthorization = defaultAuthorization()): Record<string, unknown> {
    const team = authorization.teamId;
    const enterprise = authorization.enterpriseId ?? null;
    return {
      token: 'emulator-verification-token',
      team_id: team,
      // Slack adds the org's id to every event of a Grid workspace.
      ...(enterprise === null ? {} : { enterprise_id: enterprise }),
      api_app_id: appId,
      event,
      type: 'event_callback',
      event_id: `Ev${randomId(10)}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: enterprise,
          team_id: team,
          user_id: authorization.botUserId,
          is_bot: true,
          is_enterprise_install: authorization.isEnterpriseInstall ?? false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${Buffer.from(JSON.stringify({ et: event['type'], tid: team, aid: appId })).toString('base64url')}`,
    };
  }

  // ---- lifecycle ----

  function waitForConnections(n: number, timeoutMs = 10_000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (connectionCount() < n) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`expected ${n} Socket Mode connection(s), have ${connectionCount()} after ${timeoutMs} ms`));
      }, timeoutMs);
      const onClosed = (): void => {
        cleanup();
        reject(new Error('Socket Mode server closed'));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        connectionEvents.off('change', check);
        connectionEvents.off('closed', onClosed);
      };
      connectionEvents.on('change', check);
      connectionEvents.on('closed', onClosed);
      check();
    });
  }

  function connectionCount(): number {
    return openConnections().length;
  }

  function close(): Promise<void> {
    if (closed) return Promise.resolve();
    closed = true;
    httpDelivery?.close();
    clearInterval(pingTimer);
    httpServer.off('upgrade', onUpgrade);
    const error = new Error('Socket Mode server closed');
    for (const pending of new Set(pendingByEnvelopeId.values())) settle(pending, (p) => p.reject(error));
    connectionEvents.emit('closed');
    for (const socket of wss.clients) socket.terminate();
    return new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  return {
    openConnectionUrl(hostHeader: string): string {
      pruneExpiredTickets(tickets);
      const ticket = randomUUID();
      tickets.set(ticket, Date.now() + ticketTtlMs);
      return `ws://${hostHeader}${SOCKET_MODE_PATH}?ticket=${ticket}&app_id=${appId}`;
    },
    sendEvent: (event, opts) => send('events_api', eventCallback(event), defaultEventRetries, opts),
    eventCallback: (event) => eventCallback(event),
    forTeam: (authorization) => ({
      sendEvent: (event, opts) => send('events_api', eventCallback(event, authorization()), defaultEventRetries, opts),
      eventCallback: (event) => eventCallback(event, authorization()),
      sendEventCallback: (callback, opts) => send('events_api', callback, defaultEventRetries, opts),
      sendInteractive: (payload, opts) => send('interactive', payload, 0, opts),
    }),
    sendEventCallback: (callback, opts) => send('events_api', callback, defaultEventRetries, opts),
    sendInteractive: (payload, opts) => send('interactive', payload, 0, opts),
    sendSlashCommand: (payload, opts) => send('slash_commands', payload, 0, opts),
    disconnectAll(reason: DisconnectReason): void {
      for (const connection of openConnections()) {
        sendJson(connection.socket, disconnectMessage(reason));
        // Slack sends nothing more on a connection it told to go.
        connection.draining = true;
      }
    },
    dropAll(): void {
      for (const socket of wss.clients) socket.terminate();
    },
    setAnswerPings(answer: boolean): void {
      answerPings = answer;
    },
    setLatency(next: () => number): void {
      latency = next;
    },
    setHttpDelivery(delivery) {
      if (httpDelivery !== delivery) httpDelivery?.close();
      httpDelivery = delivery;
    },
    connectionCount,
    waitForConnections,
    acks,
    deliveries,
    close,
  };
}

// ---- helpers ----

/** A timer that does not keep the process alive (lifetimes run for hours). */
function unrefTimer(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(callback, ms);
  timer.unref();
  return timer;
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function sendJson(socket: WebSocket, message: unknown): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function rawDataToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `{"envelope_id":…,"payload":{…}}`; anything else from the client is ignored, as Slack does. */
function parseAck(text: string, connectionId: number): SocketModeAck | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed['envelope_id'] !== 'string') return undefined;
  const payload = isRecord(parsed['payload']) ? parsed['payload'] : {};
  return { envelope_id: parsed['envelope_id'], payload, connectionId, receivedAt: Date.now() };
}

function pruneExpiredTickets(tickets: Map<string, number>): void {
  const now = Date.now();
  for (const [ticket, expiresAt] of tickets) if (expiresAt <= now) tickets.delete(ticket);
}

/** Upper-case alphanumerics, like Slack's ids. */
function randomId(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(length);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}
