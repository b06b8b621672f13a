/**
 * The tenant registry's port: registering platform workspaces, and opening a tenant's scope
 * by id (what the HTTP routes, Slack listeners, jobs and the delivery worker do first).
 * Tenants are read through a short cache: every notification and event needs its tenant's
 * base URL, and a renamed or re-based workspace is seen by every process within seconds.
 */
import type { Clock } from '../../platform/clock';
import { TtlCache } from '../../platform/ttl-cache';
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
  private readonly cache: TtlCache<Tenant | undefined>;

  constructor(
    private readonly repository: TenantRepository,
    private readonly clock: Clock,
  ) {
    this.cache = new TtlCache(CACHE_MS, CACHE_MAX, () => clock.now().getTime());
  }

  get(id: string): Promise<Tenant | undefined> {
    return this.cache.get(id, () => this.repository.get(id));
  }

  async put(id: string, fields: { name: string; baseUrl: string }): Promise<{ tenant: Tenant; created: boolean }> {
    const result = await this.repository.put(id, fields, this.clock.now());
    this.cache.set(id, result.tenant);
    return result;
  }

  async ensure(id: string, fields: { name: string; baseUrl: string }): Promise<Tenant> {
    const tenant = await this.repository.ensure(id, fields, this.clock.now());
    this.cache.set(id, tenant);
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
}
