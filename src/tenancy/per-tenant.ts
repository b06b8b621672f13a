/**
 * In-memory state that belongs to one tenant (a count being computed, a cache, a pass in
 * progress): one copy per tenant, created on first use, the least recently used dropped past
 * `max`, so a process serving thousands of tenants keeps only its recent ones. What is kept
 * must be safe to lose (a cache, a guard against doing the same work twice in one process).
 */
import { currentTenantId } from './tenant-scope';

export class PerTenant<T> {
  private readonly states = new Map<string, T>();

  constructor(
    private readonly create: () => T,
    private readonly max = 1_000,
  ) {}

  /** The current tenant's copy. */
  get(): T {
    const tenantId = currentTenantId('per-tenant state');
    let state = this.states.get(tenantId);
    if (state === undefined) {
      state = this.create();
      if (this.states.size >= this.max) this.states.delete(this.states.keys().next().value!);
    } else {
      this.states.delete(tenantId);
    }
    this.states.set(tenantId, state);
    return state;
  }
}

/** A key that is unique across tenants for an id that is unique only within one (a Slack user id). */
export function tenantKey(id: string): string {
  return `${currentTenantId('a tenant key')}/${id}`;
}
