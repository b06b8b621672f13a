/**
 * The mapping jobs, run by the scheduler inside a MongoDB lease (once across processes):
 * the scheduled pass on `MAPPING_CRON` (full or lookups, whichever is cheaper), and the
 * full pass that runs when the workspace goes live.
 */
import type { JobDefinition } from '../../platform/scheduler/scheduler';
import { MARK_GRACE_MS } from '../../platform/scheduler/tenant-job-markers.repository';
import { MAPPING_JOBS } from './ids';
import type { MappingService } from './mapping.service';

/**
 * The scheduler renews the lease every third of it while the pass runs (a full pass over
 * 100,000 users takes 25 minutes at Slack's Tier 2), so its length only bounds how long a
 * process that died mid-pass holds the job up: 90 s, three renewals' worth of store hiccups.
 */
export const MAPPING_LEASE_MS = 90_000;

/** One lease for every mapping pass: a scheduled pass and a full pass never run at once. */
export const MAPPING_LEASE = 'mapping.pass';

/**
 * The scheduled pass visits only tenants marked for it: a workspace going live marks its tenant
 * (and every process marks the live ones at start), and a pass that finds the workspace no
 * longer live unmarks it, so tenants without a live workspace cost the schedule nothing.
 */
export function scheduledPassJob(service: Pick<MappingService, 'runScheduledPass'>, workspaceLive?: () => Promise<boolean>): JobDefinition {
  return {
    name: MAPPING_JOBS.scheduledPass,
    lease: MAPPING_LEASE,
    leaseMs: MAPPING_LEASE_MS,
    visits: 'marked',
    ...(workspaceLive ? { pendingWork: workspaceLive } : {}),
    run: async ({ clock, unmarkIfMarkedBefore }) => {
      const lookedAt = clock.now().getTime();
      const report = await service.runScheduledPass();
      if (report.ran === false && report.reason === 'not_live') await unmarkIfMarkedBefore(new Date(lookedAt - MARK_GRACE_MS));
      return report;
    },
  };
}

export function fullPassJob(service: Pick<MappingService, 'runFullPass'>): JobDefinition {
  return {
    name: MAPPING_JOBS.fullPass,
    lease: MAPPING_LEASE,
    leaseMs: MAPPING_LEASE_MS,
    run: () => service.runFullPass(),
  };
}
