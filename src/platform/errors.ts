/**
 * Errors that carry a string `code`, context and a `cause`, as Bolt's CodedError does.
 * Expected outcomes are results, not errors: throw these only for bugs and infrastructure.
 */
export class ConnectorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The store (MongoDB) could not be reached or answered with an infrastructure error. */
export class StoreUnavailableError extends ConnectorError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('store_unavailable', message, context, options);
  }
}

/** The embedded store could not be built or started. */
export class EmbeddedStoreError extends ConnectorError {}

/** Slack refused a token at start in a way no retry can fix. */
export class SlackAuthError extends ConnectorError {}

/** Normalises anything thrown into an Error, so handlers can log it uniformly. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
}
