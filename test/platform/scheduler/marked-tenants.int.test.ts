/**
 * Jobs that visit marked tenants only (`visits: 'marked'`): a tick runs the job in the tenants
 * marked for it and in no other (no run, no tick, no lease, no report there), a job unmarks a
 * tenant only when the mark is older than the cut-off it gives, and start() marks the installed
 * tenants that have pending work (work written before marks existed) without running the job.
 */
import { TenantDb } from '../../../src/db/tenant-collection';
import { createLogger } from '../../../src/platform/logger';
import { JobRunRepository } from '../../../src/platform/scheduler/job-run.repository';
import { LeaseRepository } from '../../../src/platform/scheduler/lease.repository';
import { Scheduler, type JobDefinition } from '../../../src/platform/scheduler/scheduler';
import { TenantJobMarkers } from '../../../src/platform/scheduler/tenant-job-markers.repository';
import { JobTickRepository } from '../../../src/platform/scheduler/tick.repository';
import { runInTenant, tenantIdOrUndefined } from '../../../src/tenancy/tenant-scope';
import { openTestDatabase, type TestDatabase } from '../../support/store';

const INSTALLED = ['t-alpha', 't-bravo', 't-charlie'];

describe('Scheduler: jobs that visit marked tenants only (embedded store)', () => {
  let t: TestDatabase;
  const { logger } = createLogger({ level: 'silent' });
  const now = new Date('2026-12-01T10:00:00Z');
  const clock = { now: () => now };

  beforeAll(async () => {
    t = await openTestDatabase('marked-tenants');
  });
  afterAll(() => t.dispose());

  function scheduler(): Scheduler {
    const db = new TenantDb(t.db);
    return new Scheduler({
      leases: new LeaseRepository(db),
      runs: new JobRunRepository(db),
      ticks: new JobTickRepository(db),
      markers: new TenantJobMarkers(t.db),
      tenants: {
        scheduledIds: async function* () {
          yield* INSTALLED;
        },
        run: (id, work) => runInTenant({ tenantId: id, baseUrl: 'https://example.test' }, work),
      },
      clock,
      logger,
    });
  }

  /** A job that records the tenants it ran in and, told to, unmarks with the given cut-off. */
  function markedJob(name: string, visited: string[], unmarkBefore?: () => Date): JobDefinition {
    return {
      name,
      leaseMs: 60_000,
      visits: 'marked',
      run: async ({ unmarkIfMarkedBefore }) => {
        visited.push(tenantIdOrUndefined()!);
        if (unmarkBefore) await unmarkIfMarkedBefore(unmarkBefore());
        return {};
      },
    };
  }

  const reportsOf = async (job: string) => (await t.db.collection('job_runs').find({ job }).toArray()).map((doc) => doc['tenantId'] as string);
  const ticksOf = async (job: string) => (await t.db.collection('job_ticks').find({ job }).toArray()).map((doc) => doc['tenantId'] as string);
  const marked = async (job: string) => {
    const ids: string[] = [];
    for await (const id of new TenantJobMarkers(t.db).tenantsOf(job)) ids.push(id);
    return ids;
  };

  it('runs a tick in the marked tenant only; the others are not touched at all', async () => {
    const s = scheduler();
    const visited: string[] = [];
    const job = markedJob('test.marked_only', visited);
    await s.runTickForEveryTenant(job, new Date('2026-12-01T10:00:30Z'));
    expect(visited).toEqual([]);
    expect(await ticksOf(job.name)).toEqual([]);

    await runInTenant({ tenantId: 't-bravo', baseUrl: 'https://example.test' }, () => s.markTenant(job.name, now));
    await s.runTickForEveryTenant(job, new Date('2026-12-01T10:01:30Z'));
    expect(visited).toEqual(['t-bravo']);
    // Nothing of the job in the idle tenants: no tick taken, no report stored.
    expect(await ticksOf(job.name)).toEqual(['t-bravo']);
    expect(await reportsOf(job.name)).toEqual(['t-bravo']);
  });

  it('keeps a mark written at or after the cut-off and deletes an older one, so work marked meanwhile is never dropped', async () => {
    const s = scheduler();
    const visited: string[] = [];
    const markedAt = now;
    let cutOff = markedAt;
    const job = markedJob('test.unmark', visited, () => cutOff);
    await runInTenant({ tenantId: 't-alpha', baseUrl: 'https://example.test' }, () => s.markTenant(job.name, markedAt));
    // Marked at the cut-off itself (a writer marking just before its work): kept.
    await s.runTickForEveryTenant(job, new Date('2026-12-01T10:02:30Z'));
    expect(await marked(job.name)).toEqual(['t-alpha']);
    // Marked before the cut-off: gone, and the next tick visits nobody.
    cutOff = new Date(markedAt.getTime() + 1);
    await s.runTickForEveryTenant(job, new Date('2026-12-01T10:03:30Z'));
    expect(await marked(job.name)).toEqual([]);
    await s.runTickForEveryTenant(job, new Date('2026-12-01T10:04:30Z'));
    expect(visited).toEqual(['t-alpha', 't-alpha']);
  });

  it('marks at start the installed tenants with pending work, without running the job; the next tick visits those only', async () => {
    const s = scheduler();
    const visited: string[] = [];
    const asked: string[] = [];
    const job: JobDefinition = {
      ...markedJob('test.start_marks', visited),
      pendingWork: async () => {
        const tenant = tenantIdOrUndefined()!;
        asked.push(tenant);
        return tenant === 't-charlie';
      },
    };
    s.schedule(job, '0 0 1 1 *');
    s.start();
    try {
      const deadline = Date.now() + 10_000;
      while ((await marked(job.name)).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await marked(job.name)).toEqual(['t-charlie']);
      expect([...asked].sort()).toEqual(INSTALLED);
      expect(visited).toEqual([]);
      await s.runTickForEveryTenant(job, new Date('2026-12-01T10:05:30Z'));
      expect(visited).toEqual(['t-charlie']);
    } finally {
      await s.stop();
    }
  });
});
