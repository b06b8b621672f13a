/**
 * Provisioning (issue 5): the scheduled sync of Slack users into the member directory.
 * In place: the configuration store, the plan, the run with its report and safety limit, and
 * the job on PROVISIONING_CRON. The App Home panels (configuration, Sync now, history,
 * reports, export) and the user inventory build on `SyncService`.
 */
import type { App } from '@slack/bolt';
import type { Db } from 'mongodb';
import type { FeatureDeps } from '../deps';
import type { MappingLookup } from '../mapping/mapping-lookup';
import type { MemberDirectory } from '../members/member-directory';
import type { ScreenDeps } from '../ports';
import { createProvisioningRepos, type ProvisioningRepos } from './provisioning-repos';
import { syncJob } from './sync.job';
import { SyncService } from './sync.service';
import { WelcomeSender } from './welcome';
import { WelcomeRepository } from './welcome.repository';
import { WELCOME_IDS } from './welcome.view';
import { registerPanel } from './home/panel.listeners';
import { registerHistory } from './home/history';
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

/**
 * The sync service as the connector runs it (the benchmark and tests build it the same way).
 * Welcomes go through the DM client: no SDK retries, so a welcome that timed out is never
 * posted twice.
 */
/** What provisioning uses of other features. */
export interface ProvisioningPorts {
  members: MemberDirectory;
  mapping: MappingLookup;
}

export function createSyncService(deps: FeatureDeps, repos: ProvisioningRepos, ports: ProvisioningPorts): SyncService {
  return new SyncService({
    config: repos.config,
    runs: repos.runs,
    members: ports.members,
    mappings: ports.mapping,
    directory: deps.directory,
    clock: deps.clock,
    logger: deps.logger.child({ feature: 'provisioning' }),
    welcome: new WelcomeSender({
      client: deps.deliveryClient,
      mappings: ports.mapping,
      welcomes: new WelcomeRepository(deps.db),
      pigmentBaseUrl: deps.config.pigmentBaseUrl,
      logger: deps.logger.child({ feature: 'provisioning', part: 'welcome' }),
      clock: deps.clock,
    }),
  });
}

export function register(app: App, deps: ScreenDeps, ports: ProvisioningPorts): ProvisioningServices {
  const repos = createProvisioningRepos(deps.db);
  const sync = createSyncService(deps, repos, ports);
  // "Open Pigment" in the welcome DM is a link; Slack still sends block_actions: acknowledge, change nothing.
  app.action(WELCOME_IDS.openPigment, async ({ ack }) => {
    await ack();
  });
  deps.scheduler.schedule(syncJob(sync, () => deps.workspace.isLive()), deps.config.schedules.provisioning);
  registerHistory(app, deps, { runs: repos.runs, report: new SyncReportRepository(deps.db) });
  registerPanel(app, deps, { repos, sync });
  return { repos, sync };
}
