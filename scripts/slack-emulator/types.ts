/**
 * Shared types of the Slack emulator. The emulator is split in three modules that meet here:
 * - `web-api/*` and `emulator.ts`: the HTTP Web API, workspace state, rate limits, faults;
 * - `socket-mode.ts`: the Socket Mode WebSocket server (envelopes, acks, retries, disconnects),
 *   and `http-delivery.ts`, the same sends as signed HTTP requests to the app's Request URLs;
 * - `block-kit.ts`: Block Kit validation as Slack applies it (pure functions).
 */

/** Where a list of blocks is shown; the limits differ per surface. */
export type BlockSurface = 'message' | 'modal' | 'home';

/** One problem in a Block Kit payload, in Slack's own wording where known. */
export interface BlockKitProblem {
  /** JSON pointer to the offending field, e.g. `/blocks/0/text/text`. */
  pointer: string;
  /** What is wrong, e.g. `must be less than 3001 characters`. */
  message: string;
}

/** A Socket Mode envelope as Slack sends it. */
export interface SocketModeEnvelope {
  envelope_id: string;
  type: 'events_api' | 'interactive' | 'slash_commands';
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  /** On `events_api` envelopes only: Slack retries events, never interactions or commands. */
  retry_attempt?: number;
  /** On `events_api` envelopes only; `''` on the first attempt. */
  retry_reason?: string;
}

/** What the app answered for one envelope. */
export interface SocketModeAck {
  envelope_id: string;
  /** The `payload` of the ack message; `{}` for a bare ack. */
  payload: Record<string, unknown>;
  /**
   * Which connection acknowledged (index in the order connections were opened);
   * -1 (`HTTP_CONNECTION_ID`) when the ack was the HTTP answer to a request.
   */
  connectionId: number;
  receivedAt: number;
}

/** Per-send overrides of the ack timeout and retry count (Socket Mode and HTTP delivery alike). */
export interface SendOptions {
  ackTimeoutMs?: number;
  maxRetries?: number;
  /**
   * The attempt number of the first delivery: above 0, the envelope is Slack's redelivery of
   * one sent before (`retry_attempt`, `retry_reason: timeout`; over HTTP `X-Slack-Retry-Num`,
   * `X-Slack-Retry-Reason: http_timeout`), e.g. a callback sent again.
   */
  retryAttempt?: number;
}
