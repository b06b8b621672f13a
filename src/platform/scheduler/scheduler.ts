/**
 * Scheduled jobs, run once per tenant across all connector processes. node-cron only
 * triggers; each tick fans out over the tenants with an installation, or, for a job planned
 * with `visits: 'marked'`, over the tenants marked as having work for it
 * (tenant-job-markers.repository.ts: idle tenants cost such a job nothing), and each tenant's run
 * takes that tenant's tick and lease in MongoDB first (another process holding it means
 * "already running elsewhere": skip), renews it while running, and stores the report the job
 * returns. Ticks, leases and run reports are tenant data (their collections are
 * tenant-scoped), so one tenant's 3-hour sync never holds another's lease, and processes
 * share the tenants between them tick by tick.
 */
import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import { currentTenantId, tenantIdOrUndefined } from '../../tenancy/tenant-scope';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { JobRunRepository } from './job-run.repository';
import type { LeaseRepository } from './lease.repository';
import type { TenantJobMarkers } from './tenant-job-markers.repository';
import type { JobTickRepository } from './tick.repository';

export interface JobContext {
  now: Date;
  /** What started this run: its schedule, a person ("Sync now"), or an event. */
  trigger: 'schedule' | 'manual' | 'event';
  clock: Clock;
  logger: Logger;
  /**
   * For a job with `visits: 'marked'`: deletes this tenant's mark for the job unless it was
   * written at or after `before`. The job calls it when it found no work, with `before` a grace
   * period before it looked (see tenant-job-markers.repository.ts).
   */
  unmarkIfMarkedBefore(before: Date): Promise<void>;
}

export interface JobDefinition {
  /** E.g. `mapping.full_pass`; the lease name too, unless `lease` is set. */
  name: string;
  /** A lease shared by jobs that must never run at the same time (e.g. every mapping pass). */
  lease?: string;
  /** How long the lease lasts without renewal; renewed every third of it while running. */
  leaseMs: number;
  /**
   * Which tenants a tick visits: every tenant with an installation (the default), or only those
   * marked for this job's name (`Scheduler.markTenant`); the job unmarks a tenant with nothing left.
   */
  visits?: 'installed' | 'marked';
  /** For a job visiting marked tenants: whether the current tenant has work for it (checked in every installed tenant once per start). */
  pendingWork?: () => Promise<boolean>;
  run(context: JobContext): Promise<Record<string, unknown>>;
}

export type JobOutcome =
  | { ran: true; status: 'completed'; report: Record<string, unknown> }
  | { ran: true; status: 'failed'; error: string }
  | { ran: false; reason: 'held_elsewhere' | 'stopping' };

/** The tenants scheduled work runs for, and how to enter one. */
export interface SchedulerTenants {
  /** Tenants whose jobs run on schedule (those with a live installation). */
  scheduledIds(): AsyncIterable<string>;
  run<T>(tenantId: string, work: () => Promise<T>): Promise<T>;
}

/** Tenant runs of one tick that one process starts at once; the others wait for a free place (or another process takes them). */
export const TENANT_RUNS_AT_ONCE = 4;

export interface SchedulerDeps {
  tenants: SchedulerTenants;
  leases: LeaseRepository;
  runs: JobRunRepository;
  /** Which process takes each cron tick (see tick.repository.ts). */
  ticks: JobTickRepository;
  /** The tenants marked for jobs that visit marked tenants only. */
  markers: TenantJobMarkers;
  clock: Clock;
  logger: Logger;
}

export class Scheduler {
  /** Identifies this process in leases and run records. */
  readonly holder = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly planned: Array<{ job: JobDefinition; expression: string }> = [];
  private readonly tasks: ScheduledTask[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** True while a live process (this one or another) holds `lease`; an expired lease is free. */
  async isLeaseHeld(lease: string): Promise<boolean> {
    return (await this.deps.leases.holderOf(lease, this.deps.clock.now())) !== undefined;
  }

  /**
   * Marks the current tenant as having work for the job `job` (one that visits marked tenants
   * only), as of `at`. Call it before writing that work (see tenant-job-markers.repository.ts).
   */
  async markTenant(job: string, at: Date): Promise<void> {
    await this.deps.markers.mark(job, currentTenantId(`marking ${job}`), at);
  }

  /**
   * Plans `job` on `expression` (node-cron syntax). Features plan while they register;
   * nothing triggers until `start()`, which the composition root calls once the app is up.
   */
  schedule(job: JobDefinition, expression: string): void {
    this.planned.push({ job, expression });
  }

  /**
   * Starts the cron triggers of every planned job. For each job that visits marked tenants and
   * says what pending work is, every installed tenant with some is marked once per process
   * start (work written before marks existed); only marks are read afterwards.
   */
  start(): void {
    for (const { job } of this.planned) if (job.visits === 'marked' && job.pendingWork) void this.markTenantsWithPendingWork(job);
    for (const { job, expression } of this.planned) {
      // `date` is the tick itself (the time the expression matched), the same in every process.
      const task = cron.schedule(expression, (context) => {
        void this.runTickForEveryTenant(job, context.date);
      });
      this.tasks.push(task);
      this.deps.logger.info({ job: job.name, cron: expression }, 'job scheduled');
    }
  }

  /** The planned jobs, for tests and logs. */
  plannedJobs(): Array<{ name: string; expression: string }> {
    return this.planned.map(({ job, expression }) => ({ name: job.name, expression }));
  }

  /**
   * Runs the planned job `name` now, as its schedule would (e.g. "Sync now"), if no other
   * process is running it. Throws for a name nobody planned (a programming error).
   */
  runPlannedNow(name: string, trigger: 'manual' | 'event' = 'manual'): Promise<JobOutcome> {
    const planned = this.planned.find(({ job }) => job.name === name);
    if (!planned) throw new Error(`no job named ${name} is planned`);
    return this.runExclusive(planned.job, trigger);
  }

  /** Runs one tick of the planned job `name` for every tenant it visits, as its cron trigger would (the idle benchmark prices each schedule's tick). */
  runPlannedTick(name: string, tick: Date): Promise<void> {
    const planned = this.planned.find(({ job }) => job.name === name);
    if (!planned) throw new Error(`no job named ${name} is planned`);
    return this.runTickForEveryTenant(planned.job, tick);
  }

  /**
   * Runs `job` now if no other process is running it. Never throws: a failing job is logged
   * and recorded as failed.
   */
  runExclusive(job: JobDefinition, trigger: 'schedule' | 'manual' | 'event', tick?: Date): Promise<JobOutcome> {
    const run = this.runWithLease(job, trigger, tick);
    this.inFlight.add(run);
    // The caller handles `run`'s failure (a store error taking the lease); this copy must not crash the process.
    void run.finally(() => this.inFlight.delete(run)).catch(() => undefined);
    return run;
  }

  /**
   * Runs one cron tick of `job` if this process is the first to take the tick (what each cron
   * trigger calls; a process whose timer fires late finds the tick taken and skips it).
   */
  async runTick(job: JobDefinition, tick: Date): Promise<void> {
    let taken: boolean;
    try {
      taken = await this.deps.ticks.claim(job.name, tick, this.holder);
    } catch (error) {
      this.deps.logger.warn({ err: error, job: job.name, tick }, 'could not take the job tick; skipped this run');
      return;
    }
    if (!taken) {
      this.deps.logger.debug({ job: job.name, tick }, 'tick taken by another process; skipped');
      return;
    }
    await this.runExclusive(job, 'schedule', tick);
  }

  /**
   * One cron tick of `job` for every scheduled tenant, TENANT_RUNS_AT_ONCE at a time in this
   * process. Processes shuffle the order so they rarely race for the same tenant's tick; a
   * failing tenant is logged and the others go on.
   */
  async runTickForEveryTenant(job: JobDefinition, tick: Date): Promise<void> {
    const tenants = job.visits === 'marked' ? () => this.deps.markers.tenantsOf(job.name) : () => this.deps.tenants.scheduledIds();
    await this.forEveryTenant(job, tenants, () => this.runTick(job, tick));
  }

  /**
   * Runs `job` now for every tenant with an installation, marked or not (e.g. once at start, so
   * work written before marks existed is found too), as its schedule would, TENANT_RUNS_AT_ONCE at a time.
   */
  async runForEveryTenant(job: JobDefinition, trigger: 'manual' | 'event' = 'event'): Promise<void> {
    await this.forEveryTenant(
      job,
      () => this.deps.tenants.scheduledIds(),
      async () => {
        await this.runExclusive(job, trigger);
      },
    );
  }

  private async forEveryTenant(job: JobDefinition, tenants: () => AsyncIterable<string>, runOne: () => Promise<void>): Promise<void> {
    const ids: string[] = [];
    try {
      for await (const id of tenants()) ids.push(id);
    } catch (error) {
      this.deps.logger.warn({ err: error, job: job.name }, 'could not list the tenants; skipped this run');
      return;
    }
    shuffle(ids);
    const running = new Set<Promise<void>>();
    for (const id of ids) {
      if (this.stopping) break;
      const run = this.deps.tenants
        .run(id, runOne)
        .catch((error: unknown) => this.deps.logger.warn({ err: error, job: job.name, tenantId: id }, 'tenant tick failed'))
        .finally(() => running.delete(run));
      running.add(run);
      if (running.size >= TENANT_RUNS_AT_ONCE) await Promise.race(running);
    }
    await Promise.allSettled([...running]);
  }

  private async markTenantsWithPendingWork(job: JobDefinition): Promise<void> {
    await this.forEveryTenant(
      job,
      () => this.deps.tenants.scheduledIds(),
      async () => {
        if (!this.stopping && (await job.pendingWork!())) await this.markTenant(job.name, this.deps.clock.now());
      },
    );
  }

  /** Stops triggering and waits for running jobs to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const task of this.tasks) await task.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  private async runWithLease(job: JobDefinition, trigger: 'schedule' | 'manual' | 'event', tick: Date | undefined): Promise<JobOutcome> {
    if (this.stopping) return { ran: false, reason: 'stopping' };
    const { leases, runs, clock } = this.deps;
    const logger = this.deps.logger.child({ job: job.name, trigger, tenantId: tenantIdOrUndefined() });
    const startedAt = clock.now();
    const lease = job.lease ?? job.name;
    if (!(await leases.acquire(lease, this.holder, job.leaseMs, startedAt))) {
      logger.debug('job already running in another process; skipped');
      return { ran: false, reason: 'held_elsewhere' };
    }
    const renew = setInterval(
      () => {
        leases.acquire(lease, this.holder, job.leaseMs, clock.now()).catch((error: unknown) => logger.warn({ err: error }, 'lease renewal failed'));
      },
      Math.max(1_000, Math.floor(job.leaseMs / 3)),
    );
    try {
      const tenantId = tenantIdOrUndefined();
      const unmarkIfMarkedBefore = async (before: Date) => {
        if (tenantId !== undefined) await this.deps.markers.unmarkIfMarkedBefore(job.name, tenantId, before);
      };
      const report = await job.run({ now: startedAt, clock, logger, trigger, unmarkIfMarkedBefore });
      await runs.record({
        job: job.name,
        holder: this.holder,
        trigger,
        ...(tick ? { tick } : {}),
        startedAt,
        finishedAt: clock.now(),
        status: 'completed',
        report,
      });
      logger.info({ report, ms: clock.now().getTime() - startedAt.getTime() }, 'job completed');
      return { ran: true, status: 'completed', report };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ err: error }, 'job failed');
      await runs
        .record({
          job: job.name,
          holder: this.holder,
          trigger,
          ...(tick ? { tick } : {}),
          startedAt,
          finishedAt: clock.now(),
          status: 'failed',
          error: message,
        })
        .catch((recordError: unknown) => logger.error({ err: recordError }, 'could not record the failed run'));
      return { ran: true, status: 'failed', error: message };
    } finally {
      clearInterval(renew);
      await leases.release(lease, this.holder).catch(() => undefined);
    }
  }
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
