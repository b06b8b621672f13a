/**
 * Imports run on IMPORT_CRON (every import, one after another) and on "Run now". Each import
 * runs under a lease of its own (`ashby.import:<importId>`), so the same import never runs
 * twice at once on any connector process, while different imports may.
 */
import type { JobDefinition, JobOutcome, Scheduler } from '../../../platform/scheduler/scheduler';
import { MARK_GRACE_MS } from '../../../platform/scheduler/tenant-job-markers.repository';
import type { ImportRepository } from './import.repository';
import type { ImportRunRepository } from './import-run.repository';
import type { ImportService } from './import.service';
import type { ImportTrigger } from './import.types';

export const IMPORTS_JOB = 'ashby.imports';
/** Renewed every third of it while running; bounds how long a crashed process holds the import up. */
const IMPORT_LEASE_MS = 90_000;

/** The lease (and job name) of one import. */
export function importLeaseName(importId: string): string {
  return `ashby.import:${importId}`;
}

/** One import's run as a scheduler job: the report is what the run history holds. */
export function importJob(service: Pick<ImportService, 'run'>, importId: string, trigger: ImportTrigger): JobDefinition {
  return {
    name: importLeaseName(importId),
    leaseMs: IMPORT_LEASE_MS,
    run: async () => {
      const result = await service.run(importId, trigger);
      if (!result.ran) return { skipped: result.reason };
      return { runId: result.run.id, status: result.run.status, counts: result.run.counts };
    },
  };
}

/** Runs one import now under its lease ("Run now", the schedule). */
export function runImportExclusive(
  scheduler: Pick<Scheduler, 'runExclusive'>,
  service: Pick<ImportService, 'run'>,
  importId: string,
  trigger: ImportTrigger,
): Promise<JobOutcome> {
  return scheduler.runExclusive(importJob(service, importId, trigger), trigger);
}

export const RESUME_IMPORTS_JOB = 'ashby.imports.resume_interrupted';
/** Every minute at second 30 (away from the minute mark where the imports' own schedule fires): an import whose process died runs again at most a minute after its lease (90 s) expires. */
export const RESUME_IMPORTS_CRON = '30 * * * * *';

/**
 * Runs again, on a live process, each import a dead process left with a run marked running:
 * under the import's own lease, so an import really running elsewhere is left alone (held),
 * and the new run closes the abandoned one first. Starts nothing for imports with no such run.
 * Visits only tenants marked for it (an import marks its tenant before its run is marked
 * running) and unmarks a tenant with no run left running, so idle tenants cost it nothing.
 */
export function resumeImportsJob(
  scheduler: Pick<Scheduler, 'runExclusive' | 'isLeaseHeld'>,
  service: Pick<ImportService, 'run'>,
  runs: Pick<ImportRunRepository, 'importIdsWithRunning'>,
): JobDefinition {
  return {
    name: RESUME_IMPORTS_JOB,
    leaseMs: IMPORT_LEASE_MS,
    visits: 'marked',
    pendingWork: async () => (await runs.importIdsWithRunning()).length > 0,
    run: async ({ clock, unmarkIfMarkedBefore }) => {
      const report = { interrupted: 0, resumed: 0, stillRunning: 0 };
      const lookedAt = clock.now().getTime();
      const running = await runs.importIdsWithRunning();
      if (running.length === 0) await unmarkIfMarkedBefore(new Date(lookedAt - MARK_GRACE_MS));
      for (const importId of running) {
        // Really running on a live process: not interrupted.
        if (await scheduler.isLeaseHeld(importLeaseName(importId))) {
          report.stillRunning += 1;
          continue;
        }
        report.interrupted += 1;
        // Recorded as scheduled: the run stands in for the one the dead process did not finish.
        const outcome = await runImportExclusive(scheduler, service, importId, 'schedule');
        if (outcome.ran) report.resumed += 1;
        else report.stillRunning += 1;
      }
      return report;
    },
  };
}

/** The scheduled job: every import in turn; one held elsewhere (a "Run now" in progress) is skipped. */
export function importsJob(
  scheduler: Pick<Scheduler, 'runExclusive'>,
  service: Pick<ImportService, 'run'>,
  imports: Pick<ImportRepository, 'listAll'>,
): JobDefinition {
  return {
    name: IMPORTS_JOB,
    leaseMs: IMPORT_LEASE_MS,
    // Only tenants with an import: creating one marks its tenant; the job unmarks a tenant with none left.
    visits: 'marked',
    pendingWork: async () => (await imports.listAll()).length > 0,
    run: async ({ clock, unmarkIfMarkedBefore }) => {
      const lookedAt = clock.now().getTime();
      const all = await imports.listAll();
      if (all.length === 0) await unmarkIfMarkedBefore(new Date(lookedAt - MARK_GRACE_MS));
      const report = { imports: all.length, ran: 0, skipped: 0, failed: 0 };
      for (const imp of all) {
        const outcome = await runImportExclusive(scheduler, service, imp.id, 'schedule');
        if (!outcome.ran) report.skipped += 1;
        else if (outcome.status === 'failed' || outcome.report['status'] === 'failed') report.failed += 1;
        else report.ran += 1;
      }
      return report;
    },
  };
}
