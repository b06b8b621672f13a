/**
 * The tenant registry's port: registering platform workspaces, and opening a tenant's scope
 * by id (what the HTTP routes, Slack listeners, jobs and the delivery worker do first).
 * Tenants are read through a short cache: every notification and event needs its tenant's
 * base URL, and a renamed or re-based workspace is seen by every process within seconds.
 */
import type { Clock } from '../../platform/clock';
import { runInTenant } from '../../tenancy/tenant-scope';
import type { TenantRepository } from './tenant.repository';
import type { Tenant } from './tenant.types';

/** How long a process trusts its copy of a tenant. */
const CACHE_MS = 5_000;
/** Copies kept at most; least recently read go first (idle tenants take no memory). */
const CACHE_MAX = 10_000;

export class UnknownTenantError extends Error {
  constructor(readonly tenantId: string) {
    super(`no platform workspace ${tenantId} is registered`);
    this.name = 'UnknownTenantError';
  }
}

export class TenantRegistry {
  private readonly cache = new Map<string, { tenant: Tenant | undefined; at: number }>();

  constructor(
    private readonly repository: TenantRepository,
    private readonly clock: Clock,
  ) {}

  async get(id: string): Promise<Tenant | undefined> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(id);
    if (cached && now - cached.at < CACHE_MS) {
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached.tenant;
    }
    const tenant = await this.repository.get(id);
    this.remember(id, tenant, now);
    return tenant;
  }

  async put(id: string, fields: { name: string; baseUrl: string }): Promise<{ tenant: Tenant; created: boolean }> {
    const result = await this.repository.put(id, fields, this.clock.now());
    this.remember(id, result.tenant, this.clock.now().getTime());
    return result;
  }

  async ensure(id: string, fields: { name: string; baseUrl: string }): Promise<Tenant> {
    const tenant = await this.repository.ensure(id, fields, this.clock.now());
    this.remember(id, tenant, this.clock.now().getTime());
    return tenant;
  }

  /** Runs `work` inside tenant `id`; throws UnknownTenantError for an id nobody registered. */
  async run<T>(id: string, work: () => Promise<T>): Promise<T> {
    const tenant = await this.get(id);
    if (!tenant) throw new UnknownTenantError(id);
    return runInTenant({ tenantId: tenant.id, baseUrl: tenant.baseUrl }, work);
  }

  ids(): AsyncGenerator<string> {
    return this.repository.ids();
  }

  private remember(id: string, tenant: Tenant | undefined, at: number): void {
    this.cache.delete(id);
    this.cache.set(id, { tenant, at });
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
  }
}
