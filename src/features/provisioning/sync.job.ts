/**
 * The scheduled sync, once across processes (the scheduler's lease, renewed while it runs).
 * Only while the workspace is live: a pending or disconnected workspace syncs nothing.
 */
import type { JobDefinition } from '../../platform/scheduler/scheduler';
import type { SyncService } from './sync.service';

export const PROVISIONING_JOB = 'provisioning.sync';
/** Looks for a sync left by a dead process; under the sync's own lease, so never beside a live sync. */
export const RESUME_SYNC_JOB = 'provisioning.resume_interrupted';
/** Every minute: a run whose holder died resumes at most a minute after its lease (90 s) expires. */
export const RESUME_SYNC_CRON = '* * * * *';
/** Renewed every third of it while a sync runs; bounds how long a crashed process holds syncs up. */
const SYNC_LEASE_MS = 90_000;

/** Resumes an interrupted sync, if any; one read of the running runs otherwise. */
export function resumeSyncJob(sync: Pick<SyncService, 'resumeInterrupted'>, workspaceLive: () => boolean): JobDefinition {
  return {
    name: RESUME_SYNC_JOB,
    lease: PROVISIONING_JOB,
    leaseMs: SYNC_LEASE_MS,
    run: async () => {
      if (!workspaceLive()) return { skipped: 'workspace not live' };
      const outcome = await sync.resumeInterrupted();
      if (!outcome.ran) return { skipped: outcome.reason };
      return { runId: outcome.run.id, status: outcome.run.status, counts: outcome.run.counts };
    },
  };
}

export function syncJob(sync: Pick<SyncService, 'run'>, workspaceLive: () => boolean): JobDefinition {
  return {
    name: PROVISIONING_JOB,
    leaseMs: SYNC_LEASE_MS,
    run: async ({ trigger }) => {
      if (!workspaceLive()) return { skipped: 'workspace not live' };
      const outcome = await sync.run({ kind: 'sync', trigger: trigger === 'schedule' ? 'schedule' : 'manual' });
      if (!outcome.ran) return { skipped: outcome.reason };
      return { runId: outcome.run.id, status: outcome.run.status, counts: outcome.run.counts };
    },
  };
}
