/**
 * A small read-through cache: values kept `ttlMs`, at most `max` of them, least recently read
 * dropped first. For per-tenant lookups done on every payload or notification (a tenant, its
 * installation), so a process serving thousands of tenants keeps only its recent ones.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The kept value, or `load`'s (kept from now on). */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const kept = this.entries.get(key);
    if (kept && this.now() - kept.at < this.ttlMs) {
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept.value;
    }
    const value = await load();
    this.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, at: this.now() });
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
