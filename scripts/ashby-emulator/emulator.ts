/**
 * The Ashby emulator's HTTP side: a node:http server answering Ashby's RPC-style API
 * (`POST /<endpoint>` with a JSON body, HTTP Basic auth with the API key as username).
 * See ./index.ts for what it implements and how tests drive it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AshbyState, type Collection, type PageResult } from './state';
import {
  APPLICATION_STATUSES,
  ENDPOINT_PERMISSIONS,
  type ApiKeyOptions,
  type ApplicationPatch,
  type ApplicationSeed,
  type ApplicationStatus,
  type AshbyEndpoint,
  type AshbyPermission,
  type CustomFieldSeed,
  type DepartmentSeed,
  type FaultSpec,
  type OfferSeed,
  type OfferVersionSeed,
  type RecordedCall,
  type WireApplication,
  type WireCustomFieldDefinition,
  type WireDepartment,
  type WireOffer,
  type WireOfferVersion,
} from './types';
import { listen } from '../listen';

export interface AshbyEmulatorOptions {
  port?: number;
  host?: string;
  /** Clock for createdAt/updatedAt (Date.now by default). */
  now?: () => number;
  /** Largest page a list endpoint returns, whatever `limit` asks (100 by default). */
  maxPageSize?: number;
  /** Most pages an incremental read may need before `incremental_sync_too_large` (50 by default). */
  maxIncrementalPages?: number;
  /** API keys known from the start (key → options). */
  keys?: Record<string, ApiKeyOptions>;
}

export interface AshbyEmulator {
  /** Base URL to give the client (`http://127.0.0.1:<port>`), in place of https://api.ashbyhq.com. */
  url: string;
  close(): Promise<void>;
  keys: {
    add(key: string, options?: ApiKeyOptions): void;
    /** Deactivates the key: every later call with it gets a 403. */
    revoke(key: string): void;
    setPermissions(key: string, permissions: readonly AshbyPermission[]): void;
  };
  applications: {
    add(seed: ApplicationSeed): WireApplication;
    update(id: string, patch: ApplicationPatch): WireApplication;
    /** A record returned verbatim by application.list (status Hired unless told otherwise). Returns its id. */
    addMalformed(raw: unknown, options?: { id?: string; status?: ApplicationStatus; createdAt?: string }): string;
    remove(id: string): void;
    all(): unknown[];
  };
  offers: {
    add(seed: OfferSeed): WireOffer;
    addVersion(offerId: string, version: OfferVersionSeed): WireOffer;
    versions(offerId: string): WireOfferVersion[];
    addMalformed(raw: unknown, options?: { id?: string; applicationId?: string }): string;
  };
  departments: { add(seed: DepartmentSeed): WireDepartment };
  customFields: { add(seed: CustomFieldSeed): WireCustomFieldDefinition };
  syncTokens: {
    /** Every sync token issued so far is refused from now on with `sync_token_expired`. */
    expireAll(): void;
  };
  /** Queues a fault for the next matching request(s). Faults are consumed in the order queued. */
  failNext(fault: FaultSpec): void;
  /** Every request received so far, oldest first. */
  calls(): RecordedCall[];
  clearCalls(): void;
}

const MAX_BODY_BYTES = 1024 * 1024;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

interface QueuedFault extends FaultSpec {
  remaining: number;
}

class BadRequest extends Error {}

/** Starts an emulator; resolves once it listens. */
export async function createAshbyEmulator(options: AshbyEmulatorOptions = {}): Promise<AshbyEmulator> {
  const now = options.now ?? Date.now;
  const maxPageSize = options.maxPageSize ?? 100;
  const maxIncrementalPages = options.maxIncrementalPages ?? 50;
  const state = new AshbyState(now);
  for (const [key, keyOptions] of Object.entries(options.keys ?? {})) state.addKey(key, keyOptions);
  const calls: RecordedCall[] = [];
  const faults: QueuedFault[] = [];

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, JSON_HEADERS);
        res.end(JSON.stringify(errorEnvelope('internal_server_error', 'The emulator failed to answer.')));
      } else {
        res.end();
      }
      process.stderr.write(`[ashby-emulator] ${(error as Error).stack ?? String(error)}\n`);
    });
  });
  const { port, urlHost } = await listen(server, options.host, options.port);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const endpoint = decodeURIComponent((req.url ?? '/').split('?')[0]!.replace(/^\/+/, ''));
    const raw = await readBody(req);
    const { key, password } = basicAuth(req.headers.authorization);
    let body: unknown;
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const call: RecordedCall = {
      endpoint,
      body,
      key,
      password,
      accept: req.headers.accept,
      contentType: req.headers['content-type'],
      status: 0,
    };
    calls.push(call);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      call.status = status;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, typeof payload === 'string' ? { 'content-type': 'text/html; charset=utf-8', ...headers } : { ...JSON_HEADERS, ...headers });
      res.end(text);
    };

    const fault = takeFault(endpoint);
    if (fault) {
      if (fault.network === 'reset') {
        req.socket.destroy();
        return;
      }
      const status = fault.status ?? 500;
      const headers: Record<string, string> = {};
      if (status === 429) headers['retry-after'] = String(fault.retryAfterS ?? 1);
      const payload =
        fault.body ??
        (status === 429
          ? errorEnvelope('rate_limit_exceeded', `Rate limit exceeded. Try again in ${fault.retryAfterS ?? 1} seconds.`)
          : errorEnvelope('internal_server_error', 'An unexpected error occurred.'));
      send(status, payload, headers);
      return;
    }

    if (req.method !== 'POST') {
      send(405, errorEnvelope('method_not_allowed', 'Ashby API endpoints take POST requests.'));
      return;
    }
    // Ashby: a missing key is a 401; a wrong or deactivated key a 403 (Authentication guide).
    const keyStatus = state.keyStatus(key);
    if (keyStatus.kind === 'missing') {
      send(401, errorEnvelope('unauthenticated', 'Missing API key: send it as the username of HTTP Basic authentication.'));
      return;
    }
    if (keyStatus.kind === 'unknown') {
      send(403, errorEnvelope('invalid_api_key', 'The API key is not valid.'));
      return;
    }
    if (keyStatus.kind === 'revoked') {
      send(403, errorEnvelope('api_key_deactivated', 'The API key has been deactivated.'));
      return;
    }
    if (!(endpoint in ENDPOINT_PERMISSIONS)) {
      send(404, errorEnvelope('endpoint_not_found', `The endpoint ${endpoint} does not exist.`));
      return;
    }
    const required = ENDPOINT_PERMISSIONS[endpoint as AshbyEndpoint];
    if (!keyStatus.permissions.has(required)) {
      send(
        403,
        errorEnvelope('missing_endpoint_permission', `The API key is missing the ${required} permission required by ${endpoint}.`, {
          requiredPermission: required,
        }),
      );
      return;
    }
    if (!isObject(body)) {
      send(200, errorEnvelope('invalid_input', 'Request payload is malformed: expected a JSON object.'));
      return;
    }
    try {
      send(200, answer(endpoint as AshbyEndpoint, body, keyStatus));
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      send(200, errorEnvelope('invalid_input', error.message));
    }
  }

  function answer(
    endpoint: AshbyEndpoint,
    body: Record<string, unknown>,
    key: { title: string; permissions: ReadonlySet<AshbyPermission>; createdAt: string },
  ): unknown {
    switch (endpoint) {
      case 'apiKey.info':
        return { success: true, results: { title: key.title, createdAt: key.createdAt, scopes: [...key.permissions].map(scopeOf) } };
      case 'application.list': {
        const status = optionalString(body, 'status');
        if (status !== undefined && !APPLICATION_STATUSES.includes(status as ApplicationStatus)) {
          throw new BadRequest(`status must be one of ${APPLICATION_STATUSES.join(', ')}`);
        }
        const jobId = optionalString(body, 'jobId');
        const createdAfter = optionalInteger(body, 'createdAfter');
        return listPage(
          'applications',
          body,
          (f) =>
            (status === undefined || f.status === status) &&
            (jobId === undefined || f.jobId === jobId) &&
            (createdAfter === undefined || (typeof f.createdAtMs === 'number' && f.createdAtMs > createdAfter)),
        );
      }
      case 'offer.list': {
        const applicationId = optionalString(body, 'applicationId');
        const acceptance = optionalStringArray(body, 'acceptanceStatus');
        const offerStatus = optionalStringArray(body, 'offerStatus');
        return listPage(
          'offers',
          body,
          (f) =>
            (applicationId === undefined || f.applicationId === applicationId) &&
            (acceptance === undefined || acceptance.includes(f.acceptanceStatus as string)) &&
            (offerStatus === undefined || offerStatus.includes(f.offerStatus as string)),
        );
      }
      case 'department.list':
      case 'customField.list': {
        const includeArchived = optionalBoolean(body, 'includeArchived') ?? false;
        return listPage(endpoint === 'department.list' ? 'departments' : 'customFields', body, (f) => includeArchived || f.isArchived !== true);
      }
    }
  }

  function listPage(collection: Collection, body: Record<string, unknown>, filter: (facts: Record<string, unknown>) => boolean): unknown {
    const limit = optionalInteger(body, 'limit');
    if (limit !== undefined && limit < 1) throw new BadRequest('limit must be a positive integer');
    const page: PageResult = state.page({
      collection,
      limit: Math.min(limit ?? maxPageSize, maxPageSize),
      cursor: optionalString(body, 'cursor'),
      syncToken: optionalString(body, 'syncToken'),
      filter,
      maxIncrementalPages,
    });
    if (!page.ok) return errorEnvelope(page.code, page.message);
    const { ok: _ok, ...rest } = page;
    return { success: true, ...rest };
  }

  function takeFault(endpoint: string): QueuedFault | undefined {
    const index = faults.findIndex((f) => f.endpoint === undefined || f.endpoint === endpoint);
    if (index < 0) return undefined;
    const fault = faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults.splice(index, 1);
    return fault;
  }

  return {
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    keys: {
      add: (key, keyOptions) => state.addKey(key, keyOptions),
      revoke: (key) => state.revokeKey(key),
      setPermissions: (key, permissions) => state.setPermissions(key, permissions),
    },
    applications: {
      add: (seed) => state.addApplication(seed),
      update: (id, patch) => state.updateApplication(id, patch),
      addMalformed: (raw, malformedOptions) => state.addMalformedApplication(raw, malformedOptions),
      remove: (id) => state.removeApplication(id),
      all: () => state.applications(),
    },
    offers: {
      add: (seed) => state.addOffer(seed),
      addVersion: (offerId, version) => state.addOfferVersion(offerId, version),
      versions: (offerId) => state.versionsOf(offerId),
      addMalformed: (raw, malformedOptions) => state.addMalformedOffer(raw, malformedOptions),
    },
    departments: { add: (seed) => state.addDepartment(seed) },
    customFields: { add: (seed) => state.addCustomField(seed) },
    syncTokens: { expireAll: () => state.expireSyncTokens() },
    failNext: (fault) => {
      faults.push({ ...fault, remaining: fault.count ?? 1 });
    },
    calls: () => calls.map((c) => ({ ...c })),
    clearCalls: () => {
      calls.length = 0;
    },
  };
}

/** Ashby's error envelope: `errors` (deprecated list of codes) and `errorInfo`. */
export function errorEnvelope(code: string, message: string, meta?: Record<string, unknown>): Record<string, unknown> {
  return {
    success: false,
    errors: [code],
    errorInfo: { code, message, requestId: randomBytes(13).toString('hex').toUpperCase(), ...(meta ? { meta } : {}) },
  };
}

/** apiKey.info lists scopes as `module:read`, e.g. `candidates:read`. */
function scopeOf(permission: AshbyPermission): string {
  return `${permission.replace(/Read$/, '')}:read`;
}

function basicAuth(header: string | undefined): { key: string | null; password: string | null } {
  if (!header?.startsWith('Basic ')) return { key: null, password: null };
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? { key: decoded, password: null } : { key: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BadRequest(`${name} must be a string`);
  return value;
}

function optionalInteger(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new BadRequest(`${name} must be an integer`);
  return value;
}

function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new BadRequest(`${name} must be a boolean`);
  return value;
}

function optionalStringArray(body: Record<string, unknown>, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw new BadRequest(`${name} must be a non-empty array of strings`);
  }
  return value as string[];
}
