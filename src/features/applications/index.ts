/**
 * Platform applications (issue 6): the platform registers them over HTTP so Ashby connection
 * access lists and imports can name them. Other features read them through the
 * `ApplicationCatalog` port (list and findByIds for pickers); writes come only from the API.
 */
import type { App } from '@slack/bolt';
import type { FeatureDeps } from '../deps';
import { ApplicationRepository } from './application.repository';
import { registerApplicationRoutes } from './applications.routes';

export { APPLICATION_INDEXES } from './application.repository';

/** The applications as other features may read them. */
export type ApplicationCatalog = Pick<ApplicationRepository, 'findById' | 'findByIds' | 'list'>;
export type { Application } from './application.types';

export function register(_app: App, deps: FeatureDeps): { applications: ApplicationCatalog } {
  const applications = new ApplicationRepository(deps.db);
  registerApplicationRoutes(deps.router, { applications, clock: deps.clock });
  return { applications };
}
