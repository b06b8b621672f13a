/**
 * The Slack emulator: one node:http server speaking Slack's Web API at `/api/<method>`,
 * hosting the Socket Mode WebSocket, Slack's OAuth v2 authorize page, file uploads and
 * downloads, and a few control routes under `/_emulator/`. It serves one app installed (or
 * not yet) in several workspaces: each token names its workspace, each workspace has its own
 * state, rate limits and faults, and one Socket Mode connection carries the events of all.
 * It enforces Slack's auth rules and rate limits, injects faults on demand and records every
 * call, so integration tests run the real Bolt app against it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { answerControl } from './control';
import { FaultQueue, type FaultSpec } from './faults';
import { oneWay, type NetworkLatency } from './latency';
import { createSocketModeServer, type SocketModeServer, type SocketModeServerOptions } from './socket-mode';
import { createHttpDelivery, type HttpDelivery, type HttpDeliveryOptions, type HttpDeliveryRecord, type UrlVerificationResult } from './http-delivery';
import { METHODS, SlackApiError, type MethodSpec, type TokenKind } from './methods';
import { DOWNLOAD_PATH, readFileForDownload, receiveUpload, UPLOAD_PATH } from './methods/files';
import { BodyTooLargeError, bearerToken, decodeArgsForRecord, parseApiRequest, parseUploadBody, readBody } from './methods/request';
import { applySubmissionAck } from './modal-stack';
import { VERIFICATION_TOKEN, type EventBuilders } from './payloads';
import { AUTHORIZE_PATH, OAuthApp, type OAuthOptions, type PageReply } from './oauth';
import { RateLimiter } from './rate-limits';
import { manifestAppName, missingScopeAnswer, type TokenScopes } from './scopes';
import {
  IdSequence,
  parseSeed,
  type Seed,
  type SeedUser,
  type SlackFile,
  type SlackMessage,
  type SlackUser,
  type SlackView,
  type WorkspaceState,
} from './state';
import { createTeamHandle, type SlackTeamEmulator, type TeamHandleContext } from './team-handle';
import { defaultsForTeam, startsInstalled, TeamRuntime } from './team-runtime';
import { TokenRegistry, type IssuedToken } from './tokens';
import { listen } from '../listen';

export type { FaultSpec } from './faults';
export type { SlackTeamEmulator } from './team-handle';
export type { OAuthOptions } from './oauth';

export interface SlackEmulatorOptions {
  /** Interface to listen on; `127.0.0.1` by default. */
  host?: string;
  /** Port; `0` (the default) picks a free one. */
  port?: number;
  /** The primary workspace; defaults fill whatever is missing. */
  seed?: Seed;
  /**
   * More workspaces besides the primary `seed`; each gets its own users, groups, channels,
   * views, bot user, bot token, rate limiters and faults. They start without the app unless
   * their seed says `installed: true`.
   */
  teams?: Seed[];
  /**
   * The app's configured scopes, over the seeds' `scopes`, in every workspace. By default the
   * bot token holds exactly manifest.json's bot scopes and the app token `connections:write`.
   */
  scopes?: Partial<TokenScopes>;
  /** The primary workspace's bot token (its first one, if it starts uninstalled). */
  botToken?: string;
  appToken?: string;
  /**
   * The app's OAuth credentials. Defaults: clientId `emulator-client-id`, clientSecret
   * `emulator-client-secret`. With `redirectUris`, redirect_uri must be one of them (Slack's
   * `bad_redirect_uri`); without, any http(s) URL is accepted.
   */
  oauth?: OAuthOptions;
  /** Multiplies every rate limit (tests use e.g. 50); 1 is Slack's own figures. */
  rateLimitScale?: number;
  /**
   * How the app receives: Socket Mode (the default), or signed HTTP requests to its Request
   * URLs (see `useHttpDelivery`; a test usually sets that after the app listens).
   */
  delivery?: { mode: 'socket' } | ({ mode: 'http' } & HttpDeliveryOptions);
  /** Passed to the Socket Mode server (`ackTimeoutMs` and `maxRetries` apply to HTTP delivery too). */
  socket?: Pick<SocketModeServerOptions, 'pingIntervalMs' | 'ackTimeoutMs' | 'maxRetries' | 'connectionLifetimeMs' | 'refreshGraceMs'>;
  /** The clock in milliseconds, for trigger expiry, rate limits, OAuth codes and timestamps. */
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
  /**
   * Pages served beside Slack's routes (the sandbox's), asked only for paths the emulator
   * itself does not answer; resolves false to let the emulator answer 404.
   */
  pages?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}

export type { NetworkLatency } from './latency';

/** What a token turned out to be: one of the app's tokens (bot, app-level, a user's), none, or something else. */
export type CallTokenKind = TokenKind | 'none' | 'invalid';

/** One Web API call as the emulator received and answered it. */
export interface RecordedCall {
  method: string;
  /** Arguments without the token, JSON-encoded values decoded. */
  args: Record<string, unknown>;
  tokenKind: CallTokenKind;
  /** The workspace whose token made the call (none for the app-level token, no token or an unknown one). */
  teamId?: string;
  status: number;
  response: Record<string, unknown>;
  /** The emulator clock when the call arrived (ms). */
  at: number;
}

export interface RevokeOptions {
  bot?: boolean;
  app?: boolean;
  /** The workspace's user tokens; like `bot` unless said. */
  user?: boolean;
  /** What calls with a revoked token answer; `token_revoked` by default. */
  error?: 'token_revoked' | 'invalid_auth';
}

/**
 * The emulator. Its per-workspace members (state, botToken, events, messagesTo…) act on the
 * primary workspace (the `seed` option); `team(id)` has the same for any workspace.
 */
export interface SlackEmulator {
  /** `http://127.0.0.1:PORT/api/`, for `slackApiUrl` / `SLACK_API_URL`. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  readonly port: number;
  /** The primary workspace's bot token (the configured one while the app is not installed there). */
  readonly botToken: string;
  readonly appToken: string;
  /**
   * Sends events, interactions and commands (and receives their acks): over the Socket Mode
   * connection, or, after `useHttpDelivery`, as signed HTTP requests.
   */
  readonly socket: SocketModeServer;
  /** How the app receives right now. */
  readonly delivery: 'socket' | 'http';
  /**
   * From now on, `socket.sendEvent`, `sendEventCallback`, `sendInteractive`, `sendSlashCommand`
   * (and each workspace's `socket`) POST signed requests to the app's Request URL(s), as Slack
   * does for an app with Socket Mode off; the acks they resolve with keep their shape.
   */
  useHttpDelivery(requestUrl: string, signingSecret: string, options?: Omit<HttpDeliveryOptions, 'requestUrl' | 'signingSecret'>): void;
  /** Back to Socket Mode. */
  useSocketModeDelivery(): void;
  /** Sends Slack's `url_verification` challenge to the events Request URL, as when it is entered in the app config. */
  verifyRequestUrl(): Promise<UrlVerificationResult>;
  /** Every HTTP request sent to the app (each attempt, url_verification included), oldest first. */
  readonly httpRequests: readonly HttpDeliveryRecord[];
  readonly state: WorkspaceState;
  /** Every Web API call, of every workspace, oldest first. */
  readonly calls: readonly RecordedCall[];
  /** The calls of one method, of every workspace. */
  callsOf(method: string): RecordedCall[];
  /** The handle of any workspace (primary included); throws for an unknown id. */
  team(teamId: string): SlackTeamEmulator;
  /** Every workspace, the primary first. */
  readonly teams: readonly SlackTeamEmulator[];
  /** Adds a workspace (without the app unless its seed says `installed: true`); throws for a team id already served. */
  addTeam(seed: Seed): SlackTeamEmulator;
  /** The app's OAuth credentials and where its install flow starts. */
  readonly oauth: { clientId: string; clientSecret: string; authorizeUrl: string };
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
  /** A fault for every call, of every workspace and the app-level token. */
  injectFault(method: string, fault: FaultSpec): void;
  /** How many calls of `method` the faults from `injectFault` still wait for: 0 once a call has taken them (before a delay ends). */
  faultsWaiting(method: string): number;
  /** Clears every fault, the workspaces' own included. */
  clearFaults(): void;
  setRateLimitScale(scale: number): void;
  /** Changes the network delay (see `SlackEmulatorOptions.latency`); `undefined` for none. */
  setLatency(latency: NetworkLatency | undefined): void;
  /** Makes calls with the primary workspace's tokens and the app-level token fail as after an uninstall. */
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

type CallStart = Omit<RecordedCall, 'status' | 'response'>;

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Who made a call: the kind of token, and for a workspace token its workspace and entry. */
interface Caller {
  kind: CallTokenKind;
  team?: TeamRuntime;
  issued?: IssuedToken;
}

/** Starts an emulator; resolves once it listens. */
export async function createSlackEmulator(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const now = options.now ?? Date.now;
  const configuredBotToken = options.botToken ?? DEFAULT_BOT_TOKEN;
  const appToken = options.appToken ?? DEFAULT_APP_TOKEN;
  const triggerTtlMs = options.triggerTtlMs ?? DEFAULT_TRIGGER_TTL_MS;
  let rateLimitScale = options.rateLimitScale ?? 1;
  const ids = new IdSequence(now);
  const tokens = new TokenRegistry();
  const runtimes: TeamRuntime[] = [];
  const handles: SlackTeamEmulator[] = [];
  const calls: RecordedCall[] = [];
  /** Faults for every call; each workspace has its own too. */
  const faults = new FaultQueue();
  /** The app-level token is the app's: shared by the workspaces, with its own rate limits. */
  const appLimiter = new RateLimiter({ scale: rateLimitScale, now });
  let appRevoked: string | undefined;
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

  const newRuntime = (seed: Seed | undefined, index: number): TeamRuntime =>
    new TeamRuntime({
      seed,
      now,
      ids,
      defaults: defaultsForTeam(index, runtimes[0]?.state.app.appId),
      ...(options.scopes ? { scopes: options.scopes } : {}),
      rateLimitScale,
      triggerTtlMs,
      openSocketUrl: (hostHeader) => socket.openConnectionUrl(hostHeader),
      tokens,
      installed: startsInstalled(seed, index === 0),
      ...(index === 0 ? { firstBotToken: configuredBotToken } : {}),
    });
  const primary = newRuntime(options.seed, 0);
  runtimes.push(primary);
  const { state } = primary;

  const socket = createSocketModeServer({
    httpServer: server,
    appId: state.app.appId,
    teamId: state.team.id,
    botUserId: state.app.botUserId,
    authorization: () => primary.authorization(),
    latency: () => travel(),
    ...options.socket,
    // Slack applies a view_submission's response_action to the user's modals once the app acks.
    onAck: (envelope, ack) => {
      if (envelope.type !== 'interactive' || envelope.payload.type !== 'view_submission') return;
      const team = envelope.payload.team;
      const teamId = isObject(team) && typeof team.id === 'string' ? team.id : undefined;
      applySubmissionAck(findRuntime(teamId)?.state ?? state, envelope.payload, ack.payload);
    },
  });
  const httpRequests: HttpDeliveryRecord[] = [];
  /** Set while the app receives over HTTP. */
  let httpDelivery: HttpDelivery | undefined;
  function useHttpDelivery(deliveryOptions: HttpDeliveryOptions): void {
    httpDelivery = createHttpDelivery(deliveryOptions, {
      now,
      latency: () => travel(),
      ackTimeoutMs: options.socket?.ackTimeoutMs ?? 3_000,
      verificationToken: VERIFICATION_TOKEN,
      records: httpRequests,
    });
    socket.setHttpDelivery(httpDelivery);
  }
  if (options.delivery?.mode === 'http') useHttpDelivery(options.delivery);
  const { port, urlHost } = await listen(server, options.host, options.port);
  const baseUrl = `http://${urlHost}:${port}`;
  const handleContext: TeamHandleContext = {
    calls,
    socket,
    baseUrl,
    host: `${urlHost}:${port}`,
    now,
    nextTriggerNumber: () => {
      triggerCounter += 1;
      return triggerCounter;
    },
  };
  handles.push(createTeamHandle(primary, handleContext));
  const primaryHandle = handles[0] as SlackTeamEmulator;

  const oauth = new OAuthApp(options.oauth, {
    teams: () => runtimes,
    findTeam: (teamId) => findRuntime(teamId),
    appName: manifestAppName() ?? state.app.botName,
    appId: state.app.appId,
    now,
  });

  function findRuntime(teamId: string | undefined): TeamRuntime | undefined {
    return teamId === undefined ? undefined : runtimes.find((runtime) => runtime.teamId === teamId);
  }

  function addTeam(seed: Seed): SlackTeamEmulator {
    const index = runtimes.length;
    const teamId = parseSeed(seed).team?.id ?? defaultsForTeam(index, undefined).team?.id;
    if (findRuntime(teamId)) throw new Error(`the emulator already serves team ${teamId}`);
    const appId = parseSeed(seed).app?.app_id;
    if (appId !== undefined && appId !== state.app.appId)
      throw new Error(`team ${teamId}: one app has one app_id in every workspace (${state.app.appId}), not ${appId}`);
    const runtime = newRuntime(seed, index);
    runtimes.push(runtime);
    const handle = createTeamHandle(runtime, handleContext);
    handles.push(handle);
    return handle;
  }
  for (const seed of options.teams ?? []) addTeam(seed);

  function callerOf(token: string | undefined): Caller {
    if (token === undefined) return { kind: 'none' };
    if (token === appToken) return { kind: 'app' };
    const issued = tokens.find(token);
    const team = issued === undefined ? undefined : findRuntime(issued.teamId);
    return issued && team ? { kind: issued.kind, team, issued } : { kind: 'invalid' };
  }

  /** Slack's auth errors, in Slack's order; undefined when the call may proceed. */
  function authError(caller: Caller, spec: MethodSpec): string | undefined {
    const { kind, team } = caller;
    if (kind === 'none') return 'not_authed';
    if (kind === 'invalid') return 'invalid_auth';
    const revokedError = caller.issued?.revokedError ?? (kind === 'app' ? appRevoked : team?.testRevocations.get(kind));
    if (revokedError !== undefined) return revokedError;
    if (accountInactive || team?.accountInactive) return 'account_inactive';
    if (kind !== spec.token && !(kind === 'user' && spec.userToken)) return 'not_allowed_token_type';
    return undefined;
  }

  /**
   * A message to a user id goes to the DM with that user: key DMs by the user so both
   * spellings (U… and D…) share the per-channel limit, even before the DM exists.
   */
  function rateLimitChannel(teamState: WorkspaceState, channel: unknown): string | undefined {
    if (typeof channel !== 'string') return undefined;
    const dm = teamState.channels.get(channel);
    return dm?.is_im && dm.user !== undefined ? dm.user : channel;
  }

  /** Answers one Web API call: parse, faults, method, auth, scopes, rate limit, handler. */
  async function answerApi(req: IncomingMessage, method: string): Promise<{ call: CallStart; reply: Reply }> {
    const at = now();
    const started = (caller: Caller, args: Record<string, unknown>): CallStart => ({
      method,
      args,
      tokenKind: caller.kind,
      ...(caller.team ? { teamId: caller.team.teamId } : {}),
      at,
    });
    let parsed;
    try {
      parsed = await parseApiRequest(req, await readBody(req));
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      return { call: started(callerOf(bearerToken(req)), {}), reply: errorReply(error) };
    }
    const { args, token } = parsed;
    const caller = callerOf(token);
    const call = started(caller, decodeArgsForRecord(args));
    const answer = (reply: Reply) => ({ call, reply });
    const fault = caller.team?.faults.take(method) ?? faults.take(method);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.status !== undefined) return answer(faultReply(fault));
    if (fault?.error !== undefined) return answer(slackError(fault.error));
    // The code exchange needs no token: the client credentials authenticate it.
    if (method === 'oauth.v2.access') return answer({ status: 200, body: oauth.exchange(args, req.headers.authorization) });
    const spec = METHODS[method];
    if (!spec) return answer({ status: 200, body: { ok: false, error: 'unknown_method', req_method: method } });
    const denied = authError(caller, spec);
    if (denied !== undefined) return answer(slackError(denied));
    const { team, issued } = caller;
    const kind = caller.kind as TokenKind;
    const held = team && issued ? team.scopesOf(issued) : primary.state.scopes.app;
    const needed = typeof spec.scope === 'function' ? spec.scope(args) : spec.scope;
    if (needed !== undefined && !held.includes(needed)) return answer({ status: 200, body: missingScopeAnswer(needed, held) });
    // Slack's limits are per workspace and app; the app-level token's are the app's.
    const limiter = team?.limiter ?? appLimiter;
    const decision = limiter.check(method, token ?? '', team ? rateLimitChannel(team.state, args.channel) : undefined);
    if (!decision.allowed) {
      return answer({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(decision.retryAfterSeconds) } });
    }
    try {
      const result = await spec.handler({
        args,
        services: (team ?? primary).services,
        host: req.headers.host ?? `${urlHost}:${port}`,
        scopes: new Set(held),
        caller: { kind, ...(kind === 'user' && issued ? { userId: issued.userId } : {}) },
      });
      return answer({ status: 200, body: { ok: true, ...result } });
    } catch (error) {
      if (error instanceof SlackApiError) return answer(errorReply(error));
      throw error;
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname;
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
    } else if (path === AUTHORIZE_PATH && req.method === 'GET') {
      sendPage(res, oauth.authorizePage(url.searchParams));
    } else if (path === AUTHORIZE_PATH && req.method === 'POST') {
      sendPage(res, oauth.decide(new URLSearchParams((await readBody(req)).toString('utf8'))));
    } else if (path.startsWith(UPLOAD_PATH) && req.method === 'POST') {
      const fileId = path.slice(UPLOAD_PATH.length);
      const owner = runtimes.find((runtime) => runtime.state.files.has(fileId));
      const bytes = await parseUploadBody(req, await readBody(req));
      const stored = owner ? receiveUpload(owner.state, fileId, bytes) : undefined;
      res.writeHead(stored ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(stored ? `OK - ${stored.file.size}` : 'Not Found');
    } else if (path.startsWith(DOWNLOAD_PATH)) {
      serveDownload(req, res, path);
    } else if (path.startsWith('/_emulator/')) {
      send(res, await answerControl(req, path.slice('/_emulator/'.length), emulator));
    } else if (!(await options.pages?.(req, res, url))) {
      send(res, { status: 404, body: { ok: false, error: 'not_found' } });
    }
  }

  /**
   * Files need a bot token of their workspace in the Authorization header, and the token
   * needs `files:read`. Without either Slack answers a sign-in page with HTTP 200, not an
   * error: emulate that so code that skips the header, or an app without the scope, notices.
   */
  function serveDownload(req: IncomingMessage, res: ServerResponse, path: string): void {
    const caller = callerOf(bearerToken(req));
    const team = caller.kind === 'bot' && caller.issued?.revokedError === undefined ? caller.team : undefined;
    if (!team || team.testRevocations.has('bot') || !team.state.scopes.bot.includes('files:read')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Sign in | Slack</title></head><body>Sign in to your workspace</body></html>');
      return;
    }
    const stored = readFileForDownload(team.state, path);
    if (!stored?.bytes) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('File not found');
    } else {
      res.writeHead(200, { 'content-type': stored.file.mimetype, 'content-length': String(stored.bytes.length) });
      res.end(stored.bytes);
    }
  }

  const emulator: SlackEmulator = {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    port,
    get botToken() {
      return primary.botToken ?? configuredBotToken;
    },
    appToken,
    socket,
    get delivery() {
      return httpDelivery ? 'http' : 'socket';
    },
    useHttpDelivery: (requestUrl, signingSecret, more = {}) => useHttpDelivery({ ...more, requestUrl, signingSecret }),
    useSocketModeDelivery() {
      httpDelivery = undefined;
      socket.setHttpDelivery(undefined);
    },
    async verifyRequestUrl() {
      if (!httpDelivery) throw new Error('the app receives over Socket Mode: call useHttpDelivery first');
      return httpDelivery.verifyUrl();
    },
    httpRequests,
    state,
    calls,
    callsOf: (method) => calls.filter((call) => call.method === method),
    team(teamId) {
      const handle = handles.find((candidate) => candidate.teamId === teamId);
      if (!handle) throw new Error(`the emulator serves no team ${teamId} (it serves ${handles.map((candidate) => candidate.teamId).join(', ')})`);
      return handle;
    },
    teams: handles,
    addTeam,
    oauth: { clientId: oauth.clientId, clientSecret: oauth.clientSecret, authorizeUrl: `${baseUrl}${AUTHORIZE_PATH}` },
    issueTriggerId: (userId) => primaryHandle.issueTriggerId(userId),
    interactionPayload: (userId, fields) => primaryHandle.interactionPayload(userId, fields),
    events: primaryHandle.events,
    injectFault: (method, fault) => faults.inject(method, fault),
    faultsWaiting: (method) => faults.waiting(method),
    clearFaults() {
      faults.clear();
      for (const runtime of runtimes) runtime.faults.clear();
    },
    setRateLimitScale(scale) {
      appLimiter.setScale(scale);
      for (const runtime of runtimes) runtime.limiter.setScale(scale);
      rateLimitScale = scale;
    },
    setLatency(latency) {
      travel = oneWay(latency);
    },
    revokeTokens(revokeOptions = {}) {
      const error = revokeOptions.error ?? 'token_revoked';
      const bot = revokeOptions.bot ?? true;
      if (bot || revokeOptions.user) primaryHandle.revokeTokens({ bot, user: revokeOptions.user ?? bot, error });
      if (revokeOptions.app ?? true) appRevoked = error;
    },
    restoreTokens() {
      primaryHandle.restoreTokens();
      appRevoked = undefined;
    },
    setAccountInactive(inactive) {
      accountInactive = inactive;
    },
    addUser: (user) => primaryHandle.addUser(user),
    updateUser: (userId, patch) => primaryHandle.updateUser(userId, patch),
    messagesTo: (userId) => primaryHandle.messagesTo(userId),
    homeViewOf: (userId) => primaryHandle.homeViewOf(userId),
    modalStackOf: (userId) => primaryHandle.modalStackOf(userId),
    viewErrorsOf: (viewId) => primaryHandle.viewErrorsOf(viewId),
    addFile: (input) => primaryHandle.addFile(input),
    recordLogin: (userId, atSeconds) => primaryHandle.recordLogin(userId, atSeconds),
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

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...JSON_HEADERS, ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

function sendPage(res: ServerResponse, reply: PageReply): void {
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
}
