/**
 * One Ashby API call over HTTP: Basic auth with the key, Ashby's versioned Accept header,
 * retries with backoff and jitter for 429 (honouring Retry-After), 5xx and network failures,
 * and Ashby's `{success, results | errorInfo}` envelope turned into a result or an AshbyApiError.
 * The key is only ever in the Authorization header: never logged, never in an error.
 */
import type { Logger } from '../../../platform/logger';
import type { AshbyErrorKind } from '../ashby-api.types';
import { AshbyApiError, withoutKey } from './ashby-api.error';

export interface RetryOptions {
  /** Attempts in all, the first included (4 by default). */
  maxAttempts?: number;
  /** First backoff delay for 5xx and network failures (500 ms by default); doubles per attempt. */
  baseDelayMs?: number;
  /** Longest backoff delay (30 s by default). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails as rate_limited (60 s by default). */
  maxRetryAfterMs?: number;
  /** Per-attempt timeout (30 s by default). */
  timeoutMs?: number;
}

export interface TransportOptions {
  baseUrl: string;
  logger: Logger;
  retry?: RetryOptions;
  /** Waits between attempts; injectable so tests do not wait for real. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1) (Math.random by default). */
  random?: () => number;
}

/** Ashby's `success: false` codes that mean "this sync token cannot be used: read everything again". */
const SYNC_RESTART_CODES = new Set(['sync_token_expired', 'incremental_sync_too_large', 'sync_token_invalid']);
const ACCEPT = 'application/json; version=1';

export type AshbyCall = (endpoint: string, body: Record<string, unknown>) => Promise<Record<string, unknown>>;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the call function for one API key. It resolves with the whole success envelope
 * (`results`, `moreDataAvailable`, …) and throws AshbyApiError for everything else.
 */
export function createAshbyCall(apiKey: string, options: TransportOptions): AshbyCall {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const maxAttempts = Math.max(1, options.retry?.maxAttempts ?? 4);
  const baseDelayMs = options.retry?.baseDelayMs ?? 500;
  const maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 60_000;
  const timeoutMs = options.retry?.timeoutMs ?? 30_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const authorization = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
  const log = options.logger;

  /** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
  const backoff = (attempt: number): number => {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  };

  const fail = (
    endpoint: string,
    kind: AshbyErrorKind,
    message: string,
    extra: { status?: number; ashbyCode?: string; attempts?: number; cause?: unknown } = {},
  ): AshbyApiError => new AshbyApiError({ kind, endpoint, message: withoutKey(message, apiKey), ...extra });

  return async function call(endpoint, body) {
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/${endpoint}`, {
          method: 'POST',
          headers: { authorization, accept: ACCEPT, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (thrown) {
        const reason = withoutKey(describeNetworkFailure(thrown), apiKey);
        if (attempt < maxAttempts) {
          const delayMs = backoff(attempt);
          log.warn({ endpoint, attempt, delayMs, reason }, 'Ashby could not be reached; retrying');
          await sleep(delayMs);
          continue;
        }
        throw fail(endpoint, 'network', `Ashby ${endpoint}: no answer after ${attempt} attempts (${reason})`, { attempts: attempt, cause: thrown });
      }

      const text = await response.text().catch(() => '');
      const envelope = parseEnvelope(text);
      const ashby = ashbyError(envelope);

      if (response.status === 429 || response.status >= 500) {
        const rateLimited = response.status === 429;
        const retryAfterMs = rateLimited ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
        const kind: AshbyErrorKind = rateLimited ? 'rate_limited' : 'server';
        const tooLong = retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs;
        if (attempt < maxAttempts && !tooLong) {
          const delayMs = retryAfterMs ?? backoff(attempt);
          log.warn(
            { endpoint, status: response.status, attempt, delayMs, ashbyCode: ashby.code },
            rateLimited ? 'Ashby rate limit; retrying after the delay it asked for' : 'Ashby server error; retrying',
          );
          await sleep(delayMs);
          continue;
        }
        const why = tooLong ? `asked to wait ${Math.ceil(retryAfterMs / 1000)} s` : `after ${attempt} attempts`;
        throw fail(
          endpoint,
          kind,
          `Ashby ${endpoint} answered ${response.status} (${ashby.message ?? (rateLimited ? 'rate limited' : 'server error')}), ${why}`,
          {
            status: response.status,
            ashbyCode: ashby.code,
            attempts: attempt,
          },
        );
      }

      if (response.status === 401 || response.status === 403) {
        const kind: AshbyErrorKind = response.status === 401 ? 'unauthorized' : 'forbidden';
        const fallback = response.status === 401 ? 'no API key was accepted' : 'the API key is wrong, deactivated or lacks a permission';
        throw fail(endpoint, kind, `Ashby ${endpoint} answered ${response.status}: ${ashby.message ?? fallback}`, {
          status: response.status,
          ashbyCode: ashby.code,
          attempts: attempt,
        });
      }

      if (envelope === undefined) {
        throw fail(endpoint, 'bad_response', `Ashby ${endpoint} answered ${response.status} with something that is not Ashby's JSON format`, {
          status: response.status,
          attempts: attempt,
        });
      }
      if (response.ok && envelope.success === true) return envelope;

      const kind: AshbyErrorKind =
        ashby.code !== undefined && SYNC_RESTART_CODES.has(ashby.code)
          ? 'sync_token_expired'
          : ashby.code === 'missing_endpoint_permission'
            ? 'forbidden'
            : 'bad_response';
      throw fail(endpoint, kind, `Ashby ${endpoint} refused the request (${ashby.code ?? `HTTP ${response.status}`}): ${ashby.message ?? 'no message'}`, {
        status: response.status,
        ashbyCode: ashby.code,
        attempts: attempt,
      });
    }
  };
}

function parseEnvelope(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Ashby's error code and message: `errorInfo` first, then the deprecated `errors` list. */
function ashbyError(envelope: Record<string, unknown> | undefined): { code?: string; message?: string } {
  if (!envelope) return {};
  const info = envelope.errorInfo;
  if (typeof info === 'object' && info !== null) {
    const { code, message } = info as Record<string, unknown>;
    return {
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof message === 'string' ? { message: message.slice(0, 300) } : {}),
    };
  }
  const errors = envelope.errors;
  if (Array.isArray(errors) && typeof errors[0] === 'string') return { code: errors[0], message: errors[0] };
  return {};
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function describeNetworkFailure(thrown: unknown): string {
  if (thrown instanceof Error) {
    if (thrown.name === 'TimeoutError') return 'timed out';
    const cause = (thrown as { cause?: { code?: unknown } }).cause;
    if (cause && typeof cause.code === 'string') return cause.code;
    return thrown.message;
  }
  return 'unknown failure';
}
