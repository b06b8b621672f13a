/** The provisioning feature's own repositories: its configuration and its runs. */
import type { Db } from 'mongodb';
import { ProvisioningConfigRepository } from './provisioning-config.repository';
import { SyncRunRepository } from './sync-run.repository';

export function createProvisioningRepos(db: Db): { config: ProvisioningConfigRepository; runs: SyncRunRepository } {
  return { config: new ProvisioningConfigRepository(db), runs: new SyncRunRepository(db) };
}

export type ProvisioningRepos = ReturnType<typeof createProvisioningRepos>;
