/**
 * The mapping jobs, run by the scheduler inside a MongoDB lease (once across processes):
 * the scheduled pass on `MAPPING_CRON` (full or lookups, whichever is cheaper), and the
 * full pass that runs when the workspace goes live.
 */
import type { JobDefinition } from '../../platform/scheduler/scheduler';
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

export function scheduledPassJob(service: Pick<MappingService, 'runScheduledPass'>): JobDefinition {
  return {
    name: MAPPING_JOBS.scheduledPass,
    lease: MAPPING_LEASE,
    leaseMs: MAPPING_LEASE_MS,
    run: () => service.runScheduledPass(),
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
