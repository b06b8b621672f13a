/**
 * One run per cron tick across all connector processes. Every process's cron fires on the same
 * tick; the job's lease stops two runs at once but not two in a row: a job that ends in half a
 * second frees its lease before a process whose timer fired a little late asks for it. So the
 * first process to insert `job@tick` runs that tick and the others skip it (an insert with a
 * duplicate `_id` is decided atomically by every MongoDB, FerretDB included).
 */
import { MongoServerError, type Collection } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { CollectionSource } from '../../db/tenant-collection';

interface TickDocument {
  /** `${job}@${tick ISO}` */
  _id: string;
  job: string;
  tick: Date;
  holder: string;
}

/** Looked up by `_id` only; old ticks are pruned by job. */
export const JOB_TICK_INDEXES: CollectionIndexes = { collection: 'job_ticks', indexes: [] };

/** Ticks are kept this long: long enough to read back what ran, short enough to stay small. */
const KEEP_TICKS_MS = 7 * 24 * 60 * 60 * 1000;

export class JobTickRepository {
  private readonly ticks: Collection<TickDocument>;

  constructor(db: CollectionSource) {
    this.ticks = db.collection<TickDocument>(JOB_TICK_INDEXES.collection);
  }

  /** True for the one process that takes `tick` of `job`; false for every other. */
  async claim(job: string, tick: Date, holder: string): Promise<boolean> {
    try {
      await this.ticks.insertOne({ _id: `${job}@${tick.toISOString()}`, job, tick, holder });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
    await this.ticks.deleteMany({ job, tick: { $lt: new Date(tick.getTime() - KEEP_TICKS_MS) } });
    return true;
  }
}
