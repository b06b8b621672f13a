/**
 * Sends a CSV export to a user's DM with the app, streaming: the rows go line by line into a
 * temp file (files.getUploadURLExternal wants the byte length before any byte is sent), the
 * file is POSTed to the upload URL as a stream, and files.completeUploadExternal shares it in
 * the DM. The whole CSV is never held in memory, so a 50,000-line report costs a few chunks.
 *
 * The temp file (mode 0600: exports carry names and emails) is always removed, whatever fails.
 * Rate-limited calls (the client may use `rejectRateLimitedCalls: true`) wait Retry-After and
 * are tried again a few times; any other failure throws {@link CsvExportError} naming the step.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { WebClient } from '@slack/web-api';
import { csvLines } from '../platform/csv/csv-writer';
import { ConnectorError, toError } from '../platform/errors';
import { classifySlackError, slackRetryAfterMs, withRetryAfter } from './slack-error';

/** The steps of an export, as {@link CsvExportError} names them. */
export type CsvExportStep =
  | 'conversations.open'
  | 'write_temp_file'
  | 'files.getUploadURLExternal'
  | 'upload'
  | 'files.completeUploadExternal'
  | 'remove_temp_file';

/** An export that did not reach the DM (or, for `remove_temp_file`, reached it but left its temp file). */
export class CsvExportError extends ConnectorError {
  constructor(
    readonly step: CsvExportStep,
    message: string,
    context: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super('csv_export_failed', message, { ...context, step }, options);
  }
}

export interface CsvToDmInput {
  /** The Slack user whose DM with the app receives the file. */
  userId: string;
  /** With its extension (`sync-report-2024-11-21.csv`): Slack derives the file type from it. */
  filename: string;
  title: string;
  /** The message the file is shared with. */
  comment?: string;
  header: readonly string[];
  /** Each row as many cells as the header; consumed once, as it arrives (a cursor is fine). */
  rows: AsyncIterable<readonly string[]>;
}

export interface CsvToDmResult {
  fileId: string;
  /** CSV lines written, the header included. */
  lines: number;
  /** Bytes uploaded, the byte order mark included. */
  bytes: number;
}

export interface CsvToDmOptions {
  /** Where the temp file goes; `os.tmpdir()` by default. */
  tmpDir?: string;
  /** Retries of a rate-limited step (Slack call or upload POST); 3 by default. */
  maxRateLimitRetries?: number;
  /** Waits out Retry-After; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Starts the file with a UTF-8 byte order mark; true by default, because Excel otherwise
   * reads a CSV as the local ANSI code page and garbles accents, emoji and RTL text.
   */
  byteOrderMark?: boolean;
  /** The upload POST fails when the upload URL stays silent this long; 120 s by default. */
  uploadTimeoutMs?: number;
}

const DEFAULT_MAX_RATE_LIMIT_RETRIES = 3;
const DEFAULT_UPLOAD_TIMEOUT_MS = 120_000;
/** Lines are joined into chunks of about this many UTF-16 units before they reach the file. */
const CHUNK_CHARS = 64 * 1024;
const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Streams `input.rows` as CSV into a temp file, uploads it with Slack's external upload flow
 * and shares it in the app's DM with `input.userId`, `input.comment` as its message.
 * Cells are quoted per RFC 4180 and neutralised against formulas (see csv-writer).
 */
export async function sendCsvToDm(client: WebClient, input: CsvToDmInput, options: CsvToDmOptions = {}): Promise<CsvToDmResult> {
  const context = { userId: input.userId, filename: input.filename };
  const fail = (step: CsvExportStep, detail: string, cause?: unknown): CsvExportError =>
    new CsvExportError(step, `Sending ${input.filename} to ${input.userId}'s DM failed at ${step}: ${detail}`, context, { cause });
  const retrying = <T>(step: CsvExportStep, call: () => Promise<T>): Promise<T> =>
    withRetryAfter(call, { maxWaits: options.maxRateLimitRetries ?? DEFAULT_MAX_RATE_LIMIT_RETRIES, sleep: options.sleep ?? sleep, retryAfterMs }).catch(
      (error: unknown) => {
        throw fail(step, describeFailure(error), error);
      },
    );

  const opened = await retrying('conversations.open', () => client.conversations.open({ users: input.userId }));
  const channelId = opened.channel?.id;
  if (!channelId) throw fail('conversations.open', 'Slack answered without a channel id');

  const path = join(options.tmpDir ?? tmpdir(), `slack-csv-${randomUUID()}.csv`);
  let fileId: string | undefined;
  try {
    let written: { lines: number; bytes: number };
    try {
      written = await writeCsvFile(path, input.header, input.rows, options.byteOrderMark ?? true);
    } catch (error) {
      throw fail('write_temp_file', toError(error).message, error);
    }

    const target = await retrying('files.getUploadURLExternal', () => client.files.getUploadURLExternal({ filename: input.filename, length: written.bytes }));
    if (!target.upload_url || !target.file_id) throw fail('files.getUploadURLExternal', 'Slack answered without upload_url or file_id');
    const uploadUrl = target.upload_url;
    fileId = target.file_id;

    await retrying('upload', () => postFile(uploadUrl, path, written.bytes, options.uploadTimeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS));

    await retrying('files.completeUploadExternal', () =>
      client.files.completeUploadExternal({
        files: [{ id: fileId as string, title: input.title }],
        channel_id: channelId,
        ...(input.comment !== undefined ? { initial_comment: input.comment } : {}),
      }),
    );
    await removeTempFile(path).catch((error: unknown) => {
      throw fail('remove_temp_file', `the file was shared (${fileId}) but ${path} could not be removed: ${toError(error).message}`, error);
    });
    return { fileId, lines: written.lines, bytes: written.bytes };
  } finally {
    // Failure paths: remove the file, and let the step's error be the one thrown.
    await removeTempFile(path).catch(() => undefined);
  }
}

/** Writes the CSV to `path` (created, never overwritten, mode 0600) and counts lines and bytes. */
async function writeCsvFile(
  path: string,
  header: readonly string[],
  rows: AsyncIterable<readonly string[]>,
  byteOrderMark: boolean,
): Promise<{ lines: number; bytes: number }> {
  const counts = { lines: 0, bytes: 0 };
  async function* chunks(): AsyncGenerator<Buffer> {
    let pending = byteOrderMark ? BYTE_ORDER_MARK : '';
    const flush = (): Buffer => {
      const chunk = Buffer.from(pending, 'utf8');
      counts.bytes += chunk.length;
      pending = '';
      return chunk;
    };
    for await (const line of csvLines(header, rows)) {
      counts.lines += 1;
      pending += line;
      if (pending.length >= CHUNK_CHARS) yield flush();
    }
    if (pending !== '') yield flush();
  }
  await pipeline(Readable.from(chunks()), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  return counts;
}

/** The upload URL answered something other than 200. */
class UploadHttpError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfter: number | undefined,
    body: string,
  ) {
    super(`the upload URL answered HTTP ${status}${body ? ` (${body.slice(0, 200)})` : ''}`);
    this.name = 'UploadHttpError';
  }
}

/**
 * POSTs the file's raw bytes (Slack accepts raw bytes or multipart) with its length declared.
 * The URL is signed by Slack, so no token goes with it.
 */
async function postFile(url: string, path: string, bytes: number, timeoutMs: number): Promise<void> {
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error(`unsupported upload URL protocol ${target.protocol}`);
  const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes) },
    timeout: timeoutMs,
  });
  request.on('timeout', () => request.destroy(new Error(`the upload URL did not answer within ${timeoutMs} ms`)));
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  let early: IncomingMessage | undefined;
  request.once('response', (message: IncomingMessage) => (early = message));
  let response: IncomingMessage;
  try {
    [response] = await Promise.all([answered, pipeline(createReadStream(path), request)]);
  } catch (error) {
    // A host that refuses the bytes may answer and close before taking them all: its status says more.
    if (early !== undefined && early.statusCode !== 200) throw new UploadHttpError(early.statusCode ?? 0, retryAfterOf(early), '');
    if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
      throw new Error(`the upload URL closed the connection before taking the whole file (${bytes} bytes)`, { cause: error });
    }
    throw error;
  }
  let body = '';
  response.setEncoding('utf8');
  for await (const chunk of response) if (body.length < 1_000) body += String(chunk);
  if (response.statusCode !== 200) throw new UploadHttpError(response.statusCode ?? 0, retryAfterOf(response), body.trim());
}

function retryAfterOf(response: IncomingMessage): number | undefined {
  const seconds = Number(response.headers['retry-after']);
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** The wait before trying again: Slack's rate limits, and the upload URL's 429 (Retry-After seconds, at least one). */
function retryAfterMs(error: unknown): number | undefined {
  if (error instanceof UploadHttpError) return error.status === 429 ? Math.max(1, error.retryAfter ?? 1) * 1_000 : undefined;
  return slackRetryAfterMs(error);
}

/** A readable reason: Slack's error code, the HTTP status, or the error's message. */
function describeFailure(error: unknown): string {
  const failure = classifySlackError(error);
  switch (failure.kind) {
    case 'token':
    case 'platform':
      return `Slack answered ${failure.code}`;
    case 'rate_limited':
      return `still rate limited after the retries (Retry-After ${failure.retryAfterMs / 1_000} s)`;
    case 'http':
      return `Slack answered HTTP ${failure.status}`;
    case 'transient':
      if (failure.via === 'platform') return `Slack answered ${failure.code}`;
      if (failure.via === 'http') return `Slack answered HTTP ${failure.status ?? '?'}`;
      return toError(error).message;
    case 'unknown':
      if (error instanceof UploadHttpError && error.status === 429) return `${error.message}, still rate limited after the retries`;
      return toError(error).message;
  }
}

function removeTempFile(path: string): Promise<void> {
  return rm(path, { force: true, maxRetries: 2 });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
