/**
 * What a failed Web API call means, in one vocabulary for every caller, and one helper that
 * waits out Slack's rate limits for jobs that only want to wait.
 *
 * The WebClient (8.x, on fetch) throws four kinds of error, told apart by `code`
 * (`ErrorCode`): `WebAPIPlatformError` (Slack answered `ok: false`; its `error` is in
 * `data.error`), `WebAPIRateLimitedError` (HTTP 429 with Retry-After, seconds in `retryAfter`,
 * thrown when the client has `rejectRateLimitedCalls: true`), `WebAPIHTTPError` (another
 * non-200 status, in `statusCode`) and `WebAPIRequestError` (no answer: `original` is fetch's
 * `TypeError('fetch failed')` whose `cause` carries the socket's code, such as ECONNREFUSED,
 * or a `DOMException` named `TimeoutError` when the client's `timeout` ran out).
 * `code` is checked rather than `instanceof`, as the SDK's own `WebAPICallError` union does.
 */
import { ErrorCode, type WebAPICallError, type WebAPICallResult } from '@slack/web-api';

export type SlackErrorClass =
  /** Slack said "not now": wait `retryAfterMs`, then the same call may succeed. */
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** The token itself no longer works (revoked, expired, its workspace or user gone): no call will succeed. */
  | { kind: 'token'; code: string }
  /** Slack answered with its own error (`code`, e.g. `users_not_found`) and did nothing; the same call fails again. */
  | { kind: 'platform'; code: string; data: PlatformErrorData }
  /** Slack answered an HTTP status a retry will not change (4xx other than 408); it did nothing. */
  | { kind: 'http'; code: `http_${number}`; status: number }
  /**
   * Slack or the network failed; a later try may work. `mayHaveArrived` unless the request
   * certainly never reached Slack (refused connection, unknown host): a timeout, a reset
   * connection, a 5xx or Slack's `internal_error` may follow a call Slack carried out.
   * `via` says where it came from; `status` is the HTTP status when `via` is `http`.
   */
  | { kind: 'transient'; code: string; mayHaveArrived: boolean; via: 'platform' | 'http' | 'network'; status?: number }
  /** Not a Web API error at all (a bug, or another library's error). */
  | { kind: 'unknown'; error: unknown };

/** Slack's whole answer to a refused call: `error`, and whatever else it said (`needed`, `provided`, `response_metadata`). */
export type PlatformErrorData = WebAPICallResult & { error: string; [field: string]: unknown };

/**
 * Slack errors of the token or its workspace: nothing can be done with this token while they
 * last. `account_inactive` with a bot token means the workspace or the app's bot user is gone.
 * (`missing_scope` is not one: the token works for other methods. `not_allowed_token_type` is
 * not one either: `team.billableInfo` answers it to any bot token.)
 */
export const TOKEN_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'team_disabled',
  'user_removed_from_team',
]);

/** Slack's own "try again later" answers with HTTP 200 (each may follow a partly done operation). */
const TRANSIENT_PLATFORM_ERRORS: ReadonlySet<string> = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Slack's rate-limit answers with HTTP 200 and no Retry-After (`chat.postMessage` documents `rate_limited`). */
const RATE_LIMIT_PLATFORM_ERRORS: ReadonlySet<string> = new Set(['ratelimited', 'rate_limited']);

/** Socket errors before any byte was sent: the request never reached Slack. */
const NEVER_SENT_NETWORK_ERRORS: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Waited after a rate-limit answer without Retry-After, and the least waited after one with it. */
const MIN_RATE_LIMIT_WAIT_MS = 1_000;

/** Classifies anything a Web API call threw; see {@link SlackErrorClass}. */
export function classifySlackError(error: unknown): SlackErrorClass {
  const e = asWebApiError(error);
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterMs: Math.max(MIN_RATE_LIMIT_WAIT_MS, (Number(e.retryAfter) || 0) * 1_000) };
    case ErrorCode.PlatformError: {
      const code = typeof e.data?.error === 'string' ? e.data.error : 'unknown_error';
      const data: PlatformErrorData = { ...e.data, ok: false, error: code };
      if (RATE_LIMIT_PLATFORM_ERRORS.has(code)) return { kind: 'rate_limited', retryAfterMs: MIN_RATE_LIMIT_WAIT_MS };
      if (TOKEN_ERRORS.has(code)) return { kind: 'token', code };
      if (TRANSIENT_PLATFORM_ERRORS.has(code)) return { kind: 'transient', code, mayHaveArrived: true, via: 'platform' };
      return { kind: 'platform', code, data };
    }
    case ErrorCode.HTTPError: {
      const status = Number(e.statusCode) || 0;
      const code = `http_${status}` as const;
      // (A 429 never gets here: the SDK throws WebAPIRateLimitedError, or a plain Error when Retry-After is unusable.)
      // 408 is the server giving up waiting for the request: it may have been carried out.
      if (status >= 400 && status < 500 && status !== 408) return { kind: 'http', code, status };
      return { kind: 'transient', code, mayHaveArrived: true, via: 'http', status };
    }
    case ErrorCode.RequestError: {
      const code = networkErrorCode(e.original);
      return { kind: 'transient', code: code.toLowerCase(), mayHaveArrived: !NEVER_SENT_NETWORK_ERRORS.has(code), via: 'network' };
    }
    default:
      return { kind: 'unknown', error };
  }
}

/** Slack's error string (`data.error`) when Slack answered `ok: false`, whatever it means; undefined otherwise. */
export function slackErrorCode(error: unknown): string | undefined {
  const e = asWebApiError(error);
  return e?.code === ErrorCode.PlatformError && typeof e.data?.error === 'string' ? e.data.error : undefined;
}

export interface RetryAfterOptions {
  /** How many rate-limit answers are waited out; the next one is thrown. 0 throws the first. */
  maxWaits: number;
  /** Waits; injectable so tests (and clocks that jump) need not wait for real. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * How long to wait after `error`, or undefined when it is no rate limit (then it is thrown
   * at once). By default Slack's rate limits, as {@link classifySlackError} sees them; a caller
   * that also talks to another host (an upload URL) adds that host's 429s.
   */
  retryAfterMs?: (error: unknown) => number | undefined;
}

/**
 * Calls `call`, and again after each rate-limit answer once Retry-After has passed, at most
 * `maxWaits` times; rethrows the last rate limit, and any other error at once. For jobs that
 * only want to wait: callers that must answer within Slack's 3 s pass `maxWaits: 0`.
 */
export async function withRetryAfter<T>(call: () => Promise<T>, options: RetryAfterOptions): Promise<T> {
  const { maxWaits, sleep = defaultSleep, retryAfterMs = slackRetryAfterMs } = options;
  if (!Number.isInteger(maxWaits) || maxWaits < 0)
    throw new RangeError(`withRetryAfter: maxWaits must be a whole number of waits, 0 or more (got ${maxWaits})`);
  for (let waits = 0; ; waits += 1) {
    try {
      return await call();
    } catch (error) {
      const waitMs = retryAfterMs(error);
      if (waitMs === undefined || waits >= maxWaits) throw error;
      await sleep(waitMs);
    }
  }
}

/** The wait Slack asks for after `error`, or undefined when it is no rate limit. */
export function slackRetryAfterMs(error: unknown): number | undefined {
  const failure = classifySlackError(error);
  return failure.kind === 'rate_limited' ? failure.retryAfterMs : undefined;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The SDK's error union, read defensively: fields typed by the SDK may still be missing on a thrown value. */
function asWebApiError(error: unknown): Partial<WebAPICallError> | undefined {
  return typeof error === 'object' && error !== null ? (error as Partial<WebAPICallError>) : undefined;
}

/**
 * The network's code for a request that got no answer: fetch puts the socket's code on its
 * error's `cause` (an AggregateError's first error when several addresses were tried); the
 * client's own timeout aborts with a `TimeoutError`.
 */
function networkErrorCode(original: unknown): string {
  const o = original as { name?: unknown; code?: unknown; cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } } | undefined;
  if (o?.name === 'TimeoutError') return 'TIMEOUT';
  for (const code of [o?.code, o?.cause?.code, o?.cause?.errors?.[0]?.code]) if (typeof code === 'string' && code !== '') return code;
  return 'REQUEST_ERROR';
}
