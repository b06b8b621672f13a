/**
 * Ashby imports (issue 6): hired candidates read from Ashby into rows the platform reads over
 * HTTP, on IMPORT_CRON and on "Run now", with a run history and the owner told of each
 * outcome. Registered by the Ashby feature (../index.ts), which hands over the connections,
 * the Ashby client factory and the notification entry point.
 */
import type { App } from '@slack/bolt';
import type { FeatureDeps } from '../../deps';
import type { MemberServices } from '../../members';
import type { ScreenDeps } from '../../ports';
import type { AshbyApiFactory } from '../ashby-api.types';
import type { ImportApplicationSource, ImportConnectionSource } from './import-connections';
import { IMPORTS_JOB, importsJob, RESUME_IMPORTS_CRON, RESUME_IMPORTS_JOB, resumeImportsJob } from './import.job';
import { ImportRepository } from './import.repository';
import { ImportRowRepository } from './import-row.repository';
import { registerImportRowRoutes } from './import-rows.routes';
import { ImportRunRepository } from './import-run.repository';
import { ImportService, type Notify } from './import.service';
import { tenantBaseUrl } from '../../../tenancy/tenant-scope';
import { registerImportsHome } from './imports-home.listeners';

export { ASHBY_IMPORT_INDEXES, ImportRepository } from './import.repository';
export { ASHBY_IMPORT_ROW_INDEXES, ImportRowRepository } from './import-row.repository';
export { ASHBY_IMPORT_RUN_INDEXES, ImportRunRepository } from './import-run.repository';
export { ImportService, pendingMemberId, type Notify } from './import.service';
export { IMPORTS_JOB, importLeaseName, RESUME_IMPORTS_JOB, runImportExclusive } from './import.job';
export type { ImportApplicationSource, ImportConnection, ImportConnectionSource } from './import-connections';
export * from './import.types';

export interface ImportsWiring {
  connections: ImportConnectionSource;
  applications: ImportApplicationSource;
  ashby: AshbyApiFactory;
  notify: Notify;
  /** The member directory (pending members for hires) and its ownership registry. */
  members: MemberServices;
}

export interface ImportsFeature {
  imports: ImportRepository;
  runs: ImportRunRepository;
  rows: ImportRowRepository;
  service: ImportService;
}

/** The repositories and the run service (the feature's register and tests build them alike). */
export function createImports(deps: FeatureDeps, wiring: ImportsWiring): ImportsFeature {
  const imports = new ImportRepository(deps.db, (at) => deps.scheduler.markTenant(IMPORTS_JOB, at));
  const runs = new ImportRunRepository(deps.db);
  const rows = new ImportRowRepository(deps.db);
  const service = new ImportService({
    imports,
    runs,
    rows,
    connections: wiring.connections,
    applications: wiring.applications,
    ashby: wiring.ashby,
    members: wiring.members.directory,
    // Pending members enter like any member the platform creates: the member service fires the
    // memberChanged hooks, so mapping connects them as soon as they join Slack.
    putPendingMember: (id, input) => wiring.members.service.putMember(id, { ...input, accountType: 'standard_member', status: 'pending' }, 'api'),
    notify: wiring.notify,
    clock: deps.clock,
    logger: deps.logger.child({ feature: 'ashby', component: 'imports' }),
    pigmentBaseUrl: tenantBaseUrl,
    markResumable: (at) => deps.scheduler.markTenant(RESUME_IMPORTS_JOB, at),
  });
  return { imports, runs, rows, service };
}

export function registerImports(app: App, deps: ScreenDeps, wiring: ImportsWiring): ImportsFeature {
  const feature = createImports(deps, wiring);
  registerImportRowRoutes(deps.router, { imports: feature.imports, rows: feature.rows });
  deps.scheduler.schedule(importsJob(deps.scheduler, feature.service, feature.imports), deps.config.schedules.imports);
  // An import whose process died runs again on a live process within a minute of its lease expiring.
  deps.scheduler.schedule(resumeImportsJob(deps.scheduler, feature.service, feature.runs), RESUME_IMPORTS_CRON);
  wiring.members.ownership.register({
    kind: 'scheduled_import',
    countOwnedBy: (memberId) => feature.imports.countOwnedBy(memberId),
    transfer: (from, to) => feature.imports.transferOwnership(from, to),
  });
  registerImportsHome(app, { deps, ...feature, connections: wiring.connections, applications: wiring.applications, ashby: wiring.ashby });
  return feature;
}
