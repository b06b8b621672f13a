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
 */
import type { Collection, Db, Filter } from 'mongodb';
import type { FieldChange, SyncActionKind } from './provisioning.types';
import { SYNC_ACTION_INDEXES, type SyncActionLine } from './sync-run.repository';

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

interface SyncActionDocument extends SyncActionLine {
  _id: string;
}

export class SyncReportRepository {
  private readonly actions: Collection<SyncActionDocument>;

  constructor(db: Db) {
    this.actions = db.collection<SyncActionDocument>(SYNC_ACTION_INDEXES.collection);
  }

  /** Up to `limit` lines after seq `after` (-1: from the start) that pass `filter`. */
  async pageAfter(runId: string, filter: ReportFilter, after: number, limit: number): Promise<ReportPage> {
    if (isEmpty(filter)) {
      const lines = await this.bySeq(runId, range(after + 1, limit + 1));
      return { lines: lines.slice(0, limit), more: lines.length > limit };
    }
    const docs = await this.actions
      .find({ ...toQuery(runId, filter), seq: { $gt: after } })
      .sort({ seq: 1 })
      .limit(limit + 1)
      .toArray();
    return { lines: docs.slice(0, limit).map(toLine), more: docs.length > limit };
  }

  /** Up to `limit` lines before seq `before` that pass `filter`, in seq order (the page before). */
  async pageBefore(runId: string, filter: ReportFilter, before: number, limit: number): Promise<ReportPage> {
    if (isEmpty(filter)) {
      const start = Math.max(0, before - limit);
      return { lines: await this.bySeq(runId, range(start, before - start)), more: start > 0 };
    }
    const docs = await this.actions
      .find({ ...toQuery(runId, filter), seq: { $lt: before } })
      .sort({ seq: -1 })
      .limit(limit + 1)
      .toArray();
    return { lines: docs.slice(0, limit).reverse().map(toLine), more: docs.length > limit };
  }

  /** The lines with these seqs, by `_id`, stopping at the first missing one (the report's end). */
  private async bySeq(runId: string, seqs: number[]): Promise<SyncActionLine[]> {
    const docs = await Promise.all(seqs.map((seq) => this.actions.findOne({ _id: `${runId}:${seq}` })));
    const lines: SyncActionLine[] = [];
    for (const doc of docs) {
      if (!doc) break;
      lines.push(toLine(doc));
    }
    return lines;
  }
}

function isEmpty(filter: ReportFilter): boolean {
  return filter.kind === undefined && filter.outcome === undefined && filter.field === undefined;
}

function toQuery(runId: string, filter: ReportFilter): Filter<SyncActionDocument> {
  return {
    runId,
    ...(filter.kind !== undefined ? { kind: filter.kind } : {}),
    ...(filter.outcome !== undefined ? { outcome: filter.outcome } : {}),
    ...(filter.field !== undefined ? { 'changes.field': filter.field } : {}),
  };
}

function range(start: number, count: number): number[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => start + i);
}

function toLine(doc: SyncActionDocument): SyncActionLine {
  const { _id, ...line } = doc;
  return line;
}
