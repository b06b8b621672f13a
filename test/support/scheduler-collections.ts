/**
 * The scheduler's own bookkeeping: leases, their claims, job runs and cron ticks. Cron jobs
 * (the resume jobs tick every minute) write them whatever a test does, so "nothing changed"
 * snapshots leave them out.
 */
export const SCHEDULER_COLLECTIONS: readonly string[] = ['leases', 'lease_claims', 'job_runs', 'job_ticks'];
