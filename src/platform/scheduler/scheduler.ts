/**
 * Scheduled jobs, run once across all connector processes. node-cron only triggers; each run
 * takes the job's lease in MongoDB first (another process holding it means "already running
 * elsewhere": skip), renews it while running, and stores the report the job returns.
 */
import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { JobRunRepository } from './job-run.repository';
import type { LeaseRepository } from './lease.repository';
import type { JobTickRepository } from './tick.repository';

export interface JobContext {
  now: Date;
  /** What started this run: its schedule, a person ("Sync now"), or an event. */
  trigger: 'schedule' | 'manual' | 'event';
  clock: Clock;
  logger: Logger;
}

export interface JobDefinition {
  /** E.g. `mapping.full_pass`; the lease name too, unless `lease` is set. */
  name: string;
  /** A lease shared by jobs that must never run at the same time (e.g. every mapping pass). */
  lease?: string;
  /** How long the lease lasts without renewal; renewed every third of it while running. */
  leaseMs: number;
  run(context: JobContext): Promise<Record<string, unknown>>;
}

export type JobOutcome =
  | { ran: true; status: 'completed'; report: Record<string, unknown> }
  | { ran: true; status: 'failed'; error: string }
  | { ran: false; reason: 'held_elsewhere' | 'stopping' };

export interface SchedulerDeps {
  leases: LeaseRepository;
  runs: JobRunRepository;
  /** Which process takes each cron tick (see tick.repository.ts). */
  ticks: JobTickRepository;
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
   * Plans `job` on `expression` (node-cron syntax). Features plan while they register;
   * nothing triggers until `start()`, which the composition root calls once the app is up.
   */
  schedule(job: JobDefinition, expression: string): void {
    this.planned.push({ job, expression });
  }

  /** Starts the cron triggers of every planned job. */
  start(): void {
    for (const { job, expression } of this.planned) {
      // `date` is the tick itself (the time the expression matched), the same in every process.
      const task = cron.schedule(expression, (context) => {
        void this.runTick(job, context.date);
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

  /**
   * Runs `job` now if no other process is running it. Never throws: a failing job is logged
   * and recorded as failed.
   */
  runExclusive(job: JobDefinition, trigger: 'schedule' | 'manual' | 'event', tick?: Date): Promise<JobOutcome> {
    const run = this.runWithLease(job, trigger, tick);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
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

  /** Stops triggering and waits for running jobs to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const task of this.tasks) await task.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  private async runWithLease(job: JobDefinition, trigger: 'schedule' | 'manual' | 'event', tick: Date | undefined): Promise<JobOutcome> {
    if (this.stopping) return { ran: false, reason: 'stopping' };
    const { leases, runs, clock } = this.deps;
    const logger = this.deps.logger.child({ job: job.name, trigger });
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
      const report = await job.run({ now: startedAt, clock, logger, trigger });
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
