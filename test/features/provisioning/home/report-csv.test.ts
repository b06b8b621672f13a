import { REPORT_CSV_HEADER, reportCsvRows, reportFilename } from '../../../../src/features/provisioning/home/report-csv';
import type { SyncActionLine } from '../../../../src/features/provisioning/sync-run.repository';

const line = (seq: number, fields: Partial<SyncActionLine> = {}): SyncActionLine => ({
  runId: 'r',
  seq,
  kind: 'updated',
  memberId: `m-${seq}`,
  changes: [],
  outcome: 'applied',
  ...fields,
});

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('reportCsvRows', () => {
  it('gives one row per change, one row for an action without changes, the line’s member name (its id on old lines)', async () => {
    const rows = await collect(
      reportCsvRows(
        from([
          line(0, {
            kind: 'created',
            slackUserId: 'U1',
            memberName: 'Name of m-0',
            changes: [
              { field: 'name', after: 'Ada' },
              { field: 'avatarUrl', after: 'https://x/a.png' },
            ],
          }),
          line(1, { kind: 'skipped', slackUserId: 'U2', memberName: 'Name of m-1', detail: 'Slack shows no email for this user', outcome: 'applied' }),
          line(2, { kind: 'removed_from_team', changes: [{ field: 'team', before: 'Ops' }], outcome: 'failed', detail: 'boom' }),
        ]),
      ),
    );
    expect(REPORT_CSV_HEADER).toEqual(['Member', 'Slack user', 'Action', 'Field', 'Before', 'After', 'Outcome', 'Detail']);
    expect(rows).toEqual([
      ['Name of m-0', 'U1', 'created', 'name', '', 'Ada', 'applied', ''],
      ['Name of m-0', 'U1', 'created', 'profile picture', '', 'https://x/a.png', 'applied', ''],
      ['Name of m-1', 'U2', 'skipped', '', '', '', 'applied', 'Slack shows no email for this user'],
      ['m-2', '', 'removed from team', 'team', 'Ops', '', 'failed', 'boom'],
    ]);
  });

  it('writes each line’s rows as it arrives, never holding the report', async () => {
    const total = 1_003;
    let maxAhead = 0;
    let read = 0;
    let lineRowsWritten = 0;
    async function* lines(): AsyncGenerator<SyncActionLine> {
      for (let i = 0; i < total; i += 1) {
        read += 1;
        maxAhead = Math.max(maxAhead, read - lineRowsWritten);
        yield line(i, { memberName: `Member ${i}` });
      }
    }
    const names: string[] = [];
    for await (const row of reportCsvRows(lines())) {
      lineRowsWritten += 1;
      names.push(row[0]!);
    }
    expect(lineRowsWritten).toBe(total);
    expect(names.at(-1)).toBe(`Member ${total - 1}`);
    // The generator asks for the next line only after the previous line's row was taken.
    expect(maxAhead).toBe(1);
  });

  it('names the file after the run', () => {
    expect(reportFilename({ kind: 'sync', startedAt: new Date('2026-03-04T09:05:00Z') })).toBe('sync-report-2026-03-04-0905.csv');
    expect(reportFilename({ kind: 'preview', startedAt: new Date('2026-03-04T19:45:00Z') })).toBe('preview-report-2026-03-04-1945.csv');
  });
});
