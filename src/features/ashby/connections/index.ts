/**
 * Ashby connections (issue 6): the encrypted keys, the access lists, the App Home section and
 * its modals. `createConnectionService` is what imports use (findForApplication, apiKeyOf,
 * markBroken); `registerConnections` adds the admin screens.
 */
import type { App } from '@slack/bolt';
import type { ApplicationCatalog } from '../../applications';
import type { FeatureDeps } from '../../deps';
import type { ScreenDeps } from '../../ports';
import type { AshbyApiFactory } from '../ashby-api.types';
import { AshbyConnectionRepository } from './connection.repository';
import { AshbyConnectionService } from './connection.service';
import { registerConnectionListeners } from './connections.listeners';

export { ASHBY_CONNECTION_INDEXES, AshbyConnectionRepository } from './connection.repository';
export {
  AshbyConnectionNotFoundError,
  AshbyConnectionService,
  type ConnectionFieldErrors,
  type RemoveConnectionResult,
  type SaveConnectionResult,
} from './connection.service';
export { DEFAULT_CONNECTION_NAME, type AshbyConnection } from './connection.types';
export { ASHBY_CONNECTION_IDS } from './ids';
export { ASHBY_CONNECTIONS_ORDER, ASHBY_PERMISSION } from './connections.listeners';

export function createConnectionService(deps: FeatureDeps, input: { applications: ApplicationCatalog; ashby: AshbyApiFactory }): AshbyConnectionService {
  return new AshbyConnectionService({
    connections: new AshbyConnectionRepository(deps.db),
    applications: input.applications,
    ashby: input.ashby,
    encryptionKey: deps.config.encryptionKey,
    clock: deps.clock,
    logger: deps.logger.child({ feature: 'ashby', component: 'connections' }),
  });
}

/** The connection service plus the admin screens; returns the service for the imports. */
export function registerConnections(app: App, deps: ScreenDeps, input: { applications: ApplicationCatalog; ashby: AshbyApiFactory }): AshbyConnectionService {
  const service = createConnectionService(deps, input);
  registerConnectionListeners(app, { deps, service, applications: input.applications });
  return service;
}
