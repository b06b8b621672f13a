/**
 * The connector's own bookkeeping: the scheduler's leases, their claims, job runs, cron
 * ticks and the tenants marked for jobs (a sync, an import or a hand-off marks its tenant), and the ids of Slack events already handled. Cron jobs (the resume jobs tick every
 * minute) and every event a test sends write them whatever the test is about, so "nothing
 * changed" snapshots leave them out.
 */
import { SEEN_EVENTS_COLLECTION } from '../../src/slack/repeated-events';

export const SCHEDULER_COLLECTIONS: readonly string[] = ['leases', 'lease_claims', 'job_runs', 'job_ticks', 'tenant_job_markers', SEEN_EVENTS_COLLECTION];
