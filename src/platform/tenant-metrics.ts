/**
 * Prometheus metrics labelled by tenant, with a bounded number of series whatever the number of
 * tenants (thousands of tenants must not explode /metrics).
 *
 * The rule, the same for every such metric:
 *
 * - at most `maxTenants` (MAX_TENANT_LABELS, 50) tenant label values: the tenants with the most
 *   to report — for a gauge the largest figures now, for a counter the most increments in the
 *   current window (this one and the one before, `windowMs`, an hour by default);
 * - everything of the other tenants is summed under `tenant="_other"`, a series always present
 *   (0 when there is nothing), so `sum by ()` of the metric is always the process's total;
 * - a tenant whose figure drops to 0 leaves the label set (its series is removed): a gauge at 0,
 *   a counter with no increment for a whole window.
 *
 * So a metric has at most `maxTenants + 1` series per combination of its other labels. A
 * counter's series follows the tenant's label while it has one: increments made while the
 * tenant was under `_other` stay there (counters never go down), and a tenant that loses its
 * label and gets it back starts again from 0, which Prometheus reads as a counter reset.
 * Figures are per process: with several processes, sum (counters) or take the max (a queue
 * depth each process counts for itself) by tenant.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** The label value every tenant without a label of its own is summed under. */
export const OTHER_TENANTS = '_other';
/** Tenant label values per metric, at most. */
export const MAX_TENANT_LABELS = 50;
/** A counter's ranking window. */
const DEFAULT_WINDOW_MS = 3_600_000;

interface TenantMetricOptions {
  name: string;
  help: string;
  registry: Registry;
  maxTenants?: number;
  /** Milliseconds; Date.now by default. */
  now?: () => number;
}

/**
 * The `max` tenants with the largest figures (ties by id, so the choice is stable), and the
 * sum of everyone else's. Figures of 0 or less are left out.
 */
export function rankTenants(figures: Iterable<[string, number]>, max: number): { top: Array<[string, number]>; rest: number } {
  const ranked = [...figures].filter(([, value]) => value > 0).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const rest = ranked.slice(max).reduce((sum, [, value]) => sum + value, 0);
  return { top: ranked.slice(0, max), rest };
}

/**
 * A gauge per tenant (`{tenant}`): the figures are kept here and written to the gauge, bounded
 * by the rule above, each time /metrics is read. With `staleAfterMs`, a figure not set again
 * for that long is dropped (a count this process stopped refreshing because another process
 * serves that tenant now).
 */
export class TenantGauge {
  private readonly figures = new Map<string, { value: number; at: number }>();
  private readonly maxTenants: number;
  private readonly now: () => number;

  constructor(options: TenantMetricOptions & { staleAfterMs?: number }) {
    this.maxTenants = options.maxTenants ?? MAX_TENANT_LABELS;
    this.now = options.now ?? Date.now;
    const figures = () => this.currentFigures(options.staleAfterMs);
    const max = this.maxTenants;
    new Gauge({
      name: options.name,
      help: options.help,
      labelNames: ['tenant'],
      registers: [options.registry],
      collect() {
        const { top, rest } = rankTenants(figures(), max);
        // Rebuilt from the figures: a tenant that left the top or dropped to 0 has no series.
        this.reset();
        for (const [tenant, value] of top) this.set({ tenant }, value);
        this.set({ tenant: OTHER_TENANTS }, rest);
      },
    });
  }

  /** Sets a tenant's figure; 0 (or less) removes it. */
  set(tenantId: string, value: number): void {
    if (value > 0) this.figures.set(tenantId, { value, at: this.now() });
    else this.figures.delete(tenantId);
  }

  delete(tenantId: string): void {
    this.figures.delete(tenantId);
  }

  /** When the tenant's figure was last set (ms), if it has one. */
  updatedAt(tenantId: string): number | undefined {
    return this.figures.get(tenantId)?.at;
  }

  private currentFigures(staleAfterMs: number | undefined): Array<[string, number]> {
    if (staleAfterMs !== undefined) {
      const oldest = this.now() - staleAfterMs;
      for (const [tenantId, { at }] of this.figures) if (at < oldest) this.figures.delete(tenantId);
    }
    return [...this.figures].map(([tenantId, { value }]) => [tenantId, value]);
  }
}

/**
 * A counter per tenant (`{tenant, ...labelNames}`), bounded by the rule above: a tenant gets a
 * label of its own when one is free, or when it has had more increments in the window than the
 * labelled tenant with the fewest (which then loses its label); otherwise its increments go to
 * `_other`.
 */
export class TenantCounter<L extends string = never> {
  private readonly counter: Counter<string>;
  private readonly maxTenants: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  /** Increments per tenant in the current and the previous window (the ranking). */
  private current = new Map<string, number>();
  private previous = new Map<string, number>();
  private windowStart: number;
  /** Labelled tenants, with the other labels' values each has a series for (to remove them all). */
  private readonly labelled = new Map<string, Map<string, Record<L, string>>>();

  constructor(options: TenantMetricOptions & { labelNames?: L[]; windowMs?: number; otherLabels?: Array<Record<L, string>> }) {
    this.maxTenants = options.maxTenants ?? MAX_TENANT_LABELS;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.now = options.now ?? Date.now;
    this.windowStart = this.now();
    const roll = () => this.roll();
    this.counter = new Counter({
      name: options.name,
      help: options.help,
      labelNames: ['tenant', ...(options.labelNames ?? [])],
      registers: [options.registry],
      collect() {
        // Windows move on (and quiet tenants leave) even when nothing is counted.
        roll();
      },
    });
    for (const labels of options.otherLabels ?? [{} as Record<L, string>]) this.counter.inc({ ...labels, tenant: OTHER_TENANTS }, 0);
  }

  /** Counts `by` for the tenant (under its own label or `_other`, by the rule above). */
  inc(tenantId: string, labels: Record<L, string> = {} as Record<L, string>, by = 1): void {
    this.roll();
    this.current.set(tenantId, (this.current.get(tenantId) ?? 0) + by);
    const tenant = this.labelFor(tenantId);
    if (tenant !== OTHER_TENANTS) this.labelled.get(tenant)!.set(JSON.stringify(labels), labels);
    this.counter.inc({ ...labels, tenant }, by);
  }

  private score(tenantId: string): number {
    return (this.current.get(tenantId) ?? 0) + (this.previous.get(tenantId) ?? 0);
  }

  private labelFor(tenantId: string): string {
    if (this.labelled.has(tenantId)) return tenantId;
    if (this.labelled.size >= this.maxTenants) {
      let weakest: string | undefined;
      for (const candidate of this.labelled.keys()) if (weakest === undefined || this.score(candidate) < this.score(weakest)) weakest = candidate;
      if (weakest === undefined || this.score(weakest) >= this.score(tenantId)) return OTHER_TENANTS;
      this.unlabel(weakest);
    }
    this.labelled.set(tenantId, new Map());
    return tenantId;
  }

  private unlabel(tenantId: string): void {
    for (const extra of this.labelled.get(tenantId)?.values() ?? []) this.counter.remove({ ...extra, tenant: tenantId });
    this.labelled.delete(tenantId);
  }

  private roll(): void {
    const elapsed = this.now() - this.windowStart;
    if (elapsed < this.windowMs) return;
    this.previous = elapsed < 2 * this.windowMs ? this.current : new Map();
    this.current = new Map();
    this.windowStart += Math.floor(elapsed / this.windowMs) * this.windowMs;
    for (const tenantId of [...this.labelled.keys()]) if (this.score(tenantId) === 0) this.unlabel(tenantId);
  }
}
