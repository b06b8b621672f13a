/**
 * Platform applications (issue 6): the platform registers them over HTTP so Ashby connection
 * access lists and imports can name them. Other features read them through
 * `ApplicationRepository` (list and findByIds for pickers).
 */
import type { App } from '@slack/bolt';
import type { FeatureDeps } from '../deps';
import { ApplicationRepository } from './application.repository';
import { registerApplicationRoutes } from './applications.routes';

export { APPLICATION_INDEXES, ApplicationRepository } from './application.repository';
export type { Application } from './application.types';

export function register(_app: App, deps: FeatureDeps): { applications: ApplicationRepository } {
  const applications = new ApplicationRepository(deps.db);
  registerApplicationRoutes(deps.router, { applications, clock: deps.clock });
  return { applications };
}
