/**
 * The run history of Ashby imports (`ashby_import_runs`): a run is inserted `running` when it
 * starts and replaced once with its outcome, so each run costs two writes whatever its size.
 */
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { CollectionIndexes } from '../../../db/indexes';
import { emptyCounts, type ImportRun, type ImportRunCounts, type ImportRunError, type ImportRunStatus, type ImportTrigger } from './import.types';
import type { CollectionSource } from '../../../db/tenant-collection';

interface ImportRunDocument extends Omit<ImportRun, 'id'> {
  _id: string;
}

export const ASHBY_IMPORT_RUN_INDEXES: CollectionIndexes = {
  collection: 'ashby_import_runs',
  indexes: [
    { key: { importId: 1, startedAt: -1 }, name: 'importId_startedAt' },
    // The resume job looks for running runs every minute; the history grows with every run.
    { key: { status: 1 }, name: 'status' },
  ],
};

export interface RunOutcome {
  status: Exclude<ImportRunStatus, 'running'>;
  counts: ImportRunCounts;
  errors: ImportRunError[];
  fullRead?: boolean;
  error?: string;
}

/** A process that died mid-run left its run `running`; the next run of the import closes it with this. */
export const ABANDONED_RUN_ERROR = 'The connector stopped during this run; the next run imported again.';

export class ImportRunRepository {
  private readonly runs: Collection<ImportRunDocument>;

  constructor(db: CollectionSource) {
    this.runs = db.collection<ImportRunDocument>(ASHBY_IMPORT_RUN_INDEXES.collection);
  }

  async start(importId: string, trigger: ImportTrigger, now: Date): Promise<ImportRun> {
    const doc: ImportRunDocument = { _id: `run-${randomUUID()}`, importId, trigger, status: 'running', counts: emptyCounts(), errors: [], startedAt: now };
    await this.runs.insertOne(doc);
    return toRun(doc);
  }

  async finish(run: ImportRun, outcome: RunOutcome, now: Date): Promise<ImportRun> {
    const doc: ImportRunDocument = {
      _id: run.id,
      importId: run.importId,
      trigger: run.trigger,
      status: outcome.status,
      counts: { ...outcome.counts },
      errors: outcome.errors.map((e) => ({ ...e })),
      ...(outcome.fullRead !== undefined ? { fullRead: outcome.fullRead } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      startedAt: run.startedAt,
      finishedAt: now,
    };
    await this.runs.replaceOne({ _id: run.id }, doc);
    return toRun(doc);
  }

  /** The imports with a run still marked running (a live run, or one whose process died). */
  async importIdsWithRunning(): Promise<string[]> {
    const docs = await this.runs.find({ status: 'running' }, { projection: { importId: 1 } }).toArray();
    return [...new Set(docs.map((d) => d.importId))].sort();
  }

  /**
   * Closes runs of `importId` still marked running. Called while holding the import's lease,
   * so none of them is really running: their process died.
   */
  async closeAbandoned(importId: string, now: Date): Promise<number> {
    const result = await this.runs.updateMany({ importId, status: 'running' }, { $set: { status: 'failed', error: ABANDONED_RUN_ERROR, finishedAt: now } });
    return result.modifiedCount;
  }

  async findById(id: string): Promise<ImportRun | undefined> {
    const doc = await this.runs.findOne({ _id: id });
    return doc ? toRun(doc) : undefined;
  }

  /** The latest runs of one import, newest first. */
  async latest(importId: string, limit: number): Promise<ImportRun[]> {
    return (await this.runs.find({ importId }).sort({ startedAt: -1, _id: -1 }).limit(limit).toArray()).map(toRun);
  }
}

function toRun(doc: ImportRunDocument): ImportRun {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest, counts: { ...emptyCounts(), ...rest.counts }, errors: rest.errors.map((e) => ({ ...e })) };
}
