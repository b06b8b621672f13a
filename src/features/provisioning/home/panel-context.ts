/**
 * What the provisioning panel's listeners (panel, configuration, review) share: their
 * context and the permission they check (through `requirePermission`).
 */
import type { ScreenDeps } from '../../ports';
import type { ProvisioningRepos } from '../provisioning-repos';
import type { SyncService } from '../sync.service';
import type { UsergroupCatalog } from './config-groups';

export const PROVISIONING_PERMISSION = 'provisioning.manage';
export interface PanelContext {
  deps: ScreenDeps;
  repos: ProvisioningRepos;
  sync: SyncService;
  catalog: UsergroupCatalog;
  logger: ScreenDeps['logger'];
}
