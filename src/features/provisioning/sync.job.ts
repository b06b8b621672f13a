/**
 * The scheduled sync, once across processes (the scheduler's lease, renewed while it runs).
 * Only while the workspace is live: a pending or disconnected workspace syncs nothing.
 */
import type { JobDefinition, Scheduler } from '../../platform/scheduler/scheduler';
import { MARK_GRACE_MS } from '../../platform/scheduler/tenant-job-markers.repository';
import type { SyncService } from './sync.service';

export const PROVISIONING_JOB = 'provisioning.sync';
/** Looks for a sync left by a dead process (its own lease: it must never make a scheduled sync skip its tick). */
export const RESUME_SYNC_JOB = 'provisioning.resume_interrupted';
/**
 * Every minute, at second 30, away from the minute mark where cron schedules (the sync's
 * own included) fire: a run whose holder died resumes at most a minute after its lease (90 s) expires.
 */
export const RESUME_SYNC_CRON = '30 * * * * *';
/** Renewed every third of it while a sync runs; bounds how long a crashed process holds syncs up. */
const SYNC_LEASE_MS = 90_000;

/**
 * Resumes an interrupted sync, if any. It takes the sync's lease only when a run is marked
 * running and no live process holds that lease (its holder died), so on an ordinary minute it
 * is one read and never holds the lease a scheduled sync or "Sync now" needs. It visits only
 * tenants marked for it (a sync marks its tenant before its run is marked running) and unmarks
 * a tenant with no run left running, so idle tenants cost it nothing.
 */
export function resumeSyncJob(
  scheduler: Pick<Scheduler, 'runExclusive' | 'isLeaseHeld'>,
  sync: Pick<SyncService, 'resumeInterrupted' | 'hasRunMarkedRunning'>,
  workspaceLive: () => Promise<boolean>,
): JobDefinition {
  const resume: JobDefinition = {
    name: PROVISIONING_JOB,
    leaseMs: SYNC_LEASE_MS,
    run: async () => {
      const outcome = await sync.resumeInterrupted();
      if (!outcome.ran) return { skipped: outcome.reason };
      return { runId: outcome.run.id, status: outcome.run.status, counts: outcome.run.counts };
    },
  };
  return {
    name: RESUME_SYNC_JOB,
    leaseMs: SYNC_LEASE_MS,
    visits: 'marked',
    pendingWork: () => sync.hasRunMarkedRunning(),
    run: async ({ clock, unmarkIfMarkedBefore }) => {
      if (!(await workspaceLive())) return { skipped: 'workspace not live' };
      const lookedAt = clock.now().getTime();
      if (!(await sync.hasRunMarkedRunning())) {
        await unmarkIfMarkedBefore(new Date(lookedAt - MARK_GRACE_MS));
        return { skipped: 'nothing_to_resume' };
      }
      if (await scheduler.isLeaseHeld(PROVISIONING_JOB)) return { skipped: 'the sync is running on a live process' };
      const outcome = await scheduler.runExclusive(resume, 'event');
      if (!outcome.ran) return { skipped: outcome.reason };
      return outcome.status === 'completed' ? outcome.report : { failed: outcome.error };
    },
  };
}

export function syncJob(sync: Pick<SyncService, 'run'>, workspaceLive: () => Promise<boolean>): JobDefinition {
  return {
    name: PROVISIONING_JOB,
    leaseMs: SYNC_LEASE_MS,
    run: async ({ trigger }) => {
      if (!(await workspaceLive())) return { skipped: 'workspace not live' };
      const outcome = await sync.run({ kind: 'sync', trigger: trigger === 'schedule' ? 'schedule' : 'manual' });
      if (!outcome.ran) return { skipped: outcome.reason };
      return { runId: outcome.run.id, status: outcome.run.status, counts: outcome.run.counts };
    },
  };
}
