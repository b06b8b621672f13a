/**
 * The sync history: one document per run, and one per report line (`sync_actions`, inserted
 * once and updated only with its outcome), so a 50,000-line report is paged and exported
 * without loading it whole.
 */
import { randomUUID } from 'node:crypto';
import { MongoBulkWriteError, MongoServerError, type Collection, type Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { SyncAction, SyncActionKind } from './provisioning.types';

export const SYNC_RUN_STATUSES = ['pending', 'running', 'completed', 'completed_with_errors', 'failed', 'needs_review'] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

export interface SyncRun {
  id: string;
  /** `preview` plans without writing anything. */
  kind: 'sync' | 'preview';
  trigger: 'schedule' | 'manual';
  status: SyncRunStatus;
  startedAt: Date;
  finishedAt?: Date;
  /** Report lines by kind, as planned (then as applied). */
  counts: Partial<Record<SyncActionKind, number>>;
  /** Slack users read so far (progress for the App Home). */
  usersRead: number;
  /**
   * How far a sync got, so a run whose process died is resumed rather than started over:
   * reading Slack (its pages are staged in `sync_pages`), or applying its stored plan.
   */
  phase?: 'reading' | 'applying';
  error?: string;
}

/** One users.list page a run read, kept until the run ends. */
export interface StagedPage<User> {
  index: number;
  users: User[];
  /** The cursor of the page after this one; undefined on the last page. */
  nextCursor?: string;
}

interface SyncRunDocument extends Omit<SyncRun, 'id'> {
  _id: string;
}

/** A report line as stored. */
export interface SyncActionLine extends SyncAction {
  runId: string;
  /** Order within the run. */
  seq: number;
  /** planned → applied | failed. */
  outcome: 'planned' | 'applied' | 'failed';
}

interface SyncActionDocument extends SyncActionLine {
  _id: string;
}

export const SYNC_RUN_INDEXES: CollectionIndexes = {
  collection: 'sync_runs',
  indexes: [{ key: { startedAt: -1 }, name: 'startedAt_-1' }],
};

/** Staged pages are read by `_id` (`<runId>:<index>`), the one lookup FerretDB 1.24 serves from an index. */
export const SYNC_PAGE_INDEXES: CollectionIndexes = { collection: 'sync_pages', indexes: [] };

export const SYNC_ACTION_INDEXES: CollectionIndexes = {
  collection: 'sync_actions',
  indexes: [{ key: { runId: 1, seq: 1 }, name: 'runId_seq' }],
};

const INSERT_BATCH = 1_000;

export class SyncRunRepository {
  private readonly runs: Collection<SyncRunDocument>;
  private readonly actions: Collection<SyncActionDocument>;
  private readonly pages: Collection<{ _id: string; runId: string; index: number; users: unknown[]; nextCursor?: string }>;

  constructor(db: Db) {
    this.runs = db.collection<SyncRunDocument>(SYNC_RUN_INDEXES.collection);
    this.actions = db.collection<SyncActionDocument>(SYNC_ACTION_INDEXES.collection);
    this.pages = db.collection(SYNC_PAGE_INDEXES.collection);
  }

  /** Sync runs still marked running: after a crash, the ones to resume (or to close). */
  async findRunning(): Promise<SyncRun[]> {
    return (await this.runs.find({ status: 'running' }).toArray()).map(toRun);
  }

  /** Keeps one page a run read (inserted once; a page staged twice keeps the first). */
  async stagePage<User>(runId: string, page: StagedPage<User>): Promise<void> {
    try {
      await this.pages.insertOne({ _id: `${runId}:${page.index}`, runId, index: page.index, users: page.users, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
    }
  }

  /** The pages a run staged, in order (read by `_id`, one after another, until one is missing). */
  async stagedPages<User>(runId: string): Promise<Array<StagedPage<User>>> {
    const pages: Array<StagedPage<User>> = [];
    for (let index = 0; ; index += 1) {
      const doc = await this.pages.findOne({ _id: `${runId}:${index}` });
      if (!doc) return pages;
      pages.push({ index, users: doc.users as User[], ...(doc.nextCursor ? { nextCursor: doc.nextCursor } : {}) });
    }
  }

  /** Drops a finished run's staged pages. */
  async dropPages(runId: string): Promise<void> {
    await this.pages.deleteMany({ runId });
  }

  async start(kind: SyncRun['kind'], trigger: SyncRun['trigger'], now: Date): Promise<SyncRun> {
    const run: SyncRun = { id: randomUUID(), kind, trigger, status: 'running', startedAt: now, counts: {}, usersRead: 0 };
    const { id, ...rest } = run;
    await this.runs.insertOne({ _id: id, ...rest });
    return run;
  }

  async update(id: string, fields: Partial<Omit<SyncRun, 'id' | 'kind' | 'trigger' | 'startedAt'>>): Promise<void> {
    await this.runs.updateOne({ _id: id }, { $set: fields });
  }

  async findById(id: string): Promise<SyncRun | undefined> {
    const doc = await this.runs.findOne({ _id: id });
    return doc ? toRun(doc) : undefined;
  }

  /** The most recent runs, newest first. */
  async latest(limit: number): Promise<SyncRun[]> {
    return (await this.runs.find({}).sort({ startedAt: -1 }).limit(limit).toArray()).map(toRun);
  }

  /**
   * Stores a run's planned report lines, in order. Lines already there (a resumed run that had
   * stored part of its plan) are kept as they are.
   */
  async addPlanned(runId: string, actions: readonly SyncAction[]): Promise<void> {
    for (let i = 0; i < actions.length; i += INSERT_BATCH) {
      const batch = actions.slice(i, i + INSERT_BATCH).map((action, j) => ({ _id: `${runId}:${i + j}`, runId, seq: i + j, outcome: 'planned' as const, ...action }));
      try {
        await this.actions.insertMany(batch, { ordered: false });
      } catch (error) {
        const duplicatesOnly = error instanceof MongoBulkWriteError && (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).every((e) => e.code === 11000);
        if (!duplicatesOnly) throw error;
      }
    }
  }

  /** Marks many lines applied in one command. */
  async markManyApplied(runId: string, seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.actions.updateMany({ _id: { $in: seqs.map((seq) => `${runId}:${seq}`) } }, { $set: { outcome: 'applied' } });
  }

  async markApplied(runId: string, seq: number, outcome: 'applied' | 'failed', detail?: string): Promise<void> {
    await this.actions.updateOne({ _id: `${runId}:${seq}` }, { $set: { outcome, ...(detail !== undefined ? { detail } : {}) } });
  }

  /** A run's report lines in order, streamed. */
  async *streamLines(runId: string): AsyncGenerator<SyncActionLine> {
    for await (const doc of this.actions.find({ runId }).sort({ seq: 1 })) {
      const { _id, ...line } = doc;
      yield line;
    }
  }
}

function toRun(doc: SyncRunDocument): SyncRun {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}
