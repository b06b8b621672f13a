/**
 * Stored reports of scheduled job runs: which process ran what, when, and what it did.
 */
import type { Collection } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { CollectionSource } from '../../db/tenant-collection';

export interface JobRun {
  job: string;
  holder: string;
  trigger: 'schedule' | 'manual' | 'event';
  /** The cron tick a scheduled run belongs to (one run per tick across processes). */
  tick?: Date;
  startedAt: Date;
  finishedAt: Date;
  status: 'completed' | 'failed';
  report?: Record<string, unknown>;
  error?: string;
}

export const JOB_RUN_INDEXES: CollectionIndexes = {
  collection: 'job_runs',
  indexes: [{ key: { job: 1, startedAt: -1 }, name: 'job_startedAt' }],
};

export class JobRunRepository {
  private readonly runs: Collection<JobRun>;

  constructor(db: CollectionSource) {
    this.runs = db.collection<JobRun>(JOB_RUN_INDEXES.collection);
  }

  async record(run: JobRun): Promise<void> {
    await this.runs.insertOne({ ...run });
  }

  async latest(job: string, limit = 10): Promise<JobRun[]> {
    return this.runs
      .find({ job }, { projection: { _id: 0 } })
      .sort({ startedAt: -1 })
      .limit(limit)
      .toArray();
  }
}
