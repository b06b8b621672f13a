/**
 * Leases decide which connector process runs a scheduled job: one document per job, taken
 * atomically when free or expired. A process that dies mid-job simply stops renewing, and the
 * lease is free again once it expires.
 */
import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';

interface LeaseDocument {
  _id: string;
  holder: string;
  acquiredAt: Date;
  expiresAt: Date;
}

export const LEASE_INDEXES: CollectionIndexes = {
  collection: 'leases',
  indexes: [{ key: { expiresAt: 1 }, name: 'expiresAt_1' }],
};

export class LeaseRepository {
  private readonly leases: Collection<LeaseDocument>;

  constructor(db: Db) {
    this.leases = db.collection<LeaseDocument>(LEASE_INDEXES.collection);
  }

  /**
   * Takes the lease `name` for `holder` until `now + ttlMs` if it is free, expired, or
   * already held by `holder` (a renewal). Returns false when another holder has it.
   */
  async acquire(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    try {
      const lease = await this.leases.findOneAndUpdate(
        { _id: name, $or: [{ expiresAt: { $lte: now } }, { holder }] },
        { $set: { holder, acquiredAt: now, expiresAt: new Date(now.getTime() + ttlMs) } },
        { upsert: true, returnDocument: 'after' },
      );
      return lease?.holder === holder;
    } catch (error) {
      // The filter missed a live lease of someone else, so the upsert collided with its _id.
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  /** Gives the lease up early, only if `holder` still has it. */
  async release(name: string, holder: string): Promise<void> {
    await this.leases.deleteOne({ _id: name, holder });
  }

  /** Who holds `name` right now, if anyone (expired leases count as free). */
  async holderOf(name: string, now: Date): Promise<string | undefined> {
    const lease = await this.leases.findOne({ _id: name });
    return lease && lease.expiresAt > now ? lease.holder : undefined;
  }
}
