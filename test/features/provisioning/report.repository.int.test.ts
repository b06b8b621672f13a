/**
 * Report pages against the embedded store: outcomes come from the run's watermark
 * (`appliedThrough`) and the failed lines, never from per-line writes of "applied".
 */
import { SyncReportRepository, type ReportFilter } from '../../../src/features/provisioning/report.repository';
import { SyncRunRepository, type SyncRun } from '../../../src/features/provisioning/sync-run.repository';
import type { SyncAction } from '../../../src/features/provisioning/provisioning.types';
import { openTestDatabase, type TestDatabase } from '../../support/store';

describe('SyncReportRepository', () => {
  let store: TestDatabase;
  let runs: SyncRunRepository;
  let report: SyncReportRepository;
  let run: SyncRun;

  beforeAll(async () => {
    store = await openTestDatabase('sync_report');
    runs = new SyncRunRepository(store.db);
    report = new SyncReportRepository(store.db);
    run = await runs.start('sync', 'manual', new Date());
    // Ten lines: 0–5 settled by the watermark (3 failed), 6–9 still planned (8 failed before a crash).
    const actions: SyncAction[] = Array.from({ length: 10 }, (_, i) => ({
      kind: i % 2 === 0 ? 'updated' : 'deactivated',
      memberId: `m-${i}`,
      changes: [{ field: i % 2 === 0 ? 'name' : 'status', after: `v${i}` }],
    }));
    await runs.addPlanned(run.id, actions);
    await runs.markFailed(run.id, 3, 'boom 3');
    await runs.markFailed(run.id, 8, 'boom 8');
    await runs.advanceWatermark(run.id, 5);
    run = (await runs.findById(run.id))!;
  });
  afterAll(() => store.dispose());

  const seqs = async (filter: ReportFilter, from: { after: number } | { before: number }, limit = 20) => {
    const page = 'after' in from ? await report.pageAfter(run, filter, from.after, limit) : await report.pageBefore(run, filter, from.before, limit);
    return { seqs: page.lines.map((l) => l.seq), outcomes: page.lines.map((l) => l.outcome), more: page.more };
  };

  it('reads each line’s outcome from the watermark and the stored failures', async () => {
    expect(run.appliedThrough).toBe(5);
    const page = await seqs({}, { after: -1 });
    expect(page.outcomes).toEqual(['applied', 'applied', 'applied', 'failed', 'applied', 'applied', 'planned', 'planned', 'failed', 'planned']);
    const streamed = [];
    for await (const line of runs.streamLines(run.id)) streamed.push(line.outcome);
    expect(streamed).toEqual(page.outcomes);
    expect((await report.pageAfter(run, {}, -1, 20)).lines[3]).toMatchObject({ detail: 'boom 3', outcome: 'failed' });
  });

  it('filters by outcome as seq ranges, forward and backward', async () => {
    expect(await seqs({ outcome: 'applied' }, { after: -1 })).toEqual({ seqs: [0, 1, 2, 4, 5], outcomes: Array(5).fill('applied'), more: false });
    expect(await seqs({ outcome: 'applied' }, { after: 1 }, 2)).toEqual({ seqs: [2, 4], outcomes: ['applied', 'applied'], more: true });
    expect((await seqs({ outcome: 'applied' }, { after: 5 })).seqs).toEqual([]);
    expect((await seqs({ outcome: 'applied' }, { before: 9 })).seqs).toEqual([0, 1, 2, 4, 5]);
    expect(await seqs({ outcome: 'applied' }, { before: 4 }, 2)).toEqual({ seqs: [1, 2], outcomes: ['applied', 'applied'], more: true });

    expect((await seqs({ outcome: 'planned' }, { after: -1 })).seqs).toEqual([6, 7, 9]);
    expect((await seqs({ outcome: 'planned' }, { after: 7 })).seqs).toEqual([9]);
    expect((await seqs({ outcome: 'planned' }, { before: 9 })).seqs).toEqual([6, 7]);
    expect((await seqs({ outcome: 'planned' }, { before: 6 })).seqs).toEqual([]);

    expect((await seqs({ outcome: 'failed' }, { after: -1 })).seqs).toEqual([3, 8]);
    expect((await seqs({ outcome: 'failed' }, { before: 8 })).seqs).toEqual([3]);
  });

  it('combines an outcome with a kind and a changed field', async () => {
    expect((await seqs({ outcome: 'applied', kind: 'deactivated' }, { after: -1 })).seqs).toEqual([1, 5]);
    expect((await seqs({ outcome: 'planned', field: 'name' }, { after: -1 })).seqs).toEqual([6]);
    expect((await seqs({ kind: 'updated' }, { after: -1 })).outcomes).toEqual(['applied', 'applied', 'applied', 'planned', 'failed']);
  });

  it('reads every line as planned before the watermark first moves', async () => {
    const fresh = await runs.start('sync', 'manual', new Date());
    await runs.addPlanned(fresh.id, [{ kind: 'skipped', memberId: 'm-x', changes: [] }]);
    expect((await report.pageAfter(fresh, {}, -1, 20)).lines.map((l) => l.outcome)).toEqual(['planned']);
    expect((await report.pageAfter(fresh, { outcome: 'applied' }, -1, 20)).lines).toEqual([]);
    expect((await report.pageAfter(fresh, { outcome: 'planned' }, -1, 20)).lines.map((l) => l.seq)).toEqual([0]);
  });
});
