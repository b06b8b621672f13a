/**
 * Which tenants have notifications waiting (`delivery_tenants`, cross-tenant): one small
 * document per tenant with a queue, `{_id: tenantId, dueAt}`. The delivery worker reads the
 * due ones and claims tenant by tenant, so a tenant with a 100,000-notification backlog gets
 * its turn like any other instead of filling the head of one shared queue, and idle tenants
 * cost nothing.
 *
 * Nothing is ever lost between the two writers because of the order of their writes:
 *
 * - a hand-off inserts its queue entry first, then marks the tenant due now;
 * - the worker, finding a tenant's queue empty, unmarks it first, then looks at the queue
 *   again and marks it back if an entry arrived in between.
 *
 * Whatever the interleaving, an entry inserted before the worker's second look is seen by
 * it, and one inserted after is followed by its own mark. A tenant whose entries are not
 * claimable yet (waiting for a mapping, a member's earlier notification held elsewhere) is
 * marked due a little later instead, backing off while nothing comes of it. (On FerretDB,
 * whose updates read then write, a hand-off's mark can be overwritten by such a postponement;
 * the entry then waits at most that postponement, DELIVERY_TENANT_MAX_BACKOFF_MS.)
 */
import type { Collection, Db } from 'mongodb';
import type { CollectionIndexes } from '../../../db/indexes';
import { isDuplicateKey } from '../../../db/store-errors';

interface DeliveryTenantDocument {
  _id: string;
  dueAt: Date;
}

export const DELIVERY_TENANT_INDEXES: CollectionIndexes = { global: true, collection: 'delivery_tenants', indexes: [] };

/** The longest a tenant with unclaimable entries waits before its queue is looked at again. */
export const DELIVERY_TENANT_MAX_BACKOFF_MS = 30_000;

export class DeliveryTenants {
  private readonly tenants: Collection<DeliveryTenantDocument>;

  constructor(db: Db) {
    this.tenants = db.collection<DeliveryTenantDocument>(DELIVERY_TENANT_INDEXES.collection);
  }

  /** Marks `tenantId` due at `at` (a hand-off: now). */
  async markDue(tenantId: string, at: Date): Promise<void> {
    try {
      await this.tenants.updateOne({ _id: tenantId }, { $set: { dueAt: at } }, { upsert: true });
    } catch (error) {
      // Two first marks at once: the other one inserted it, due now as well.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** Tenants due by `now`, soonest first (the collection holds one document per tenant with a queue). */
  async due(now: Date, limit: number): Promise<string[]> {
    const docs = await this.tenants
      .find({ dueAt: { $lte: now } })
      .sort({ dueAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map((doc) => doc._id);
  }

  /** Unmarks `tenantId`, then marks it back when `hasQueue` says an entry arrived meanwhile (see the file comment). */
  async unmarkIfEmpty(tenantId: string, hasQueue: () => Promise<boolean>, now: Date): Promise<void> {
    await this.tenants.deleteOne({ _id: tenantId });
    if (await hasQueue()) await this.markDue(tenantId, now);
  }

  /** Every marked tenant (tests and metrics). */
  async all(): Promise<Array<{ tenantId: string; dueAt: Date }>> {
    return (await this.tenants.find({}).toArray()).map((doc) => ({ tenantId: doc._id, dueAt: doc.dueAt }));
  }
}
