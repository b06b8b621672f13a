import { createLogger } from '../../../src/platform/logger';
import { JobRunRepository } from '../../../src/platform/scheduler/job-run.repository';
import { LeaseRepository } from '../../../src/platform/scheduler/lease.repository';
import { Scheduler, type JobDefinition } from '../../../src/platform/scheduler/scheduler';
import { JobTickRepository } from '../../../src/platform/scheduler/tick.repository';
import { TenantJobMarkers } from '../../../src/platform/scheduler/tenant-job-markers.repository';
import { openTestDatabase, type TestDatabase } from '../../support/store';

describe('Scheduler (embedded store)', () => {
  let t: TestDatabase;
  const { logger } = createLogger({ level: 'silent' });
  const clock = { now: () => new Date() };

  beforeAll(async () => {
    t = await openTestDatabase('scheduler');
  });
  afterAll(() => t.dispose());

  /** Waits until `holder` has taken the lease (no fixed sleep: CI machines are slow at times). */
  async function leaseHeldBy(name: string, holder: string): Promise<void> {
    const leases = new LeaseRepository(t.db);
    const deadline = Date.now() + 10_000;
    while ((await leases.holderOf(name, new Date())) !== holder) {
      if (Date.now() > deadline) throw new Error(`lease ${name} never taken by ${holder}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  function scheduler(): Scheduler {
    return new Scheduler({
      leases: new LeaseRepository(t.db),
      runs: new JobRunRepository(t.db),
      ticks: new JobTickRepository(t.db),
      markers: new TenantJobMarkers(t.db),
      // One tenant; these tests are about leases and ticks on a plain database.
      tenants: {
        scheduledIds: async function* () {
          yield 'default';
        },
        run: (_id, work) => work(),
      },
      clock,
      logger,
    });
  }

  it('gives each cron tick to one process of eight asking at once', async () => {
    const tick = new Date('2026-11-22T05:00:00Z');
    const ticks = Array.from({ length: 8 }, () => new JobTickRepository(t.db));
    const taken = await Promise.all(ticks.map((r, i) => r.claim('test.tick', tick, `p${i}`)));
    expect(taken.filter(Boolean)).toHaveLength(1);
    // The next tick is a new decision.
    expect(await ticks[3]!.claim('test.tick', new Date(tick.getTime() + 60_000), 'p3')).toBe(true);
  });

  it('skips a tick in a process whose timer fired after another process had already run it', async () => {
    let runs = 0;
    const job: JobDefinition = { name: 'test.late_tick', leaseMs: 60_000, run: async () => ({ run: (runs += 1) }) };
    const [early, late] = [scheduler(), scheduler()];
    const tick = new Date('2026-11-22T06:00:00Z');
    await early.runTick(job, tick);
    expect(runs).toBe(1);
    // The job is over and its lease free: only the tick tells the late process it already ran.
    await late.runTick(job, tick);
    expect(runs).toBe(1);
    await late.runTick(job, new Date(tick.getTime() + 60_000));
    expect(runs).toBe(2);
  });

  it('runs a fast scheduled job once per tick across three processes, not once per process', async () => {
    let runs = 0;
    const job: JobDefinition = {
      name: 'test.every_second',
      leaseMs: 60_000,
      run: async () => {
        runs += 1;
        return {};
      },
    };
    const processes = [scheduler(), scheduler(), scheduler()];
    for (const p of processes) {
      p.schedule(job, '* * * * * *');
      p.start();
    }
    const ticks = t.db.collection('job_ticks');
    const deadline = Date.now() + 20_000;
    while ((await ticks.countDocuments({ job: 'test.every_second' })) < 3) {
      if (Date.now() > deadline) throw new Error('three ticks never came');
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(processes.map((p) => p.stop()));
    const recorded = await t.db.collection('job_runs').find({ job: 'test.every_second' }).toArray();
    const ranTicks = recorded.map((run) => (run.tick as Date).toISOString());
    // No tick ran twice (three processes fired on each), and the runs are the recorded ones.
    expect(new Set(ranTicks).size).toBe(ranTicks.length);
    expect(ranTicks.length).toBeGreaterThanOrEqual(2);
    expect(runs).toBe(recorded.length);
  });

  it('runs a job once across two processes and stores its report', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const job: JobDefinition = {
      name: 'test.once',
      leaseMs: 60_000,
      run: async () => {
        runs += 1;
        await gate;
        return { done: runs };
      },
    };
    const [a, b] = [scheduler(), scheduler()];
    const first = a.runExclusive(job, 'manual');
    await leaseHeldBy('test.once', a.holder);
    const second = await b.runExclusive(job, 'schedule');
    expect(second).toEqual({ ran: false, reason: 'held_elsewhere' });
    release();
    expect(await first).toEqual({ ran: true, status: 'completed', report: { done: 1 } });
    expect(runs).toBe(1);
    const stored = await new JobRunRepository(t.db).latest('test.once');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ job: 'test.once', trigger: 'manual', status: 'completed', report: { done: 1 }, holder: a.holder });
    // The lease is free again: the other process may run it now.
    expect(await b.runExclusive(job, 'schedule')).toMatchObject({ ran: true, status: 'completed' });
  });

  it('never runs two jobs that share a lease at the same time', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first: JobDefinition = { name: 'test.pass_a', lease: 'test.shared', leaseMs: 60_000, run: async () => gate.then(() => ({})) };
    const second: JobDefinition = { name: 'test.pass_b', lease: 'test.shared', leaseMs: 60_000, run: async () => ({}) };
    const owner = scheduler();
    const running = owner.runExclusive(first, 'manual');
    await leaseHeldBy('test.shared', owner.holder);
    expect(await scheduler().runExclusive(second, 'schedule')).toEqual({ ran: false, reason: 'held_elsewhere' });
    release();
    expect(await running).toMatchObject({ ran: true, status: 'completed' });
  });

  it('records a failing job as failed and frees its lease', async () => {
    const s = scheduler();
    const job: JobDefinition = { name: 'test.fails', leaseMs: 60_000, run: async () => Promise.reject(new Error('boom')) };
    expect(await s.runExclusive(job, 'manual')).toEqual({ ran: true, status: 'failed', error: 'boom' });
    expect((await new JobRunRepository(t.db).latest('test.fails'))[0]).toMatchObject({ status: 'failed', error: 'boom' });
    expect(await new LeaseRepository(t.db).holderOf('test.fails', new Date())).toBeUndefined();
  });

  it('plans jobs at registration and triggers nothing before start()', async () => {
    const s = scheduler();
    let runs = 0;
    s.schedule({ name: 'test.every_second', leaseMs: 10_000, run: async () => ({ run: ++runs }) }, '* * * * * *');
    expect(s.plannedJobs()).toEqual([{ name: 'test.every_second', expression: '* * * * * *' }]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(runs).toBe(0);
    s.start();
    const deadline = Date.now() + 5_000;
    while (runs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await s.stop();
    expect(runs).toBeGreaterThan(0);
    const after = runs;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(runs).toBe(after);
  });
});
