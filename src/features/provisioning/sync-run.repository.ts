/**
 * The sync history: one document per run, and one per report line (`sync_actions`), so a
 * 50,000-line report is paged and exported without loading it whole.
 *
 * A line's outcome is not written line by line: FerretDB 1.24 scans the whole `sync_actions`
 * collection for every update (even by `_id`; `$in` is not pushed down), which made marking
 * lines applied most of a large sync's apply phase. Instead the run keeps a watermark,
 * `appliedThrough` (the last seq whose lines are all settled), advanced on the tiny `sync_runs`
 * after each batch; only a FAILED line is updated on its own (rare). A line's outcome is then
 * `failed` when stored so, else `applied` up to the watermark, else `planned` (see lineOutcome).
 */
import { randomUUID } from 'node:crypto';
import { MongoBulkWriteError, MongoServerError, type Collection } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { SyncAction, SyncActionKind } from './provisioning.types';
import type { CollectionSource } from '../../db/tenant-collection';

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
  /**
   * The last seq whose line is settled (applied, or failed and stored so); -1 or absent: none.
   * Lines after it are applied again by a resumed run, so applying a line must be idempotent.
   */
  appliedThrough?: number;
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

export type LineOutcome = 'planned' | 'applied' | 'failed';

/** A report line as readers see it: its outcome computed from the run's watermark. */
export interface SyncActionLine extends SyncAction {
  runId: string;
  /** Order within the run. */
  seq: number;
  outcome: LineOutcome;
}

/**
 * A report line as stored: `outcome` is written only when the line failed. (Reports written
 * before the watermark may also hold `applied` or `planned`; `applied` is still read as such.)
 */
export interface SyncActionDocument extends Omit<SyncActionLine, 'outcome'> {
  _id: string;
  outcome?: LineOutcome;
}

/** A line's outcome: failed when stored so, applied up to the run's watermark, else planned. */
export function lineOutcome(stored: LineOutcome | undefined, seq: number, appliedThrough: number | undefined): LineOutcome {
  if (stored === 'failed') return 'failed';
  if (stored === 'applied' || seq <= (appliedThrough ?? -1)) return 'applied';
  return 'planned';
}

/** The line readers see for a stored document. */
export function toLine(doc: SyncActionDocument, appliedThrough: number | undefined): SyncActionLine {
  const { _id, outcome, ...line } = doc;
  return { ...line, outcome: lineOutcome(outcome, doc.seq, appliedThrough) };
}

export const SYNC_RUN_INDEXES: CollectionIndexes = {
  collection: 'sync_runs',
  indexes: [
    { key: { startedAt: -1 }, name: 'startedAt_-1' },
    // The resume job looks for running runs every minute; the history grows with every sync.
    { key: { status: 1 }, name: 'status' },
  ],
};

/** Staged pages are read by `_id` (`<runId>:<index>`), the one lookup FerretDB 1.24 serves from an index. */
export const SYNC_PAGE_INDEXES: CollectionIndexes = { collection: 'sync_pages', indexes: [] };

export const SYNC_ACTION_INDEXES: CollectionIndexes = {
  collection: 'sync_actions',
  indexes: [{ key: { runId: 1, seq: 1 }, name: 'runId_seq' }],
};

const INSERT_BATCH = 1_000;
/** Plan inserts sent at once: FerretDB turns each into many row inserts, so two overlap usefully on two cores. */
const INSERTS_IN_FLIGHT = 2;

export class SyncRunRepository {
  private readonly runs: Collection<SyncRunDocument>;
  private readonly actions: Collection<SyncActionDocument>;
  private readonly pages: Collection<{ _id: string; runId: string; index: number; users: unknown[]; nextCursor?: string }>;

  constructor(db: CollectionSource) {
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
      await this.pages.insertOne({
        _id: `${runId}:${page.index}`,
        runId,
        index: page.index,
        users: page.users,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      });
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
   * Stores a run's planned report lines (`_id` = `<runId>:<seq>`), INSERTS_IN_FLIGHT batches at
   * a time (the order of the inserts does not matter: lines are read by seq). Lines already
   * there (a resumed run that had stored part of its plan) are kept as they are.
   */
  async addPlanned(runId: string, actions: readonly SyncAction[]): Promise<void> {
    const insertBatch = async (from: number) => {
      const batch = actions.slice(from, from + INSERT_BATCH).map((action, j) => ({ _id: `${runId}:${from + j}`, runId, seq: from + j, ...action }));
      try {
        await this.actions.insertMany(batch, { ordered: false });
      } catch (error) {
        const duplicatesOnly =
          error instanceof MongoBulkWriteError && (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).every((e) => e.code === 11000);
        if (!duplicatesOnly) throw error;
      }
    };
    for (let i = 0; i < actions.length; i += INSERT_BATCH * INSERTS_IN_FLIGHT) {
      const starts = Array.from({ length: INSERTS_IN_FLIGHT }, (_, k) => i + k * INSERT_BATCH).filter((from) => from < actions.length);
      await Promise.all(starts.map(insertBatch));
    }
  }

  /**
   * Records that every line up to `seq` is settled: one small update of the run, however many
   * lines. Callers advance it only past lines whose effects (and failures) are written.
   */
  async advanceWatermark(runId: string, seq: number): Promise<void> {
    await this.runs.updateOne({ _id: runId }, { $set: { appliedThrough: seq } });
  }

  /** Records one line's failure (the only per-line update: failures are rare). */
  async markFailed(runId: string, seq: number, detail: string): Promise<void> {
    await this.actions.updateOne({ _id: `${runId}:${seq}` }, { $set: { outcome: 'failed', detail } });
  }

  /** A run's report lines in order, streamed, each with its outcome as of the run's watermark now. */
  async *streamLines(runId: string): AsyncGenerator<SyncActionLine> {
    const run = await this.runs.findOne({ _id: runId }, { projection: { appliedThrough: 1 } });
    const appliedThrough = run?.appliedThrough;
    for await (const doc of this.actions.find({ runId }).sort({ seq: 1 })) yield toLine(doc, appliedThrough);
  }
}

function toRun(doc: SyncRunDocument): SyncRun {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}
