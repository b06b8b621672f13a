/**
 * The Slack emulator: one node:http server speaking Slack's Web API at `/api/<method>`,
 * hosting the Socket Mode WebSocket, file uploads and downloads, and a few control routes
 * under `/_emulator/`. It enforces Slack's auth rules and rate limits, injects faults on
 * demand and records every call, so integration tests run the real Bolt app against it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { AckTimeoutError, createSocketModeServer, type SocketModeServer, type SocketModeServerOptions } from './socket-mode';
import { METHODS, SlackApiError, type MethodServices, type TokenKind } from './methods';
import { createFile, DOWNLOAD_PATH, readFileForDownload, receiveUpload, UPLOAD_PATH } from './methods/files';
import { BodyTooLargeError, bearerToken, decodeArgsForRecord, parseApiRequest, parseUploadBody, readBody } from './methods/request';
import { applySubmissionAck } from './modal-stack';
import { eventBuilders, interactionPayload, type EventBuilders } from './payloads';
import { RateLimiter } from './rate-limits';
import { missingScopeAnswer, type TokenScopes } from './scopes';
import type { SocketModeAck } from './types';
import { WorkspaceState, type Seed, type SeedUser, type SlackFile, type SlackMessage, type SlackUser, type SlackView } from './state';
import { listen } from '../listen';

export interface SlackEmulatorOptions {
  /** Interface to listen on; `127.0.0.1` by default. */
  host?: string;
  /** Port; `0` (the default) picks a free one. */
  port?: number;
  /** The workspace; defaults fill whatever is missing. */
  seed?: Seed;
  /**
   * The tokens' scopes, over the seed's `scopes`. By default the bot token holds exactly
   * manifest.json's bot scopes and the app token `connections:write`.
   */
  scopes?: Partial<TokenScopes>;
  botToken?: string;
  appToken?: string;
  /** Multiplies every rate limit (tests use e.g. 50); 1 is Slack's own figures. */
  rateLimitScale?: number;
  /** Passed to the Socket Mode server. */
  socket?: Pick<SocketModeServerOptions, 'pingIntervalMs' | 'ackTimeoutMs' | 'maxRetries' | 'connectionLifetimeMs' | 'refreshGraceMs'>;
  /** The clock in milliseconds, for trigger expiry, rate limits and timestamps. */
  now?: () => number;
  /** How long a trigger id can be exchanged; Slack gives 3 seconds. */
  triggerTtlMs?: number;
  /**
   * The network between the app and Slack: every Web API request and answer, every envelope
   * and every ack travels `eachWayMs` plus up to `jitterMs` more, drawn per message. Trigger
   * ids and the 3-second ack deadline count that time, as on Slack. None by default.
   */
  latency?: NetworkLatency;
  /** Called after each Web API call is answered (the CLI prints them). */
  onCall?: (call: RecordedCall) => void;
}

export interface NetworkLatency {
  eachWayMs: number;
  jitterMs?: number;
}

const LatencySchema = z.object({ eachWayMs: z.number().nonnegative().max(10_000), jitterMs: z.number().nonnegative().max(10_000).optional() });

/** One way's delay drawn from a latency setting. */
function oneWay(latency: NetworkLatency | undefined): () => number {
  if (!latency) return () => 0;
  const { eachWayMs, jitterMs = 0 } = LatencySchema.parse(latency);
  return () => eachWayMs + Math.random() * jitterMs;
}

/** What a token turned out to be: the two tokens the app holds, none, or something else. */
export type CallTokenKind = TokenKind | 'none' | 'invalid';

/** One Web API call as the emulator received and answered it. */
export interface RecordedCall {
  method: string;
  /** Arguments without the token, JSON-encoded values decoded. */
  args: Record<string, unknown>;
  tokenKind: CallTokenKind;
  status: number;
  response: Record<string, unknown>;
  /** The emulator clock when the call arrived (ms). */
  at: number;
}

/**
 * A failure to inject on the next `times` calls of a method (`'*'` for any method).
 * `status` answers that HTTP status (429 with `Retry-After: retryAfter`); `error` answers
 * HTTP 200 `{ok: false, error}`; `delayMs` alone only slows the call down.
 */
export interface FaultSpec {
  times?: number;
  /**
   * Hits each call with this chance (0–1) instead of the next `times` calls, until
   * clearFaults(): "answer 429 to a fifth of calls" is `{status: 429, probability: 0.2}`.
   */
  probability?: number;
  error?: string;
  status?: number;
  retryAfter?: number;
  delayMs?: number;
}

/** Checked on injection, so a bad fault fails where it is written, not on a later call. */
const FaultSpecSchema = z.object({
  times: z.number().int().positive().optional(),
  probability: z.number().gt(0).max(1).optional(),
  error: z.string().min(1).optional(),
  status: z.number().int().min(200).max(599).optional(),
  retryAfter: z.number().int().nonnegative().optional(),
  delayMs: z.number().nonnegative().optional(),
});

export interface RevokeOptions {
  bot?: boolean;
  app?: boolean;
  /** What calls with a revoked token answer; `token_revoked` by default. */
  error?: 'token_revoked' | 'invalid_auth';
}

export interface SlackEmulator {
  /** `http://127.0.0.1:PORT/api/`, for `slackApiUrl` / `SLACK_API_URL`. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  readonly port: number;
  readonly botToken: string;
  readonly appToken: string;
  readonly socket: SocketModeServer;
  readonly state: WorkspaceState;
  /** Every Web API call, oldest first. */
  readonly calls: readonly RecordedCall[];
  /** The calls of one method. */
  callsOf(method: string): RecordedCall[];
  /** A trigger id for `views.open` / `views.push`, valid once for `triggerTtlMs`. */
  issueTriggerId(userId: string): string;
  /**
   * An interactive payload from `userId`, to give `socket.sendInteractive`, built as Slack
   * builds it (payloads.ts): a block action carries the Home, modal or message it came from
   * (found by the fields given, else where the app showed that action), submissions the
   * stored view; a fresh trigger id where Slack gives one. `fields` win.
   */
  interactionPayload(userId: string, fields: { type: string } & Record<string, unknown>): Record<string, unknown>;
  /** Events as Slack sends them for what the workspace holds (the user's Home view, the full user…), for `socket.sendEvent`. */
  readonly events: EventBuilders;
  injectFault(method: string, fault: FaultSpec): void;
  clearFaults(): void;
  setRateLimitScale(scale: number): void;
  /** Changes the network delay (see `SlackEmulatorOptions.latency`); `undefined` for none. */
  setLatency(latency: NetworkLatency | undefined): void;
  /** Makes calls with the app's tokens fail as after an uninstall. */
  revokeTokens(options?: RevokeOptions): void;
  restoreTokens(): void;
  /** While set, every call answers `account_inactive`. */
  setAccountInactive(inactive: boolean): void;
  addUser(user: SeedUser): SlackUser;
  /** Changes a user (e.g. `{deleted: true}`); throws for an unknown id. */
  updateUser(userId: string, patch: Partial<SeedUser>): SlackUser;
  /** Messages in the app's DM with a user, oldest first (metadata included). */
  messagesTo(userId: string): SlackMessage[];
  homeViewOf(userId: string): SlackView | undefined;
  /** The user's open modal stack, root first. */
  modalStackOf(userId: string): SlackView[];
  /**
   * The field errors shown in a view (by block_id) when the app answered its last submission
   * with `response_action: 'errors'`; undefined otherwise. Every applied submission is in
   * `state.submissions`.
   */
  viewErrorsOf(viewId: string): Record<string, string> | undefined;
  /** A file a user uploaded (e.g. through a `file_input`), downloadable with the bot token. */
  addFile(input: { name: string; content: string | Buffer; user: string; title?: string }): SlackFile;
  /** Records a sign-in for `team.accessLogs`. */
  recordLogin(userId: string, atSeconds?: number): void;
  close(): Promise<void>;
}

const DEFAULT_BOT_TOKEN = 'xoxb-emulator-bot-token';
const DEFAULT_APP_TOKEN = 'xapp-1-emulator-app-token';
const DEFAULT_TRIGGER_TTL_MS = 3_000;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

interface QueuedFault {
  spec: FaultSpec;
  remaining: number;
}

type CallStart = Omit<RecordedCall, 'status' | 'response'>;

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Starts an emulator; resolves once it listens. */
export async function createSlackEmulator(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const now = options.now ?? Date.now;
  const botToken = options.botToken ?? DEFAULT_BOT_TOKEN;
  const appToken = options.appToken ?? DEFAULT_APP_TOKEN;
  const state = new WorkspaceState(options.seed, now);
  if (options.scopes?.bot) state.scopes.bot = [...options.scopes.bot];
  if (options.scopes?.app) state.scopes.app = [...options.scopes.app];
  const limiter = new RateLimiter({ scale: options.rateLimitScale ?? 1, now, distributedApp: () => state.team.distributed_app });
  const calls: RecordedCall[] = [];
  const faults = new Map<string, QueuedFault[]>();
  const revoked = new Map<TokenKind, string>();
  let accountInactive = false;
  let triggerCounter = 0;
  let travel = oneWay(options.latency);
  const traveled = () => {
    const delay = travel();
    return delay > 0 ? new Promise((resolve) => setTimeout(resolve, delay)) : Promise.resolve();
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        const tooLarge = error instanceof BodyTooLargeError;
        res.writeHead(tooLarge ? 413 : 500, JSON_HEADERS);
        res.end(JSON.stringify({ ok: false, error: tooLarge ? 'request_too_large' : 'internal_error' }));
      } else {
        res.end();
      }
      if (!(error instanceof BodyTooLargeError)) process.stderr.write(`[slack-emulator] ${(error as Error).stack ?? String(error)}\n`);
    });
  });
  const socket = createSocketModeServer({
    httpServer: server,
    appId: state.app.appId,
    teamId: state.team.id,
    botUserId: state.app.botUserId,
    latency: () => travel(),
    ...(state.team.enterprise_id ? { enterpriseId: state.team.enterprise_id } : {}),
    ...options.socket,
    // Slack applies a view_submission's response_action to the user's modals once the app acks.
    onAck: (envelope, ack) => {
      if (envelope.type === 'interactive' && envelope.payload.type === 'view_submission') applySubmissionAck(state, envelope.payload, ack.payload);
    },
  });
  const { port, urlHost } = await listen(server, options.host, options.port);
  const baseUrl = `http://${urlHost}:${port}`;

  const services: MethodServices = {
    state,
    now,
    triggerTtlMs: options.triggerTtlMs ?? DEFAULT_TRIGGER_TTL_MS,
    openSocketUrl: (hostHeader) => socket.openConnectionUrl(hostHeader),
  };

  function tokenKindOf(token: string | undefined): CallTokenKind {
    if (token === undefined) return 'none';
    if (token === botToken) return 'bot';
    if (token === appToken) return 'app';
    return 'invalid';
  }

  /** Slack's auth errors, in Slack's order; undefined when the call may proceed. */
  function authError(kind: CallTokenKind, required: TokenKind): string | undefined {
    if (kind === 'none') return 'not_authed';
    if (kind === 'invalid') return 'invalid_auth';
    const revokedError = revoked.get(kind);
    if (revokedError !== undefined) return revokedError;
    if (accountInactive) return 'account_inactive';
    if (kind !== required) return 'not_allowed_token_type';
    return undefined;
  }

  /**
   * A message to a user id goes to the DM with that user: key DMs by the user so both
   * spellings (U… and D…) share the per-channel limit, even before the DM exists.
   */
  function rateLimitChannel(channel: unknown): string | undefined {
    if (typeof channel !== 'string') return undefined;
    const dm = state.channels.get(channel);
    return dm?.is_im && dm.user !== undefined ? dm.user : channel;
  }

  function takeFault(method: string): FaultSpec | undefined {
    for (const key of [method, '*']) {
      const queue = faults.get(key);
      const next = queue?.[0];
      if (!queue || !next) continue;
      if (next.spec.probability !== undefined) {
        if (Math.random() < next.spec.probability) return next.spec;
        continue;
      }
      next.remaining -= 1;
      if (next.remaining <= 0) queue.shift();
      return next.spec;
    }
    return undefined;
  }

  /** Answers one Web API call: parse, faults, method, auth, rate limit, handler. */
  async function answerApi(req: IncomingMessage, method: string): Promise<{ call: CallStart; reply: Reply }> {
    const at = now();
    let parsed;
    try {
      parsed = await parseApiRequest(req, await readBody(req));
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      return { call: { method, args: {}, tokenKind: tokenKindOf(bearerToken(req)), at }, reply: errorReply(error) };
    }
    const { args, token } = parsed;
    const call: CallStart = { method, args: decodeArgsForRecord(args), tokenKind: tokenKindOf(token), at };
    const answer = (reply: Reply) => ({ call, reply });
    const fault = takeFault(method);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.status !== undefined) return answer(faultReply(fault));
    if (fault?.error !== undefined) return answer(slackError(fault.error));
    const spec = METHODS[method];
    if (!spec) return answer({ status: 200, body: { ok: false, error: 'unknown_method', req_method: method } });
    const denied = authError(call.tokenKind, spec.token);
    if (denied !== undefined) return answer(slackError(denied));
    const held = state.scopes[spec.token];
    const needed = typeof spec.scope === 'function' ? spec.scope(args) : spec.scope;
    if (needed !== undefined && !held.includes(needed)) return answer({ status: 200, body: missingScopeAnswer(needed, held) });
    const decision = limiter.check(method, token ?? '', rateLimitChannel(args.channel));
    if (!decision.allowed) {
      return answer({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(decision.retryAfterSeconds) } });
    }
    try {
      const result = await spec.handler({ args, services, host: req.headers.host ?? `${urlHost}:${port}`, scopes: new Set(held) });
      return answer({ status: 200, body: { ok: true, ...result } });
    } catch (error) {
      if (error instanceof SlackApiError) return answer(errorReply(error));
      throw error;
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', baseUrl).pathname;
    if (path.startsWith('/api/')) {
      const method = safeDecode(path.slice('/api/'.length)).replace(/\/$/, '');
      // The request reaches Slack, is answered, and the answer travels back.
      await traveled();
      const { call, reply } = await answerApi(req, method);
      await traveled();
      const recorded = { ...call, status: reply.status, response: reply.body };
      calls.push(recorded);
      options.onCall?.(recorded);
      send(res, reply);
    } else if (path.startsWith(UPLOAD_PATH) && req.method === 'POST') {
      const stored = receiveUpload(state, path.slice(UPLOAD_PATH.length), await parseUploadBody(req, await readBody(req)));
      res.writeHead(stored ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(stored ? `OK - ${stored.file.size}` : 'Not Found');
    } else if (path.startsWith(DOWNLOAD_PATH)) {
      serveDownload(req, res, path);
    } else if (path.startsWith('/_emulator/')) {
      send(res, await control(req, path.slice('/_emulator/'.length)));
    } else {
      send(res, { status: 404, body: { ok: false, error: 'not_found' } });
    }
  }

  /**
   * Files need the bot token in the Authorization header, and the token needs `files:read`.
   * Without either Slack answers a sign-in page with HTTP 200, not an error: emulate that so
   * code that skips the header, or an app without the scope, notices.
   */
  function serveDownload(req: IncomingMessage, res: ServerResponse, path: string): void {
    const kind = tokenKindOf(bearerToken(req));
    const stored = readFileForDownload(state, path);
    if (kind !== 'bot' || revoked.has('bot') || !state.scopes.bot.includes('files:read')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Sign in | Slack</title></head><body>Sign in to your workspace</body></html>');
    } else if (!stored?.bytes) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('File not found');
    } else {
      res.writeHead(200, { 'content-type': stored.file.mimetype, 'content-length': String(stored.bytes.length) });
      res.end(stored.bytes);
    }
  }

  /** `/_emulator/*`: drive the emulator by hand (curl) while the connector runs against it. */
  async function control(req: IncomingMessage, route: string): Promise<Reply> {
    const input = req.method === 'POST' ? await readJson(req) : {};
    if (input === undefined) return { status: 400, body: { ok: false, error: 'invalid_json' } };
    const key = `${req.method ?? 'GET'} ${route}`;
    switch (key) {
      case 'GET state':
        return { status: 200, body: { ok: true, ...state.snapshot() } };
      case 'GET calls': {
        const method = new URL(req.url ?? '/', baseUrl).searchParams.get('method');
        return { status: 200, body: { ok: true, calls: method ? emulator.callsOf(method) : calls } };
      }
      case 'POST events':
        if (!isObject(input.event)) return badRequest('body must be {"event": {...}}');
        return deliver(socket.sendEvent(input.event));
      case 'POST interactive':
        if (!isObject(input.payload)) return badRequest('body must be {"payload": {...}}');
        return deliver(socket.sendInteractive(input.payload));
      case 'POST faults': {
        const { method, ...fault } = input;
        const spec = FaultSpecSchema.safeParse(fault);
        if (typeof method !== 'string' || !spec.success) {
          return badRequest(
            'body must be {"method": "chat.postMessage", "times"?: 1, "error"?: "internal_error", "status"?: 503, "retryAfter"?: 5, "delayMs"?: 100}',
          );
        }
        emulator.injectFault(method, spec.data);
        return { status: 200, body: { ok: true } };
      }
      case 'DELETE faults':
        emulator.clearFaults();
        return { status: 200, body: { ok: true } };
      case 'POST latency': {
        const latency = LatencySchema.safeParse(input);
        if (!latency.success) return badRequest('body must be {"eachWayMs": 300, "jitterMs"?: 100}');
        emulator.setLatency(latency.data.eachWayMs === 0 && !latency.data.jitterMs ? undefined : latency.data);
        return { status: 200, body: { ok: true } };
      }
      case 'POST rate-limit-scale':
        if (typeof input.scale !== 'number' || input.scale <= 0) return badRequest('body must be {"scale": 1}');
        emulator.setRateLimitScale(input.scale);
        return { status: 200, body: { ok: true } };
      default:
        return {
          status: 404,
          body: {
            ok: false,
            error: 'not_found',
            routes: [
              'GET state',
              'GET calls?method=',
              'POST events',
              'POST interactive',
              'POST faults',
              'DELETE faults',
              'POST rate-limit-scale',
              'POST latency',
            ],
          },
        };
    }
  }

  const emulator: SlackEmulator = {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    port,
    botToken,
    appToken,
    socket,
    state,
    calls,
    callsOf: (method) => calls.filter((call) => call.method === method),
    issueTriggerId(userId) {
      triggerCounter += 1;
      const triggerId = `${state.nowSeconds()}.${triggerCounter}.${randomBytes(8).toString('hex')}`;
      state.triggers.set(triggerId, { userId, issuedAt: now(), used: false });
      return triggerId;
    },
    interactionPayload: (userId, fields) => interactionPayload({ state, baseUrl, issueTriggerId: (id) => emulator.issueTriggerId(id) }, userId, fields),
    events: eventBuilders(state),
    injectFault(method, fault) {
      const spec = FaultSpecSchema.parse(fault);
      const queue = faults.get(method) ?? [];
      queue.push({ spec, remaining: spec.times ?? 1 });
      faults.set(method, queue);
    },
    clearFaults: () => faults.clear(),
    setRateLimitScale: (scale) => limiter.setScale(scale),
    setLatency(latency) {
      travel = oneWay(latency);
    },
    revokeTokens(revokeOptions = {}) {
      const error = revokeOptions.error ?? 'token_revoked';
      if (revokeOptions.bot ?? true) revoked.set('bot', error);
      if (revokeOptions.app ?? true) revoked.set('app', error);
    },
    restoreTokens: () => revoked.clear(),
    setAccountInactive(inactive) {
      accountInactive = inactive;
    },
    addUser: (user) => state.putUser(user),
    updateUser(userId, patch) {
      const current = state.users.get(userId);
      if (!current) throw new Error(`unknown user ${userId}`);
      const billing = state.billingOverrides.get(userId);
      return state.putUser({
        ...(current as SeedUser),
        ...(billing === undefined ? {} : { billing_active: billing }),
        ...patch,
        profile: { ...current.profile, ...patch.profile },
      });
    },
    messagesTo(userId) {
      const channel = state.dmChannelOf(userId);
      return channel === undefined ? [] : [...(state.messages.get(channel) ?? [])];
    },
    homeViewOf: (userId) => state.homeViews.get(userId),
    modalStackOf: (userId) => (state.modalStacks.get(userId) ?? []).flatMap((id) => state.views.get(id) ?? []),
    viewErrorsOf(viewId) {
      const last = state.submissions.findLast((submission) => submission.viewId === viewId);
      return last?.action === 'errors' ? last.errors : undefined;
    },
    addFile(input) {
      const bytes = Buffer.isBuffer(input.content) ? input.content : Buffer.from(input.content, 'utf8');
      const stored = createFile(state, `${urlHost}:${port}`, { name: input.name, title: input.title, length: bytes.length, user: input.user });
      receiveUpload(state, stored.file.id, bytes);
      stored.completed = true;
      return stored.file;
    },
    recordLogin: (userId, atSeconds) => {
      state.recordLogin(userId, atSeconds);
    },
    async close() {
      await socket.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return emulator;
}

function errorReply(error: SlackApiError): Reply {
  const body: Record<string, unknown> = { ok: false, error: error.code };
  if (error.messages.length > 0) body.response_metadata = { messages: error.messages };
  return { status: 200, body };
}

function slackError(error: string): Reply {
  return { status: 200, body: { ok: false, error } };
}

function faultReply(fault: FaultSpec): Reply {
  const status = fault.status as number;
  if (status === 429) {
    return { status, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(fault.retryAfter ?? 1) } };
  }
  return { status, body: { ok: false, error: fault.error ?? 'internal_error' } };
}

/** Waits for the app's ack of a pushed envelope; a missing ack is an answer, not a crash. */
async function deliver(sending: Promise<SocketModeAck>): Promise<Reply> {
  try {
    return { status: 200, body: { ok: true, ack: await sending } };
  } catch (error) {
    if (error instanceof AckTimeoutError) return { status: 504, body: { ok: false, error: 'no_ack', message: error.message } };
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function badRequest(message: string): Reply {
  return { status: 400, body: { ok: false, error: 'invalid_arguments', message } };
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...JSON_HEADERS, ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

/** A JSON object body; undefined when it is not one. */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const body = await readBody(req);
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
