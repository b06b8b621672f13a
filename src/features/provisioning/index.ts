/**
 * Provisioning (issue 5): the scheduled sync of Slack users into the member directory.
 * In place: the configuration store, the plan, the run with its report and safety limit, and
 * the job on PROVISIONING_CRON. The App Home panels (configuration, Sync now, history,
 * reports, export) and the user inventory build on `SyncService`.
 */
import type { App } from '@slack/bolt';
import type { Db } from 'mongodb';
import type { FeatureDeps } from '../deps';
import { ProvisioningConfigRepository } from './provisioning-config.repository';
import { syncJob } from './sync.job';
import { SyncRunRepository } from './sync-run.repository';
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

export function createProvisioningRepos(db: Db): { config: ProvisioningConfigRepository; runs: SyncRunRepository } {
  return { config: new ProvisioningConfigRepository(db), runs: new SyncRunRepository(db) };
}

export interface ProvisioningServices {
  repos: ReturnType<typeof createProvisioningRepos>;
  sync: SyncService;
}

/**
 * The sync service as the connector runs it (the benchmark and tests build it the same way).
 * Welcomes go through the DM client: no SDK retries, so a welcome that timed out is never
 * posted twice.
 */
export function createSyncService(deps: FeatureDeps, repos: ReturnType<typeof createProvisioningRepos>): SyncService {
  return new SyncService({
    config: repos.config,
    runs: repos.runs,
    members: deps.repos.members,
    mappings: deps.repos.mappings,
    directory: deps.directory,
    clock: deps.clock,
    logger: deps.logger.child({ feature: 'provisioning' }),
    memberChanged: deps.hooks.memberChanged,
    welcome: new WelcomeSender({
      client: deps.deliveryClient,
      mappings: deps.repos.mappings,
      welcomes: new WelcomeRepository(deps.db),
      pigmentBaseUrl: deps.config.pigmentBaseUrl,
      logger: deps.logger.child({ feature: 'provisioning', part: 'welcome' }),
      clock: deps.clock,
    }),
  });
}

export function register(app: App, deps: FeatureDeps): ProvisioningServices {
  const repos = createProvisioningRepos(deps.db);
  const sync = createSyncService(deps, repos);
  // "Open Pigment" in the welcome DM is a link; Slack still sends block_actions: acknowledge, change nothing.
  app.action(WELCOME_IDS.openPigment, async ({ ack }) => {
    await ack();
  });
  deps.scheduler.schedule(syncJob(sync, () => deps.workspace.isLive()), deps.config.schedules.provisioning);
  registerHistory(app, deps, { runs: repos.runs, report: new SyncReportRepository(deps.db) });
  registerPanel(app, deps, { repos, sync });
  return { repos, sync };
}
