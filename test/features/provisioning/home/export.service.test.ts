import { NAME_LOOKUP_CHUNK, REPORT_CSV_HEADER, reportCsvRows, reportFilename } from '../../../../src/features/provisioning/home/export.service';
import type { SyncActionLine } from '../../../../src/features/provisioning/sync-run.repository';

const line = (seq: number, fields: Partial<SyncActionLine> = {}): SyncActionLine => ({ runId: 'r', seq, kind: 'updated', memberId: `m-${seq}`, changes: [], outcome: 'applied', ...fields });

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('reportCsvRows', () => {
  it('gives one row per change, one row for an action without changes, names resolved, ids when gone', async () => {
    const rows = await collect(
      reportCsvRows(
        from([
          line(0, { kind: 'created', slackUserId: 'U1', changes: [{ field: 'name', after: 'Ada' }, { field: 'avatarUrl', after: 'https://x/a.png' }] }),
          line(1, { kind: 'skipped', slackUserId: 'U2', detail: 'Slack shows no email for this user', outcome: 'applied' }),
          line(2, { kind: 'removed_from_team', changes: [{ field: 'team', before: 'Ops' }], outcome: 'failed', detail: 'boom' }),
        ]),
        async (ids) => new Map(ids.filter((id) => id !== 'm-2').map((id) => [id, `Name of ${id}`])),
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

  it('looks names up a chunk at a time, never the whole report', async () => {
    const lookups: number[] = [];
    let maxRead = 0;
    let read = 0;
    let written = 0;
    async function* lines(): AsyncGenerator<SyncActionLine> {
      for (let i = 0; i < NAME_LOOKUP_CHUNK * 5 + 3; i += 1) {
        read += 1;
        maxRead = Math.max(maxRead, read - written);
        yield line(i);
      }
    }
    for await (const _row of reportCsvRows(lines(), async (ids) => (lookups.push(ids.length), new Map()))) written += 1;
    expect(written).toBe(NAME_LOOKUP_CHUNK * 5 + 3);
    expect(lookups).toEqual([...Array(5).fill(NAME_LOOKUP_CHUNK), 3]);
    expect(maxRead).toBeLessThanOrEqual(NAME_LOOKUP_CHUNK);
  });

  it('names the file after the run', () => {
    expect(reportFilename({ kind: 'sync', startedAt: new Date('2026-03-04T09:05:00Z') })).toBe('sync-report-2026-03-04-0905.csv');
    expect(reportFilename({ kind: 'preview', startedAt: new Date('2026-03-04T19:45:00Z') })).toBe('preview-report-2026-03-04-1945.csv');
  });
});
