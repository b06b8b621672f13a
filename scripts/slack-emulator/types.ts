/**
 * Shared types of the Slack emulator. The emulator is split in three modules that meet here:
 * - `web-api/*` and `emulator.ts`: the HTTP Web API, workspace state, rate limits, faults;
 * - `socket-mode.ts`: the Socket Mode WebSocket server (envelopes, acks, retries, disconnects);
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
  /** Which connection acknowledged (index in the order connections were opened). */
  connectionId: number;
  receivedAt: number;
}
