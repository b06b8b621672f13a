/**
 * Reading a sync run's report (`sync_actions`) a page at a time, for the report modal, and
 * whole, as a stream, for the CSV export. Lines are never loaded all at once.
 *
 * A separate class over the collection SyncRunRepository writes (sync-run.repository.ts keeps
 * the writes; this file only reads), so the report screens do not touch the sync's code.
 *
 * Paging is by `seq` (a line's order in its run), never by skip:
 * - Unfiltered, a page is read by `_id` (`${runId}:${seq}`, seqs run 0…n-1 without gaps):
 *   FerretDB 1.24 uses an index only for `{_id: x}` equality, so a page costs `limit + 1`
 *   indexed lookups however long the report.
 * - Filtered, `{runId, seq: {$gt: after}, …filter}` sorted by seq with a limit: an index
 *   range on MongoDB (`runId_seq`); a scan on FerretDB, which no query shape avoids for a
 *   filter on outcome, kind or changed field.
 *
 * Outcomes are not stored line by line (see sync-run.repository.ts): the run's watermark
 * `appliedThrough` splits its lines into applied (seq up to it) and planned (after it), and only
 * failed lines say so. An outcome filter is therefore a seq range plus "not failed", or
 * `outcome: 'failed'`.
 */
import type { Collection, Filter } from 'mongodb';
import type { FieldChange, SyncActionKind } from './provisioning.types';
import { SYNC_ACTION_INDEXES, toLine, type SyncActionDocument, type SyncActionLine, type SyncRun } from './sync-run.repository';
import type { CollectionSource } from '../../db/tenant-collection';

export const REPORT_OUTCOMES = ['planned', 'applied', 'failed'] as const;
export type ReportOutcome = (typeof REPORT_OUTCOMES)[number];

/** What the report modal narrows the lines to; every part optional. */
export interface ReportFilter {
  kind?: SyncActionKind;
  outcome?: ReportOutcome;
  /** Lines with a change of this field. */
  field?: FieldChange['field'];
}

export interface ReportPage {
  /** In `seq` order. */
  lines: SyncActionLine[];
  /** Whether more lines lie beyond this page in the direction it was read. */
  more: boolean;
}

/** The run a report belongs to: its id and its watermark. */
export type ReportRun = Pick<SyncRun, 'id' | 'appliedThrough'>;

export class SyncReportRepository {
  private readonly actions: Collection<SyncActionDocument>;

  constructor(db: CollectionSource) {
    this.actions = db.collection<SyncActionDocument>(SYNC_ACTION_INDEXES.collection);
  }

  /** Up to `limit` lines of `run` after seq `after` (-1: from the start) that pass `filter`. */
  async pageAfter(run: ReportRun, filter: ReportFilter, after: number, limit: number): Promise<ReportPage> {
    if (isEmpty(filter)) {
      const lines = await this.bySeq(run, range(after + 1, limit + 1));
      return { lines: lines.slice(0, limit), more: lines.length > limit };
    }
    const query = toQuery(run, filter, { $gt: after });
    if (!query) return { lines: [], more: false };
    const docs = await this.actions
      .find(query)
      .sort({ seq: 1 })
      .limit(limit + 1)
      .toArray();
    return { lines: docs.slice(0, limit).map((doc) => toLine(doc, run.appliedThrough)), more: docs.length > limit };
  }

  /** Up to `limit` lines of `run` before seq `before` that pass `filter`, in seq order (the page before). */
  async pageBefore(run: ReportRun, filter: ReportFilter, before: number, limit: number): Promise<ReportPage> {
    if (isEmpty(filter)) {
      const start = Math.max(0, before - limit);
      return { lines: await this.bySeq(run, range(start, before - start)), more: start > 0 };
    }
    const query = toQuery(run, filter, { $lt: before });
    if (!query) return { lines: [], more: false };
    const docs = await this.actions
      .find(query)
      .sort({ seq: -1 })
      .limit(limit + 1)
      .toArray();
    return {
      lines: docs
        .slice(0, limit)
        .reverse()
        .map((doc) => toLine(doc, run.appliedThrough)),
      more: docs.length > limit,
    };
  }

  /** The lines with these seqs, by `_id`, stopping at the first missing one (the report's end). */
  private async bySeq(run: ReportRun, seqs: number[]): Promise<SyncActionLine[]> {
    const docs = await Promise.all(seqs.map((seq) => this.actions.findOne({ _id: `${run.id}:${seq}` })));
    const lines: SyncActionLine[] = [];
    for (const doc of docs) {
      if (!doc) break;
      lines.push(toLine(doc, run.appliedThrough));
    }
    return lines;
  }
}

function isEmpty(filter: ReportFilter): boolean {
  return filter.kind === undefined && filter.outcome === undefined && filter.field === undefined;
}

type SeqBound = { $gt: number } | { $lt: number };

/**
 * The query for `filter` within `bound`; undefined when no line can match (an outcome whose
 * seq range is empty: nothing applied yet, or nothing left planned). Seqs start at 0.
 */
function toQuery(run: ReportRun, filter: ReportFilter, bound: SeqBound): Filter<SyncActionDocument> | undefined {
  const watermark = run.appliedThrough ?? -1;
  const forward = '$gt' in bound;
  let seq: { $gt?: number; $lte?: number; $lt?: number } = bound;
  let outcome: Filter<SyncActionDocument>['outcome'] | undefined;
  switch (filter.outcome) {
    case 'failed':
      outcome = 'failed';
      break;
    case 'applied':
      // Up to the watermark, not failed.
      if (forward ? bound.$gt >= watermark : Math.min(bound.$lt, watermark + 1) <= 0) return undefined;
      seq = forward ? { $gt: bound.$gt, $lte: watermark } : { $lt: Math.min(bound.$lt, watermark + 1) };
      outcome = { $ne: 'failed' };
      break;
    case 'planned':
      // After the watermark, not failed (nor applied, in a report stored before the watermark).
      if (!forward && bound.$lt - 1 <= watermark) return undefined;
      seq = forward ? { $gt: Math.max(bound.$gt, watermark) } : { $gt: watermark, $lt: bound.$lt };
      outcome = { $nin: ['failed', 'applied'] };
      break;
    case undefined:
      break;
  }
  return {
    runId: run.id,
    seq,
    ...(outcome !== undefined ? { outcome } : {}),
    ...(filter.kind !== undefined ? { kind: filter.kind } : {}),
    ...(filter.field !== undefined ? { 'changes.field': filter.field } : {}),
  };
}

function range(start: number, count: number): number[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => start + i);
}
