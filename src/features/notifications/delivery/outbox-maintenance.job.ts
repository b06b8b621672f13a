/**
 * The outbox's housekeeping, run by the scheduler once across processes:
 *
 * - retention: delivered and skipped notifications are removed `retentionDays` after they
 *   finished (failed ones stay for people to investigate); FerretDB has no TTL indexes.
 * - orphans: unfinished notifications that lost their queue entry (a crash between two
 *   writes) are put back in the queue. Both read the whole outbox, so they run now and then.
 *   The orphan sweep visits only tenants marked by a hand-off (orphan-sweep-marks.ts) and
 *   unmarks a tenant once every notification its mark stands for is past the age cut-off.
 */
import type { JobDefinition } from '../../../platform/scheduler/scheduler';
import type { OutboxRepository } from '../outbox.repository';

export const OUTBOX_JOBS = {
  retention: 'notifications.retention',
  requeueOrphans: 'notifications.requeue_orphans',
} as const;

/**
 * One lease for both: retention removes tickets that requeueOrphans must see, so they never
 * run at the same time (in any process).
 */
export const OUTBOX_HOUSEKEEPING_LEASE = 'notifications.housekeeping';

/** Daily, at a quiet hour. */
export const RETENTION_CRON = '20 4 * * *';
/** Every quarter of an hour; also once when the worker starts. */
export const REQUEUE_ORPHANS_CRON = '*/15 * * * *';
/** Only notifications untouched this long: an enqueue or a claim in progress is left alone. */
const ORPHAN_AGE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

export function retentionJob(outbox: Pick<OutboxRepository, 'deleteFinishedBefore'>, retentionDays: number): JobDefinition {
  return {
    name: OUTBOX_JOBS.retention,
    lease: OUTBOX_HOUSEKEEPING_LEASE,
    leaseMs: 10 * 60_000,
    run: async ({ now }) => {
      const before = new Date(now.getTime() - retentionDays * DAY_MS);
      return { deleted: await outbox.deleteFinishedBefore(before), finishedBefore: before.toISOString() };
    },
  };
}

/**
 * A mark stands for hand-offs up to ORPHAN_MARK_REFRESH_MS after it (each process marks a
 * tenant at most that often), plus a minute for clocks apart: once a sweep's cut-off is past
 * that, it has seen them all and the mark can go.
 */
const MARK_COVERS_MS = 5 * 60_000 + 60_000;

export function requeueOrphansJob(outbox: Pick<OutboxRepository, 'requeueOrphans'>): JobDefinition {
  return {
    name: OUTBOX_JOBS.requeueOrphans,
    lease: OUTBOX_HOUSEKEEPING_LEASE,
    leaseMs: 10 * 60_000,
    visits: 'marked',
    run: async ({ now, unmarkIfMarkedBefore }) => {
      const before = new Date(now.getTime() - ORPHAN_AGE_MS);
      const requeued = await outbox.requeueOrphans(before);
      await unmarkIfMarkedBefore(new Date(before.getTime() - MARK_COVERS_MS));
      return { requeued };
    },
  };
}
