/**
 * What a failed Slack call means for a delivery: wait and try again, pause everything, give
 * up on this notification, or retry with backoff. One table over the shared classifier
 * (src/slack/slack-error.ts), so the worker's decisions are read in one place (Slack's error
 * lists: chat.postMessage, conversations.open, conversations.history method pages).
 */
import { classifySlackError } from '../../../slack/slack-error';

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

/** The DM channel id we cached no longer leads anywhere. */
const STALE_CHANNEL_ERRORS = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);

/**
 * Token errors (see TOKEN_ERRORS) pause delivery. `missing_scope` does not: auth.test would
 * answer and delivery would never stay paused; it fails the notification with the error,
 * which tells the admin what to add. Anything that is no Slack error is retried as transient.
 */
export function classifyDeliveryFailure(error: unknown): SlackFailure {
  const failure = classifySlackError(error);
  switch (failure.kind) {
    case 'rate_limited':
      return failure;
    case 'token':
      return { kind: 'token', error: failure.code };
    case 'platform':
      return STALE_CHANNEL_ERRORS.has(failure.code) ? { kind: 'stale_channel', error: failure.code } : { kind: 'permanent', error: failure.code };
    case 'http':
      return { kind: 'permanent', error: failure.code };
    case 'transient':
      return { kind: 'transient', error: failure.code, mayHaveArrived: failure.mayHaveArrived };
    case 'unknown':
      return { kind: 'transient', error: error instanceof Error ? error.message : String(error), mayHaveArrived: true };
  }
}
