/**
 * Imports run on IMPORT_CRON (every import, one after another) and on "Run now". Each import
 * runs under a lease of its own (`ashby.import:<importId>`), so the same import never runs
 * twice at once on any connector process, while different imports may.
 */
import type { JobDefinition, JobOutcome, Scheduler } from '../../../platform/scheduler/scheduler';
import type { ImportRepository } from './import.repository';
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

/** The scheduled job: every import in turn; one held elsewhere (a "Run now" in progress) is skipped. */
export function importsJob(
  scheduler: Pick<Scheduler, 'runExclusive'>,
  service: Pick<ImportService, 'run'>,
  imports: Pick<ImportRepository, 'listAll'>,
): JobDefinition {
  return {
    name: IMPORTS_JOB,
    leaseMs: IMPORT_LEASE_MS,
    run: async () => {
      const all = await imports.listAll();
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
