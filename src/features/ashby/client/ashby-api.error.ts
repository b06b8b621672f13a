/**
 * The one error the Ashby client throws. It carries what the connector acts on (`kind`), the
 * HTTP status and Ashby's own error code, and never the API key: messages built from Ashby's
 * answers pass through `withoutKey` first.
 */
import { ConnectorError } from '../../../platform/errors';
import type { AshbyApiErrorShape, AshbyErrorKind } from '../ashby-api.types';

export interface AshbyApiErrorInit {
  kind: AshbyErrorKind;
  message: string;
  /** The Ashby endpoint called, e.g. `application.list`. */
  endpoint: string;
  status?: number;
  ashbyCode?: string;
  /** How many attempts were made before giving up. */
  attempts?: number;
  cause?: unknown;
}

export class AshbyApiError extends ConnectorError implements AshbyApiErrorShape {
  readonly kind: AshbyErrorKind;
  readonly status?: number;
  readonly ashbyCode?: string;
  readonly endpoint: string;

  constructor(init: AshbyApiErrorInit) {
    super(
      `ashby_${init.kind}`,
      init.message,
      { endpoint: init.endpoint, status: init.status, ashbyCode: init.ashbyCode, attempts: init.attempts },
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.kind = init.kind;
    this.endpoint = init.endpoint;
    if (init.status !== undefined) this.status = init.status;
    if (init.ashbyCode !== undefined) this.ashbyCode = init.ashbyCode;
  }
}

export function isAshbyApiError(error: unknown): error is AshbyApiError {
  return error instanceof AshbyApiError;
}

/** Removes every occurrence of the key from a text that may echo it (Ashby's messages, error causes). */
export function withoutKey(text: string, apiKey: string): string {
  return apiKey.length === 0 ? text : text.split(apiKey).join('[redacted]');
}
