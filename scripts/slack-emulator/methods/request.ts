/**
 * Turning an HTTP request into Web API arguments the way Slack reads them: query string,
 * `application/x-www-form-urlencoded`, `application/json` and `multipart/form-data`, with the
 * token from `Authorization: Bearer` or a `token` argument.
 */
import type { IncomingMessage } from 'node:http';
import { SlackApiError, type RawArgs } from './context';

/** Request bodies above this are refused (uploads included); far above anything the app sends. */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** Thrown by {@link readBody} when a body is larger than allowed. */
export class BodyTooLargeError extends Error {
  constructor() {
    super(`request body above ${MAX_BODY_BYTES} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads the whole body, refusing more than {@link MAX_BODY_BYTES}. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function contentTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The fields of a multipart body; files come back as Blobs. */
async function parseMultipart(req: IncomingMessage, body: Buffer): Promise<FormData> {
  return new Response(new Uint8Array(body), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
}

export interface ParsedRequest {
  args: RawArgs;
  /** Token from the Authorization header, or from a `token` form or query argument. */
  token: string | undefined;
}

/**
 * Parses query and body into arguments (body wins). Malformed JSON is `invalid_json`; a
 * JSON body must carry its token in the Authorization header, as Slack requires.
 */
export async function parseApiRequest(req: IncomingMessage, body: Buffer): Promise<ParsedRequest> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const args: RawArgs = Object.fromEntries(url.searchParams);
  const type = contentTypeOf(req);
  let jsonBody = false;
  if (body.length > 0 && type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new SlackApiError('invalid_json', ['[ERROR] the request body is not valid JSON']);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new SlackApiError('invalid_json', ['[ERROR] the request body must be a JSON object']);
    }
    Object.assign(args, parsed);
    jsonBody = true;
  } else if (body.length > 0 && type === 'multipart/form-data') {
    const form = await parseMultipart(req, body).catch(() => {
      throw new SlackApiError('invalid_form_data');
    });
    for (const [name, value] of form) if (typeof value === 'string') args[name] = value;
  } else if (body.length > 0) {
    // Slack reads any other body as form-urlencoded, as the SDK sends by default.
    Object.assign(args, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  }
  const token = bearerToken(req) ?? (!jsonBody && typeof args.token === 'string' && args.token !== '' ? args.token : undefined);
  delete args.token;
  return { args, token };
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** The bytes of an upload POST: the first file of a multipart body, or the raw body. */
export async function parseUploadBody(req: IncomingMessage, body: Buffer): Promise<Buffer> {
  if (contentTypeOf(req) !== 'multipart/form-data') return body;
  const form = await parseMultipart(req, body);
  for (const [, value] of form) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  const text = form.get('file') ?? form.get('content');
  return Buffer.from(typeof text === 'string' ? text : '');
}

/** For the call log: JSON-encoded form values (blocks, view, metadata…) decoded. */
export function decodeArgsForRecord(args: RawArgs): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(args).map(([name, value]) => {
      if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return [name, value];
      try {
        return [name, JSON.parse(value) as unknown];
      } catch {
        return [name, value];
      }
    }),
  );
}
