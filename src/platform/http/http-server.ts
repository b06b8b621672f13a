/**
 * The HTTP server: health, readiness and metrics without auth, `/api/*` behind the bearer
 * token. Errors become JSON answers: 400 with field paths for bad bodies, 503 while the
 * store is unreachable, 500 (logged) for bugs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZodError } from 'zod';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { isStoreUnavailable } from '../../db/store-errors';
import { isAuthorized } from './bearer-auth';
import type { ApiResponse, RawRouteHandler, Router } from './router';

const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  router: Router;
  apiToken: string;
  logger: Logger;
  metrics: Metrics;
}

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error));
  }
}

/** Starts listening; port 0 picks a free port, logged and returned. */
export async function startHttpServer(options: HttpServerOptions, host: string, port: number): Promise<RunningHttpServer> {
  const server = http.createServer((req, res) => {
    void handle(options, req, res);
  });
  // Keep-alive sockets would hold close() open; cap how long an idle one waits.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  options.logger.info({ url }, 'HTTP API listening');
  return {
    url,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function handle(options: HttpServerOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  let routeLabel = 'unmatched';
  let response: ApiResponse;
  try {
    if (url.pathname.startsWith('/api/') && !isAuthorized(req.headers.authorization, options.apiToken)) {
      throw new HttpError(401, { error: 'unauthorized', message: 'Send Authorization: Bearer <API_TOKEN>.' });
    }
    const match = options.router.match(method, url.pathname);
    if (match.kind === 'not_found') throw new HttpError(404, { error: 'not_found', message: `No route for ${url.pathname}.` });
    if (match.kind === 'method_not_allowed') {
      throw new HttpError(405, { error: 'method_not_allowed', message: `Use ${match.allowed.join(' or ')}.` });
    }
    routeLabel = match.pattern;
    if (match.raw) {
      await handleRaw(match.raw, req, res, match.params, options.logger);
      options.metrics.httpRequests.inc({ route: routeLabel, status: String(res.statusCode) });
      return;
    }
    const body = await readJsonBody(req);
    response = await match.handler({ method, path: url.pathname, params: match.params, query: url.searchParams, headers: req.headers, body });
  } catch (error) {
    response = toErrorResponse(error, options.logger, method, url.pathname);
  }
  options.metrics.httpRequests.inc({ route: routeLabel, status: String(response.status) });
  send(res, response);
}

/** A page's own handler; a bug still gets an answer (a plain 500 page) rather than a hung browser. */
async function handleRaw(
  raw: RawRouteHandler,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  params: Record<string, string>,
  logger: Logger,
): Promise<void> {
  try {
    await raw(req, res, params);
  } catch (error) {
    logger.error({ err: error, path: req.url?.split('?')[0] }, 'page handler failed');
    if (!res.headersSent) {
      res.writeHead(isStoreUnavailable(error) ? 503 : 500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(isStoreUnavailable(error) ? 'The service is briefly unavailable; try again in a minute.' : 'Something went wrong; the error was logged.');
    } else {
      res.end();
    }
  }
}

async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Past the limit, keep reading (and dropping) so the client gets the 413, not a reset.
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw new HttpError(413, { error: 'body_too_large', message: `Bodies are limited to ${MAX_BODY_BYTES} bytes.` });
  if (size === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('application/json')) {
    throw new HttpError(415, { error: 'unsupported_media_type', message: 'Send JSON with Content-Type: application/json.' });
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new HttpError(400, { error: 'invalid_json', message: `The body is not valid JSON: ${(error as Error).message}` });
  }
}

function toErrorResponse(error: unknown, logger: Logger, method: string, path: string): ApiResponse {
  if (error instanceof HttpError) return { status: error.status, body: error.body };
  if (error instanceof ZodError) {
    return {
      status: 400,
      body: {
        error: 'invalid_body',
        message: 'The request is not valid; nothing was written.',
        issues: error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })),
      },
    };
  }
  if (isStoreUnavailable(error)) {
    logger.warn({ err: error, method, path }, 'store unavailable; answered 503');
    return { status: 503, body: { error: 'store_unavailable', message: 'The store is unreachable; nothing was written. Retry later.' } };
  }
  logger.error({ err: error, method, path }, 'HTTP handler failed');
  return { status: 500, body: { error: 'internal_error', message: 'Unexpected error; see the connector logs.' } };
}

function send(res: http.ServerResponse, response: ApiResponse): void {
  if (response.text !== undefined) {
    res.writeHead(response.status, { 'content-type': response.contentType ?? 'text/plain; charset=utf-8' });
    res.end(response.text);
    return;
  }
  res.writeHead(response.status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(response.body === undefined ? '' : JSON.stringify(response.body));
}
