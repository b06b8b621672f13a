/**
 * The CSV export of a sync report: rows for sendCsvToDm, built as the report's lines stream
 * from the store. One row per change (an action that changed a name and an email gives two
 * rows, each with the action and its outcome), one row for an action without changes
 * (skipped, failed): a spreadsheet can then filter by field. Each line carries its member's
 * name from the plan, so rows are written as lines arrive, with no lookup: memory stays at one
 * line however long the report. Formula neutralisation and quoting happen in the CSV writer,
 * for every cell.
 */
import type { SyncActionLine } from '../sync-run.repository';
import { FIELD_LABELS } from './report.view';
import { ACTION_LABELS } from './history.view';

export const REPORT_CSV_HEADER = ['Member', 'Slack user', 'Action', 'Field', 'Before', 'After', 'Outcome', 'Detail'] as const;

/** The rows of the export, in the report's order; `lines` is read once, as it arrives. */
export async function* reportCsvRows(lines: AsyncIterable<SyncActionLine>): AsyncGenerator<string[]> {
  for await (const line of lines) yield* rowsOf(line);
}

/** One line's rows (see the module comment); the member id stands in for a name on lines stored without one. */
export function rowsOf(line: SyncActionLine): string[][] {
  const member = line.memberName ?? line.memberId;
  const base = (field: string, before: string, after: string): string[] => [
    member,
    line.slackUserId ?? '',
    ACTION_LABELS[line.kind],
    field,
    before,
    after,
    line.outcome,
    line.detail ?? '',
  ];
  if (line.changes.length === 0) return [base('', '', '')];
  return line.changes.map((change) => base(FIELD_LABELS[change.field], change.before ?? '', change.after ?? ''));
}

/** `sync-report-2024-11-21-1530.csv` for a run started then (UTC). */
export function reportFilename(run: { kind: 'sync' | 'preview'; startedAt: Date }): string {
  const iso = run.startedAt.toISOString();
  return `${run.kind === 'preview' ? 'preview' : 'sync'}-report-${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}.csv`;
}
