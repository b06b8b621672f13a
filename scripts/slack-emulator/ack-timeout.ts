/** The rejection of a send that Slack gave up on, over Socket Mode or HTTP. */
import type { SocketModeEnvelope } from './types';

/** Rejection of a send whose every delivery attempt went un-acked (or, over HTTP, was answered with an error). */
export class AckTimeoutError extends Error {
  constructor(
    readonly envelopeType: SocketModeEnvelope['type'],
    readonly attempts: number,
    /** Over HTTP: why the last attempt failed (Slack's retry reason, e.g. `http_error`, with the status). */
    readonly lastFailure?: string,
  ) {
    super(`no ack for ${envelopeType} envelope after ${attempts} attempt(s)${lastFailure ? ` (last: ${lastFailure})` : ''}`);
    this.name = 'AckTimeoutError';
  }
}
