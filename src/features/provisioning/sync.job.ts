/**
 * The scheduled sync, once across processes (the scheduler's lease, renewed while it runs).
 * Only while the workspace is live: a pending or disconnected workspace syncs nothing.
 */
import type { JobDefinition } from '../../platform/scheduler/scheduler';
import type { SyncService } from './sync.service';

export const PROVISIONING_JOB = 'provisioning.sync';
/** Renewed every third of it while a sync runs; bounds how long a crashed process holds syncs up. */
const SYNC_LEASE_MS = 90_000;

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
