/**
 * Registers every feature's Slack listeners, HTTP routes, Home sections and jobs. The
 * composition root calls it once; the manifest test calls it on a real Bolt app to list what
 * the code listens to.
 */
import type { App } from '@slack/bolt';
import * as applications from './applications';
import * as ashby from './ashby';
import type { FeatureDeps } from './deps';
import * as home from './home';
import * as inventory from './inventory';
import * as mapping from './mapping';
import * as manualMapping from './mapping/manual';
import * as members from './members';
import * as membersHome from './members/home';
import * as notifications from './notifications';
import * as provisioning from './provisioning';
import * as workspace from './workspace';

export { createFeatureDeps, type FeatureDeps } from './deps';

export function registerFeatures(app: App, deps: FeatureDeps): void {
  home.register(app, deps.home, deps.repos);
  workspace.register(app, { logger: deps.logger, workspace: deps.workspace, actors: deps.actors, home: deps.home });
  members.register(app, deps, deps.members);
  membersHome.register(app, deps);
  manualMapping.register(app, deps);
  mapping.register(app, deps);
  const notificationServices = notifications.register(app, deps);
  provisioning.register(app, deps);
  inventory.register(app, deps);
  applications.register(app, deps);
  ashby.register(app, deps, { notify: notificationServices.notify });
}
