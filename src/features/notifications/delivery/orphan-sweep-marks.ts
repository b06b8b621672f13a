/**
 * Marks a tenant for the orphan sweep when it hands off a notification, so the sweep visits
 * only tenants that handed off lately (idle tenants cost it nothing). At most once per
 * ORPHAN_MARK_REFRESH_MS per tenant and process: a hand-off between two marks is covered by
 * the earlier one, which the sweep keeps until every notification it could stand for is past
 * the sweep's age cut-off (see outbox-maintenance.job.ts). The tenants remembered are bounded.
 */
import type { Clock } from '../../../platform/clock';
import type { Scheduler } from '../../../platform/scheduler/scheduler';
import { TtlCache } from '../../../platform/ttl-cache';
import { currentTenantId } from '../../../tenancy/tenant-scope';
import { OUTBOX_JOBS } from './outbox-maintenance.job';

/** How long a process trusts its last mark of a tenant. */
export const ORPHAN_MARK_REFRESH_MS = 5 * 60_000;
/** Tenants whose last mark a process remembers; the least recent go first (marked again, harmlessly). */
const REMEMBERED_TENANTS = 10_000;

export class OrphanSweepMarks {
  private readonly marked: TtlCache<true>;

  constructor(
    private readonly scheduler: Pick<Scheduler, 'markTenant'>,
    private readonly clock: Clock,
  ) {
    this.marked = new TtlCache(ORPHAN_MARK_REFRESH_MS, REMEMBERED_TENANTS, () => clock.now().getTime());
  }

  /** Marks the current tenant unless this process did within ORPHAN_MARK_REFRESH_MS; call before the hand-off's first write. */
  async beforeHandOff(): Promise<void> {
    await this.marked.get(currentTenantId('an orphan sweep mark'), async () => {
      await this.scheduler.markTenant(OUTBOX_JOBS.requeueOrphans, this.clock.now());
      return true;
    });
  }
}
