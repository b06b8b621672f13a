/**
 * Leases decide which connector process runs a scheduled job: one lease per job name, held
 * until it expires. A process that dies mid-job stops renewing, and the lease is free again
 * once it expires.
 *
 * Taking over a free or expired lease is decided by a unique index, not by a filtered update:
 * FerretDB 1.24 (the embedded store) does not apply `updateOne`/`findOneAndUpdate` filters
 * atomically, so several processes could each "win" the same expired lease
 * (test/platform/scheduler/lease.repository.int.test.ts shows it). Instead each takeover
 * inserts a claim `name#generation`; of all processes that read the same expired generation,
 * exactly one insert succeeds. Inserts with a duplicate `_id` are atomic on every MongoDB.
 */
import { MongoServerError, type Collection } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { CollectionSource } from '../../db/tenant-collection';

interface LeaseDocument {
  _id: string;
  generation: number;
  holder: string;
  acquiredAt: Date;
  expiresAt: Date;
}

interface ClaimDocument {
  /** `${lease}#${generation}` */
  _id: string;
  holder: string;
  at: Date;
  ttlMs: number;
}

export const LEASE_INDEXES: CollectionIndexes = {
  collection: 'leases',
  indexes: [{ key: { expiresAt: 1 }, name: 'expiresAt_1' }],
};

export const LEASE_CLAIM_INDEXES: CollectionIndexes = { collection: 'lease_claims', indexes: [] };

/** Claims a stale winner left (it died between its claim and its lease write) are skipped over, at most this many in a row. */
const MAX_GENERATION_SKIPS = 5;

export class LeaseRepository {
  private readonly leases: Collection<LeaseDocument>;
  private readonly claims: Collection<ClaimDocument>;

  constructor(db: CollectionSource) {
    this.leases = db.collection<LeaseDocument>(LEASE_INDEXES.collection);
    this.claims = db.collection<ClaimDocument>(LEASE_CLAIM_INDEXES.collection);
  }

  /**
   * Takes the lease `name` for `holder` until `now + ttlMs` if it is free or expired, or renews
   * it if `holder` has it and it has not expired. Returns false when another holder has it, or
   * another process took it over at the same moment.
   */
  async acquire(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    const lease = await this.leases.findOne({ _id: name });
    if (lease && lease.expiresAt > now) {
      if (lease.holder !== holder) return false;
      // A live lease is renewed only by its holder; nobody else may take it before it expires.
      await this.leases.updateOne({ _id: name }, { $set: { expiresAt: new Date(now.getTime() + ttlMs) } });
      return true;
    }
    let generation = (lease?.generation ?? 0) + 1;
    for (let skips = 0; skips <= MAX_GENERATION_SKIPS; skips += 1) {
      const claimed = await this.claim(name, generation, holder, ttlMs, now);
      if (claimed === 'won') {
        await this.leases.replaceOne({ _id: name }, { generation, holder, acquiredAt: now, expiresAt: new Date(now.getTime() + ttlMs) }, { upsert: true });
        // Older claims are history now.
        await this.claims.deleteOne({ _id: `${name}#${generation - 2}` });
        return true;
      }
      if (claimed === 'lost') return false;
      generation += 1; // 'stale': its winner died before writing the lease; try the next one.
    }
    return false;
  }

  /** Gives the lease up early, only if `holder` still has it. */
  async release(name: string, holder: string): Promise<void> {
    const lease = await this.leases.findOne({ _id: name });
    if (lease?.holder === holder) await this.leases.updateOne({ _id: name }, { $set: { expiresAt: new Date(0) } });
  }

  /** Who holds `name` right now, if anyone (expired leases count as free). */
  async holderOf(name: string, now: Date): Promise<string | undefined> {
    const lease = await this.leases.findOne({ _id: name });
    return lease && lease.expiresAt > now ? lease.holder : undefined;
  }

  /** Inserts the claim of `generation`: won, lost to a live claimant, or stale (its winner is long gone). */
  private async claim(name: string, generation: number, holder: string, ttlMs: number, now: Date): Promise<'won' | 'lost' | 'stale'> {
    try {
      await this.claims.insertOne({ _id: `${name}#${generation}`, holder, at: now, ttlMs });
      return 'won';
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      const existing = await this.claims.findOne({ _id: `${name}#${generation}` });
      // Someone claimed this generation; if its lease would have expired by now and the lease
      // document never moved to it, that winner died between the two writes.
      const lease = await this.leases.findOne({ _id: name });
      const stale = existing !== null && existing.at.getTime() + existing.ttlMs <= now.getTime() && (lease?.generation ?? 0) < generation;
      return stale ? 'stale' : 'lost';
    }
  }
}
