/** The provisioning feature's own repositories: its configuration and its runs. */
import { ProvisioningConfigRepository } from './provisioning-config.repository';
import { SyncRunRepository } from './sync-run.repository';
import type { CollectionSource } from '../../db/tenant-collection';

export function createProvisioningRepos(db: CollectionSource): { config: ProvisioningConfigRepository; runs: SyncRunRepository } {
  return { config: new ProvisioningConfigRepository(db), runs: new SyncRunRepository(db) };
}

export type ProvisioningRepos = ReturnType<typeof createProvisioningRepos>;
