/**
 * What a failed Slack call means for a delivery: wait and try again, pause everything, give
 * up on this notification, or retry with backoff. One table, so the worker's decisions are
 * read in one place (Slack's error lists: chat.postMessage, conversations.open,
 * conversations.history method pages).
 */
import { ErrorCode } from '@slack/web-api';

export type SlackFailure =
  /** 429: wait `retryAfterMs`, then the same call again (order per member kept). */
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** The bot token no longer works: pause all delivery until it does; keep everything queued. */
  | { kind: 'token'; error: string }
  /** The cached DM channel is gone (or never was ours): open the DM again, once. */
  | { kind: 'stale_channel'; error: string }
  /** Retrying will not help (the user cannot receive DMs, the request is wrong): `failed` with the error. */
  | { kind: 'permanent'; error: string }
  /**
   * Slack or the network failed: retry with backoff. `mayHaveArrived` when the request may
   * have reached Slack (a timeout, a reset connection, a 5xx after the body was sent).
   */
  | { kind: 'transient'; error: string; mayHaveArrived: boolean };

/**
 * Errors of the token or the workspace: no notification can be delivered while they last.
 * `account_inactive` with a bot token means the workspace or the app's bot user is gone.
 * (`missing_scope` is not one: auth.test would answer and delivery would never stay paused;
 * it fails the notification with the error, which tells the admin what to add.)
 */
const TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive']);

/** The DM channel id we cached no longer leads anywhere. */
const STALE_CHANNEL_ERRORS = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);

/** Slack's own "try again later" answers with HTTP 200. */
const TRANSIENT_PLATFORM_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export function classifySlackError(error: unknown): SlackFailure {
  const e = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: unknown }; original?: { code?: string; message?: string } } | undefined;
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1_000 };
    case ErrorCode.PlatformError: {
      const code = typeof e.data?.error === 'string' ? e.data.error : 'unknown_error';
      // Slack also answers a rate limit with HTTP 200 and one of these (no Retry-After: wait a second).
      if (code === 'ratelimited' || code === 'rate_limited') return { kind: 'rate_limited', retryAfterMs: 1_000 };
      if (TOKEN_ERRORS.has(code)) return { kind: 'token', error: code };
      if (STALE_CHANNEL_ERRORS.has(code)) return { kind: 'stale_channel', error: code };
      if (TRANSIENT_PLATFORM_ERRORS.has(code)) return { kind: 'transient', error: code, mayHaveArrived: true };
      return { kind: 'permanent', error: code };
    }
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      // 4xx other than 429 (which the SDK turns into RateLimitedError) will fail again.
      if (status >= 400 && status < 500 && status !== 408) return { kind: 'permanent', error: `http_${status}` };
      return { kind: 'transient', error: `http_${status}`, mayHaveArrived: true };
    }
    case ErrorCode.RequestError: {
      const cause = e.original?.code ?? 'request_error';
      // A refused connection never reached Slack; anything later (reset, timeout) might have.
      return { kind: 'transient', error: cause.toLowerCase(), mayHaveArrived: cause !== 'ECONNREFUSED' && cause !== 'ENOTFOUND' };
    }
    default:
      return { kind: 'transient', error: error instanceof Error ? error.message : String(error), mayHaveArrived: true };
  }
}
