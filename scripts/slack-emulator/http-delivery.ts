/**
 * HTTP delivery: the emulator's events, interactions and slash commands as Slack sends them to
 * an app without Socket Mode, signed POSTs to the app's Request URLs.
 *
 * As Slack does:
 * - every request carries `X-Slack-Request-Timestamp` (seconds) and `X-Slack-Signature`,
 *   `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` keyed with the signing secret;
 * - events are a JSON `event_callback` body; interactions are `application/x-www-form-urlencoded`
 *   with the JSON in one `payload` field; slash commands are form fields;
 * - the answer is the ack: a 2xx (200 for interactions and commands) within 3 s; its body is the
 *   ack's payload (a view_submission's `response_action`, as over Socket Mode);
 * - events that fail (`http_timeout` after 3 s, `http_error` for another status,
 *   `connection_failed`, `unknown_error`) are retried up to 3 times, nearly at once, after 1
 *   minute and after 5 minutes, with `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`; an error
 *   answer with `X-Slack-No-Retry: 1` is not retried; interactions and commands never are;
 * - `url_verification`: the challenge a Request URL must echo before Slack saves it.
 *
 * Stricter than Slack: a timed-out request is aborted (its late answer never counts), and a
 * redirect is an `http_error` (Slack follows up to two).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AckTimeoutError } from './ack-timeout';
import type { SendOptions, SocketModeAck, SocketModeEnvelope } from './types';

/** The `connectionId` of acks that came as HTTP answers: HTTP delivery has no connections. */
export const HTTP_CONNECTION_ID = -1;

/** Slack's retry schedule for events: nearly immediately, after 1 minute, after 5 minutes. */
export const SLACK_RETRY_DELAYS_MS: readonly number[] = [0, 60_000, 300_000];

/** What Slack's requests say they are. */
export const SLACK_USER_AGENT = 'Slackbot 1.0 (+https://api.slack.com/robots)';

/** Where and how the app receives over HTTP (the app config's Request URLs and its Signing Secret). */
export interface HttpDeliveryOptions {
  /** Event Subscriptions → Request URL. */
  requestUrl: string;
  /** Interactivity & Shortcuts → Request URL (and options loads); the events URL by default, as one Bolt endpoint serves both. */
  interactivityUrl?: string;
  /** The slash commands' Request URL; the interactivity URL by default. */
  slashCommandUrl?: string;
  /** Basic Information → App Credentials → Signing Secret. */
  signingSecret: string;
  /** Waits before each retry of an event; Slack's {@link SLACK_RETRY_DELAYS_MS} by default (the last repeats). */
  retryDelaysMs?: readonly number[];
}

/** Why Slack retries an event (`X-Slack-Retry-Reason`). */
export type RetryReason = 'http_timeout' | 'http_error' | 'connection_failed' | 'unknown_error';

/** One HTTP request the emulator sent, with how it ended. */
export interface HttpDeliveryRecord {
  type: SocketModeEnvelope['type'] | 'url_verification';
  url: string;
  /** The request's headers, lower-case names. */
  headers: Record<string, string>;
  body: string;
  /** 0 for the first attempt, else the `X-Slack-Retry-Num` sent. */
  retryNum: number;
  sentAt: number;
  /** The answer's status, once one came in time. */
  status?: number;
  /** Why the attempt failed, if it did. */
  failure?: RetryReason;
}

/** The answer to a `url_verification` request. */
export interface UrlVerificationResult {
  /** The app echoed the challenge (plain text, JSON `{challenge}` or form `challenge=`) with HTTP 200. */
  verified: boolean;
  status?: number;
  body?: string;
  failure?: RetryReason;
}

export interface HttpDelivery {
  /** Delivers one envelope's payload; resolves with its ack (and the envelope it stands for) or rejects with AckTimeoutError. */
  send(
    type: SocketModeEnvelope['type'],
    payload: Record<string, unknown>,
    defaultRetries: number,
    opts: SendOptions | undefined,
  ): Promise<{ envelope: SocketModeEnvelope; ack: SocketModeAck }>;
  /** Sends Slack's `url_verification` to the events Request URL. */
  verifyUrl(): Promise<UrlVerificationResult>;
  /** Aborts every request in flight; their sends reject. */
  close(): void;
}

export interface HttpDeliveryContext {
  /** Slack's clock (ms), for the request timestamps. */
  now: () => number;
  /** One way's network delay (ms), drawn per message. */
  latency: () => number;
  /** How long an attempt waits for its answer (Slack's 3 s). */
  ackTimeoutMs: number;
  /** The app's verification token (the deprecated `token` field of payloads). */
  verificationToken: string;
  /** Where each request is recorded. */
  records: HttpDeliveryRecord[];
}

/** `v0=…`: Slack's signature of a request body sent at `timestampSeconds`. */
export function signSlackRequest(signingSecret: string, timestampSeconds: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${body}`).digest('hex')}`;
}

/** The content type and raw body Slack sends for each kind of envelope. */
function encodeBody(type: SocketModeEnvelope['type'], payload: Record<string, unknown>): { contentType: string; body: string } {
  if (type === 'events_api') return { contentType: 'application/json', body: JSON.stringify(payload) };
  const form =
    type === 'interactive'
      ? new URLSearchParams({ payload: JSON.stringify(payload) })
      : new URLSearchParams(Object.entries(payload).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
  return { contentType: 'application/x-www-form-urlencoded', body: form.toString() };
}

/** The answer's body as an ack payload: JSON objects as they are, a slash command's text as `{text}`, else `{}`. */
function ackPayloadOf(type: SocketModeEnvelope['type'], text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return type === 'slash_commands' ? { text } : {};
}

function failureOf(error: unknown, timedOut: boolean): RetryReason {
  if (timedOut) return 'http_timeout';
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' ? 'connection_failed' : 'unknown_error';
}

export function createHttpDelivery(options: HttpDeliveryOptions, context: HttpDeliveryContext): HttpDelivery {
  const delays = options.retryDelaysMs ?? SLACK_RETRY_DELAYS_MS;
  const urlOf = (type: SocketModeEnvelope['type']): string => {
    if (type === 'events_api') return options.requestUrl;
    const interactivity = options.interactivityUrl ?? options.requestUrl;
    return type === 'slash_commands' ? (options.slashCommandUrl ?? interactivity) : interactivity;
  };
  /** Aborts whatever is in flight (requests and waits) at close. */
  const closing = new AbortController();
  let closed = false;

  interface Attempt {
    record: HttpDeliveryRecord;
    text?: string;
    noRetry?: boolean;
  }

  /** One signed POST; never throws for the app's failures (they are in the record), only at close. */
  async function post(
    type: HttpDeliveryRecord['type'],
    url: string,
    contentType: string,
    body: string,
    retry: { num: number; reason?: RetryReason },
    timeoutMs: number,
  ): Promise<Attempt> {
    const timestamp = Math.floor(context.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'user-agent': SLACK_USER_AGENT,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(options.signingSecret, timestamp, body),
      ...(retry.num > 0 ? { 'x-slack-retry-num': String(retry.num), 'x-slack-retry-reason': retry.reason ?? 'http_timeout' } : {}),
    };
    const record: HttpDeliveryRecord = { type, url, headers, body, retryNum: retry.num, sentAt: Date.now() };
    context.records.push(record);
    // The deadline runs from the send, so both ways of the network count against it, as on Slack.
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([deadline, closing.signal]);
    try {
      await travel(signal);
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
      const text = await response.text();
      await travel(signal);
      record.status = response.status;
      const accepted = type === 'events_api' ? response.status >= 200 && response.status < 300 : response.status === 200;
      if (!accepted) record.failure = 'http_error';
      return { record, text, noRetry: response.headers.get('x-slack-no-retry') === '1' };
    } catch (error) {
      if (closing.signal.aborted) throw new Error('the emulator is closed');
      record.failure = failureOf(error, deadline.aborted);
      return { record };
    }
  }

  function travel(signal: AbortSignal): Promise<void> {
    const delay = context.latency();
    return delay > 0 ? sleep(delay, undefined, { signal }) : Promise.resolve();
  }

  async function send(
    type: SocketModeEnvelope['type'],
    payload: Record<string, unknown>,
    defaultRetries: number,
    opts: SendOptions | undefined,
  ): Promise<{ envelope: SocketModeEnvelope; ack: SocketModeAck }> {
    if (closed) throw new Error('the emulator is closed');
    const maxRetries = opts?.maxRetries ?? defaultRetries;
    const timeoutMs = opts?.ackTimeoutMs ?? context.ackTimeoutMs;
    const { contentType, body } = encodeBody(type, payload);
    let retryNum = opts?.retryAttempt ?? 0;
    let reason: RetryReason | undefined;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const { record, text, noRetry } = await post(type, urlOf(type), contentType, body, { num: retryNum, ...(reason ? { reason } : {}) }, timeoutMs);
      if (!record.failure) {
        const envelope: SocketModeEnvelope = { envelope_id: randomUUID(), type, payload, accepts_response_payload: type === 'slash_commands' };
        if (type === 'events_api') Object.assign(envelope, { retry_attempt: retryNum, retry_reason: reason ?? (retryNum > 0 ? 'http_timeout' : '') });
        const ack: SocketModeAck = {
          envelope_id: envelope.envelope_id,
          payload: ackPayloadOf(type, text ?? ''),
          connectionId: HTTP_CONNECTION_ID,
          receivedAt: Date.now(),
        };
        return { envelope, ack };
      }
      const lastFailure = record.status === undefined ? record.failure : `${record.failure} ${record.status}`;
      // Slack retries events only; an app may decline the retries of an error it answered.
      if (type !== 'events_api' || noRetry || retryNum >= maxRetries) throw new AckTimeoutError(type, attempts, lastFailure);
      reason = record.failure;
      retryNum += 1;
      const wait = delays[Math.min(retryNum - 1, delays.length - 1)] ?? 0;
      if (wait > 0) {
        try {
          await sleep(wait, undefined, { signal: closing.signal });
        } catch {
          throw new Error('the emulator is closed');
        }
      }
    }
  }

  async function verifyUrl(): Promise<UrlVerificationResult> {
    const challenge = randomUUID().replaceAll('-', '');
    const body = JSON.stringify({ token: context.verificationToken, challenge, type: 'url_verification' });
    const { record, text } = await post('url_verification', options.requestUrl, 'application/json', body, { num: 0 }, context.ackTimeoutMs);
    const answered = record.status === 200 && text !== undefined && echoes(text, challenge);
    return {
      verified: answered,
      ...(record.status === undefined ? {} : { status: record.status }),
      ...(text === undefined ? {} : { body: text }),
      ...(record.failure ? { failure: record.failure } : {}),
    };
  }

  return {
    send,
    verifyUrl,
    close() {
      closed = true;
      closing.abort();
    },
  };
}

/** Slack accepts the challenge back as plain text, as JSON `{"challenge": …}` or as a form field. */
function echoes(text: string, challenge: string): boolean {
  if (text.trim() === challenge) return true;
  try {
    if ((JSON.parse(text) as { challenge?: unknown }).challenge === challenge) return true;
  } catch {
    // not JSON
  }
  return new URLSearchParams(text).get('challenge') === challenge;
}
