/**
 * The CSV export of a sync report: rows for sendCsvToDm, built as the report's lines stream
 * from the store. One row per change (an action that changed a name and an email gives two
 * rows, each with the action and its outcome), one row for an action without changes
 * (skipped, failed): a spreadsheet can then filter by field. Member names are looked up a
 * chunk of lines at a time, so memory stays at one chunk however long the report.
 * Formula neutralisation and quoting happen in the CSV writer, for every cell.
 */
import type { SyncActionLine } from '../sync-run.repository';
import { FIELD_LABELS } from './report.view';
import { ACTION_LABELS } from './history.view';

export const REPORT_CSV_HEADER = ['Member', 'Slack user', 'Action', 'Field', 'Before', 'After', 'Outcome', 'Detail'] as const;

/** Lines whose members are looked up together. */
export const NAME_LOOKUP_CHUNK = 200;

/** Member id → name, for the ids that still exist. */
export type ResolveNames = (memberIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/** The rows of the export, in the report's order; `lines` is read once, as it arrives. */
export async function* reportCsvRows(lines: AsyncIterable<SyncActionLine>, resolveNames: ResolveNames): AsyncGenerator<string[]> {
  let chunk: SyncActionLine[] = [];
  const flush = async function* (): AsyncGenerator<string[]> {
    const names = await resolveNames([...new Set(chunk.map((line) => line.memberId))]);
    for (const line of chunk) yield* rowsOf(line, names.get(line.memberId) ?? line.memberId);
    chunk = [];
  };
  for await (const line of lines) {
    chunk.push(line);
    if (chunk.length >= NAME_LOOKUP_CHUNK) yield* flush();
  }
  if (chunk.length > 0) yield* flush();
}

/** One line's rows (see the module comment). */
export function rowsOf(line: SyncActionLine, member: string): string[][] {
  const base = (field: string, before: string, after: string): string[] => [member, line.slackUserId ?? '', ACTION_LABELS[line.kind], field, before, after, line.outcome, line.detail ?? ''];
  if (line.changes.length === 0) return [base('', '', '')];
  return line.changes.map((change) => base(FIELD_LABELS[change.field], change.before ?? '', change.after ?? ''));
}

/** `sync-report-2024-11-21-1530.csv` for a run started then (UTC). */
export function reportFilename(run: { kind: 'sync' | 'preview'; startedAt: Date }): string {
  const iso = run.startedAt.toISOString();
  return `${run.kind === 'preview' ? 'preview' : 'sync'}-report-${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}.csv`;
}
