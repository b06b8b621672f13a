/**
 * Which tenants a job has to visit (`tenant_job_markers`, cross-tenant): one small document per
 * tenant and job, `{_id: job|tenantId, job, tenantId, markedAt}`, written by whatever gives the
 * tenant work for that job (a sync or an import started, a notification handed off). A job
 * planned with `visits: 'marked'` reads the marked tenants of its name on each tick instead of
 * every installed tenant, so idle tenants cost that job nothing at all: its store traffic
 * follows the tenants with work, not the tenants registered.
 *
 * Nothing is lost between a writer and the job clearing the mark, because of the order:
 *
 * - a writer marks first (`markedAt` = now), then writes the work (e.g. a run marked running);
 * - the job looks for work first, and when it finds none, deletes the mark only if it was
 *   written more than a grace period before that look (`unmarkIfMarkedBefore`).
 *
 * Work written before the look is seen by it; work written after it was marked moments before
 * (a fresh `markedAt`), so that delete matches nothing. Only global indexes, no TTL, no
 * partial index: FerretDB 1.24 and MongoDB alike.
 */
import type { Collection, Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import { isDuplicateKey } from '../../db/store-errors';

interface MarkerDocument {
  /** `${job}|${tenantId}` */
  _id: string;
  job: string;
  tenantId: string;
  markedAt: Date;
}

/** A job's marked tenants are read by `job`, in tenant order. */
export const TENANT_JOB_MARKER_INDEXES: CollectionIndexes = {
  global: true,
  collection: 'tenant_job_markers',
  indexes: [{ key: { job: 1, tenantId: 1 }, name: 'job_tenant' }],
};

/**
 * How long before its look for work a job may delete a mark: far longer than a writer takes
 * between its mark and writing the work (one store round trip), so that write is never missed.
 */
export const MARK_GRACE_MS = 5 * 60_000;

export class TenantJobMarkers {
  private readonly markers: Collection<MarkerDocument>;

  constructor(db: Db) {
    this.markers = db.collection<MarkerDocument>(TENANT_JOB_MARKER_INDEXES.collection);
  }

  /** Marks `tenantId` as having work for `job`, as of `at`. */
  async mark(job: string, tenantId: string, at: Date): Promise<void> {
    try {
      await this.markers.updateOne({ _id: `${job}|${tenantId}` }, { $set: { job, tenantId, markedAt: at } }, { upsert: true });
    } catch (error) {
      // Two first marks at once: the other one inserted it.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** Deletes the mark unless it was (re)written at or after `before` (see the file comment). */
  async unmarkIfMarkedBefore(job: string, tenantId: string, before: Date): Promise<boolean> {
    return (await this.markers.deleteOne({ _id: `${job}|${tenantId}`, markedAt: { $lt: before } })).deletedCount === 1;
  }

  /** The tenants marked for `job`, in tenant order, a page at a time. */
  async *tenantsOf(job: string, batch = 500): AsyncGenerator<string> {
    let after = '';
    for (;;) {
      const page = await this.markers
        .find({ job, tenantId: { $gt: after } }, { projection: { tenantId: 1 } })
        .sort({ tenantId: 1 })
        .limit(batch)
        .toArray();
      for (const doc of page) yield doc.tenantId;
      if (page.length < batch) return;
      after = page[page.length - 1]!.tenantId;
    }
  }
}
