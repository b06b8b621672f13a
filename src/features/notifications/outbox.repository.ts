/**
 * The notification outbox, as the rest of the feature uses it: one object over its four parts
 * in `./outbox/`, each a small repository with one job —
 *
 * - `outbox-collections.repository.ts`: the collections, their documents and indexes, and why
 *   everything on the delivery path is an insert (FerretDB 1.24 updates by scanning);
 * - `outbox-handoff.repository.ts`: `enqueue` (idempotent by id) and `recordOpened`;
 * - `outbox-claims.repository.ts`: the claim protocol (tickets, leases, outcomes, releases);
 * - `outbox-reads.repository.ts`: statuses, a member's recent notifications, counts;
 * - `outbox-maintenance.repository.ts`: requeueing orphans and retention.
 *
 * Callers that need one part take `Pick<OutboxRepository, …>` of it.
 */
import type { Notification, NotificationRequest, NotificationStatus, SkipReason, SlackMessageRef } from './notification.types';
import { OutboxClaims, type OutcomeOptions, type ReleaseOutcome } from './outbox/outbox-claims.repository';
import { openOutboxCollections } from './outbox/outbox-collections.repository';
import { OutboxHandoff, type EnqueueResult, type RecordOpenedResult } from './outbox/outbox-handoff.repository';
import { OutboxMaintenance } from './outbox/outbox-maintenance.repository';
import { OutboxReads } from './outbox/outbox-reads.repository';
import type { CollectionSource } from '../../db/tenant-collection';
import { currentTenantId } from '../../tenancy/tenant-scope';
import type { DeliveryTenants } from './outbox/delivery-tenants.repository';

export type { OutcomeOptions, ReleaseOutcome, ResolvedRecipient } from './outbox/outbox-claims.repository';
export {
  NOTIFICATION_CLAIM_INDEXES,
  NOTIFICATION_OPEN_INDEXES,
  NOTIFICATION_OUTCOME_INDEXES,
  NOTIFICATION_QUEUE_INDEXES,
  OUTBOX_INDEXES,
} from './outbox/outbox-collections.repository';
export type { EnqueueResult, RecordOpenedResult } from './outbox/outbox-handoff.repository';

export class OutboxRepository {
  private readonly handoff: OutboxHandoff;
  private readonly claims: OutboxClaims;
  private readonly reads: OutboxReads;
  private readonly maintenance: OutboxMaintenance;

  private readonly collections: ReturnType<typeof openOutboxCollections>;

  /**
   * `dueTenants`: where a hand-off marks its tenant due for the delivery worker (see
   * delivery-tenants.repository.ts). Required: a queue entry whose tenant is not marked would
   * wait until the worker's periodic sweep instead of going out at once.
   */
  constructor(
    db: CollectionSource,
    private readonly dueTenants: DeliveryTenants,
    /** Marks the tenant for the orphan sweep before a hand-off writes (the connector always passes it; tests of the outbox alone may not). */
    private readonly sweepMarks?: { beforeHandOff(): Promise<void> },
  ) {
    const collections = openOutboxCollections(db);
    this.collections = collections;
    this.reads = new OutboxReads(collections);
    this.handoff = new OutboxHandoff(collections, this.reads);
    this.claims = new OutboxClaims(collections);
    this.maintenance = new OutboxMaintenance(collections);
  }

  // Hand-off.
  async enqueue(request: NotificationRequest, fingerprint: string, now: Date): Promise<EnqueueResult> {
    // Before the first write: a crash between the two inserts leaves an orphan the sweep must find.
    await this.sweepMarks?.beforeHandOff();
    const result = await this.handoff.enqueue(request, fingerprint, now);
    // After the queue entry (see delivery-tenants.repository.ts); a duplicate may have restored one.
    if (result.outcome === 'created' || result.existing.status === 'queued') await this.markDue(now);
    return result;
  }

  /** Whether the current tenant has anything in its queue. */
  async hasQueue(): Promise<boolean> {
    return (
      (
        await this.collections.queue
          .find({}, { projection: { _id: 1 } })
          .limit(1)
          .toArray()
      ).length > 0
    );
  }
  recordOpened(id: string, at: Date): Promise<RecordOpenedResult> {
    return this.handoff.recordOpened(id, at);
  }

  // Claims.
  claimNext(holder: string, leaseMs: number, now: Date): Promise<Notification | undefined> {
    return this.claims.claimNext(holder, leaseMs, now);
  }
  claimBatch(holder: string, leaseMs: number, now: Date, max: number): Promise<Notification[]> {
    return this.claims.claimBatch(holder, leaseMs, now, max);
  }
  extendLease(id: string, holder: string, expiresAt: Date, now: Date): Promise<boolean> {
    return this.claims.extendLease(id, holder, expiresAt, now);
  }
  markDelivered(id: string, holder: string, slack: SlackMessageRef, now: Date, options?: OutcomeOptions): Promise<boolean> {
    return this.claims.markDelivered(id, holder, slack, now, options);
  }
  markSkipped(id: string, holder: string, reason: SkipReason, now: Date, options?: OutcomeOptions): Promise<boolean> {
    return this.claims.markSkipped(id, holder, reason, now, options);
  }
  markFailed(id: string, holder: string, error: string, now: Date, options?: OutcomeOptions): Promise<boolean> {
    return this.claims.markFailed(id, holder, error, now, options);
  }
  release(id: string, holder: string, availableAt: Date, now: Date, outcome?: ReleaseOutcome): Promise<boolean> {
    return this.claims.release(id, holder, availableAt, now, outcome);
  }

  // Reads.
  findById(id: string): Promise<Notification | undefined> {
    return this.reads.findById(id);
  }
  listRecentForMember(memberId: string, limit: number): Promise<Notification[]> {
    return this.reads.listRecentForMember(memberId, limit);
  }
  countByStatus(): Promise<Record<NotificationStatus, number>> {
    return this.reads.countByStatus();
  }
  backlog(): Promise<number> {
    return this.reads.backlog();
  }

  // Maintenance.
  async requeueOrphans(before: Date): Promise<number> {
    const restored = await this.maintenance.requeueOrphans(before);
    if (restored > 0) await this.markDue(before);
    return restored;
  }

  private async markDue(now: Date): Promise<void> {
    await this.dueTenants.markDue(currentTenantId('the delivery queue'), now);
  }
  deleteFinishedBefore(date: Date): Promise<number> {
    return this.maintenance.deleteFinishedBefore(date);
  }
}
