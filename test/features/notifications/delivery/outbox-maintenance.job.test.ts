/**
 * The outbox's housekeeping jobs: what they pass to the repository, and that they never run
 * at the same time (retention removes tickets requeueOrphans reads).
 */
import { requeueOrphansJob, retentionJob } from '../../../../src/features/notifications/delivery/outbox-maintenance.job';
import { createLogger } from '../../../../src/platform/logger';

const now = new Date('2026-11-22T04:20:00Z');
const unmarkedBefore: Date[] = [];
const context = {
  now,
  clock: { now: () => now },
  logger: createLogger({ level: 'silent' }).logger,
  trigger: 'schedule' as const,
  unmarkIfMarkedBefore: async (before: Date) => void unmarkedBefore.push(before),
};

describe('outbox jobs', () => {
  it('removes what finished more than the retention period ago', async () => {
    const cutoffs: Date[] = [];
    const job = retentionJob({ deleteFinishedBefore: async (date) => (cutoffs.push(date), 3) }, 30);
    expect(await job.run(context)).toEqual({ deleted: 3, finishedBefore: '2026-10-23T04:20:00.000Z' });
    expect(cutoffs).toEqual([new Date('2026-10-23T04:20:00Z')]);
  });

  it('requeues orphans older than five minutes only', async () => {
    const cutoffs: Date[] = [];
    const job = requeueOrphansJob({ requeueOrphans: async (before) => (cutoffs.push(before), 1) });
    expect(await job.run(context)).toEqual({ requeued: 1 });
    expect(cutoffs).toEqual([new Date('2026-11-22T04:15:00Z')]);
    // The tenant's mark goes only if it was written before every hand-off it stands for
    // (marks are refreshed every 5 minutes, plus a minute for clocks) was past that cut-off.
    expect(unmarkedBefore).toEqual([new Date('2026-11-22T04:09:00Z')]);
    expect(job.visits).toBe('marked');
  });

  it('share one lease, so they never run together in any process', () => {
    const retention = retentionJob({ deleteFinishedBefore: async () => 0 }, 30);
    const orphans = requeueOrphansJob({ requeueOrphans: async () => 0 });
    expect(retention.lease).toBeDefined();
    expect(retention.lease).toBe(orphans.lease);
    expect(retention.name).not.toBe(orphans.name);
  });
});
