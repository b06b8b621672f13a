/**
 * Provisioning (issue 5): the scheduled sync of Slack users into the member directory.
 * In place: the configuration store, the plan, the run with its report and safety limit, and
 * the job on PROVISIONING_CRON. The App Home panels (configuration, Sync now, history,
 * reports, export) and the user inventory build on `SyncService`.
 */
import type { App } from '@slack/bolt';
import type { FeatureDeps } from '../deps';
import type { MappingLookup } from '../mapping/mapping-lookup';
import type { MemberDirectory } from '../members/member-directory';
import type { WelcomeMember } from '../notifications/notification-services';
import type { ScreenDeps } from '../ports';
import { createProvisioningRepos, type ProvisioningRepos } from './provisioning-repos';
import { RESUME_SYNC_CRON, RESUME_SYNC_JOB, resumeSyncJob, syncJob } from './sync.job';
import { SyncService } from './sync.service';
import { registerPanel } from './home/panel.listeners';
import { registerHistory } from './home/history.listeners';
import { SyncReportRepository } from './report.repository';

export { PROVISIONING_CONFIG_INDEXES, ProvisioningConfigRepository } from './provisioning-config.repository';
export { SYNC_ACTION_INDEXES, SYNC_RUN_INDEXES, SyncRunRepository } from './sync-run.repository';
export { SyncService, provisionedMemberId } from './sync.service';
export * from './provisioning.types';

export { createProvisioningRepos, type ProvisioningRepos } from './provisioning-repos';

export interface ProvisioningServices {
  repos: ProvisioningRepos;
  sync: SyncService;
}

/** What provisioning uses of other features. */
export interface ProvisioningPorts {
  members: MemberDirectory;
  mapping: MappingLookup;
  /** Queues a created member's welcome DM (notifications); without it, a sync welcomes nobody (benchmarks, previews). */
  welcome?: WelcomeMember;
}

/** The sync service as the connector runs it (the benchmark and tests build it the same way). */
export function createSyncService(deps: FeatureDeps, repos: ProvisioningRepos, ports: ProvisioningPorts): SyncService {
  return new SyncService({
    config: repos.config,
    runs: repos.runs,
    members: ports.members,
    mappings: ports.mapping,
    directory: deps.directory,
    clock: deps.clock,
    logger: deps.logger.child({ feature: 'provisioning' }),
    markResumable: (at) => deps.scheduler.markTenant(RESUME_SYNC_JOB, at),
    ...(ports.welcome ? { welcome: ports.welcome } : {}),
  });
}

export function register(app: App, deps: ScreenDeps, ports: ProvisioningPorts): ProvisioningServices {
  const repos = createProvisioningRepos(deps.db);
  const sync = createSyncService(deps, repos, ports);
  deps.scheduler.schedule(
    syncJob(sync, () => deps.workspace.isLive()),
    deps.config.schedules.provisioning,
  );
  // A sync whose process died resumes on a live process within a minute of its lease expiring.
  deps.scheduler.schedule(
    resumeSyncJob(deps.scheduler, sync, () => deps.workspace.isLive()),
    RESUME_SYNC_CRON,
  );
  registerHistory(app, deps, { runs: repos.runs, report: new SyncReportRepository(deps.db) });
  registerPanel(app, deps, { repos, sync });
  return { repos, sync };
}
