/**
 * A small router for the HTTP API: method + path pattern (`/api/v1/members/:memberId`) to a
 * handler that returns a response object. Handlers only validate and write; anything that
 * talks to Slack happens in workers.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when there was none. */
  body: unknown;
}

export interface ApiResponse {
  status: number;
  /** Serialised as JSON unless `text` is set. */
  body?: unknown;
  text?: string;
  contentType?: string;
}

export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse>;

/**
 * A route that answers with the raw request and response (the install pages: form posts,
 * cookies, redirects, HTML), outside the bearer-protected API.
 */
export type RawRouteHandler = (req: IncomingMessage, res: ServerResponse, params: Record<string, string>) => Promise<void>;

/**
 * Runs a tenant route's handler inside its tenant (`workspaceId`): answers 404 itself for a
 * workspace nobody registered. Set by the composition root.
 */
export type TenantGate = (workspaceId: string, handle: () => Promise<ApiResponse>) => Promise<ApiResponse>;

/** Where every tenant's routes live: `/api/v1/workspaces/:workspaceId/…`. */
export const TENANT_ROUTE_PREFIX = '/api/v1/workspaces/:workspaceId';

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  handler: RouteHandler;
  raw?: RawRouteHandler;
}

export type RouteMatch =
  | { kind: 'found'; handler: RouteHandler; raw?: RawRouteHandler; params: Record<string, string>; pattern: string }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' };

export class Router {
  private readonly routes: Route[] = [];
  private tenantGate: TenantGate | undefined;

  /** Registers a handler; `:name` segments become `params.name`. */
  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method: method.toUpperCase(), pattern, segments: split(pattern), handler });
    return this;
  }

  /**
   * Registers a tenant's route: `pattern` (`/members/:memberId`) is served at
   * `/api/v1/workspaces/:workspaceId/members/:memberId`, and the handler runs inside that
   * tenant (see TenantGate).
   */
  addForTenant(method: string, pattern: string, handler: RouteHandler): this {
    return this.add(method, `${TENANT_ROUTE_PREFIX}${pattern}`, (request) => {
      if (!this.tenantGate) throw new Error('tenant routes need a tenant gate (Router.setTenantGate)');
      return this.tenantGate(request.params.workspaceId!, () => handler(request));
    });
  }

  /** Registers a page that handles its own request and response (see RawRouteHandler). */
  addRaw(method: string, pattern: string, raw: RawRouteHandler): this {
    const unreachable: RouteHandler = () => Promise.reject(new Error('raw routes are answered by their raw handler'));
    this.routes.push({ method: method.toUpperCase(), pattern, segments: split(pattern), handler: unreachable, raw });
    return this;
  }

  setTenantGate(gate: TenantGate): void {
    this.tenantGate = gate;
  }

  match(method: string, path: string): RouteMatch {
    const segments = split(path);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method.toUpperCase())
        return { kind: 'found', handler: route.handler, ...(route.raw ? { raw: route.raw } : {}), params, pattern: route.pattern };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method_not_allowed', allowed } : { kind: 'not_found' };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const p = pattern[i]!;
    const a = actual[i]!;
    if (p.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(a);
      } catch {
        return undefined;
      }
      params[p.slice(1)] = value;
    } else if (p !== a) {
      return undefined;
    }
  }
  return params;
}
