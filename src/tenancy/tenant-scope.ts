/**
 * The tenant (platform workspace) that the work at hand belongs to.
 *
 * Every entry point opens a scope explicitly before it touches tenant data: the HTTP router for
 * `/api/v1/workspaces/:workspaceId/…`, the Bolt middleware once an event's team resolved to its
 * installation, each per-tenant job run and each claimed notification. Tenant-scoped
 * collections (src/db/tenant-collection.ts) read the scope on every call and refuse to run
 * without one, so a code path that forgot to open a scope fails instead of reading across
 * tenants.
 *
 * Node's AsyncLocalStorage carries the scope through awaits, timers and promise chains started
 * inside it; work queued for later (e.g. the member-change queue) records its tenant and
 * opens the scope again when it runs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Platform workspace ids: what the platform sends, short and URL-safe; `/` never appears (stored keys use it). */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface TenantScope {
  /** The platform workspace id. */
  readonly tenantId: string;
  /** The platform's base URL for this tenant: links in its messages must start with it. */
  readonly baseUrl: string;
}

const storage = new AsyncLocalStorage<TenantScope>();

/**
 * The scope of work that opened none, in test suites of a single tenant only (they call
 * services directly, as before tenants existed). Production never sets it, so a path that
 * forgot its scope fails there; the multi-tenant suites leave it unset too.
 */
let singleTenantTestScope: TenantScope | undefined;

export function useSingleTenantScopeInTests(scope: TenantScope | undefined): void {
  if (process.env.JEST_WORKER_ID === undefined) throw new Error('a fallback tenant scope exists only under jest');
  singleTenantTestScope = scope;
}

/** Thrown when tenant data is touched outside a tenant scope: a bug, never a user error. */
export class NoTenantScopeError extends Error {
  constructor(what: string) {
    super(`${what} needs a tenant scope (runInTenant) and none is open`);
    this.name = 'NoTenantScopeError';
  }
}

/** Runs `work` as the tenant `scope`: everything it awaits sees this tenant. */
export function runInTenant<T>(scope: TenantScope, work: () => T): T {
  if (!TENANT_ID_PATTERN.test(scope.tenantId)) throw new Error(`not a tenant id: ${JSON.stringify(scope.tenantId)}`);
  return storage.run({ tenantId: scope.tenantId, baseUrl: scope.baseUrl }, work);
}

/** The current tenant; throws outside a scope. */
export function currentTenant(what = 'this'): TenantScope {
  const scope = storage.getStore() ?? singleTenantTestScope;
  if (!scope) throw new NoTenantScopeError(what);
  return scope;
}

/** The current tenant's id; throws outside a scope. */
export function currentTenantId(what = 'this'): string {
  return currentTenant(what).tenantId;
}

/** The current tenant's platform base URL; throws outside a scope. */
export function tenantBaseUrl(): string {
  return currentTenant('a platform link').baseUrl;
}

/** The current tenant's id, or undefined outside a scope (logging, metrics). */
export function tenantIdOrUndefined(): string | undefined {
  return (storage.getStore() ?? singleTenantTestScope)?.tenantId;
}

/**
 * Runs `work` outside any tenant scope: for timers and background loops started from inside a
 * scope that must not inherit it (a process-wide worker started while serving a request).
 */
export function runOutsideTenants<T>(work: () => T): T {
  return storage.exit(work);
}
