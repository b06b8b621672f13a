/**
 * Builds the features in dependency order on the kernel and registers their Slack listeners,
 * HTTP routes, Home sections and jobs. Each feature gets the kernel and the narrow ports of
 * the features it uses, never their repositories:
 *
 *   audit, workspace → members → mapping (+ actors) → home → notifications → provisioning,
 *   inventory, applications → ashby
 *
 * The composition root calls it once; the manifest test calls it on a real Bolt app to list
 * what the code listens to.
 */
import type { App } from '@slack/bolt';
import { tenantBaseUrl } from '../tenancy/tenant-scope';
import * as applications from './applications';
import * as ashby from './ashby';
import { createAuditLog, type AuditLog } from './audit';
import type { FeatureDeps } from './deps';
import * as home from './home';
import { HomeAreaRepository, HomePublishOrder, HomeSections, publishHome, type HomeDeps } from './home';
import * as installs from './installs';
import * as inventory from './inventory';
import * as mapping from './mapping';
import * as manualMapping from './mapping/manual';
import * as members from './members';
import { ActorService } from './members/actor.service';
import { createPermissionGate } from './members/require-permission';
import * as membersHome from './members/home';
import * as notifications from './notifications';
import type { ScreenDeps } from './ports';
import * as provisioning from './provisioning';
import * as workspace from './workspace';
import type { WorkspaceService } from './workspace/workspace.service';

export { createFeatureDeps, type FeatureDeps } from './deps';

/** What the features offer each other and the composition root (tests read through these too). */
export interface Features {
  audit: AuditLog;
  workspace: WorkspaceService;
  members: members.MemberServices;
  mapping: mapping.MappingFeature;
  actors: ActorService;
  home: HomeDeps;
  notifications: ReturnType<typeof notifications.register>;
  provisioning: provisioning.ProvisioningServices;
}

/** What the composition root built of the installations before the features (Bolt's authorize needs them first). */
export interface InstallParts {
  installations: installs.InstallationRepository;
  installationCache: installs.InstallationCache;
}

export function registerFeatures(app: App, deps: FeatureDeps, installParts: InstallParts): Features {
  const audit = createAuditLog(deps.db);
  const workspaceService = workspace.createWorkspaceService(deps, audit);
  const memberServices = members.createMemberServices(deps);
  const mappingFeature = mapping.createMapping(deps, { members: memberServices.directory, workspace: workspaceService });
  // Admin actions are refused while the token belongs to another workspace than the stored one.
  const actors = new ActorService(
    memberServices.directory,
    mappingFeature.lookup,
    deps.directory,
    async () => (await workspaceService.current())?.kind !== 'mismatch',
  );
  const homeDeps: HomeDeps = {
    logger: deps.logger,
    clock: deps.clock,
    pigmentBaseUrl: tenantBaseUrl,
    sections: new HomeSections(),
    areas: new HomeAreaRepository(deps.db),
    actors,
    workspace: workspaceService,
    publishing: new HomePublishOrder(),
  };
  const requirePermission = createPermissionGate({ actors, logger: deps.logger, refreshHome: (client, userId) => publishHome(client, homeDeps, userId) });
  const screens: ScreenDeps = { ...deps, home: homeDeps, actors, requirePermission, workspace: workspaceService };
  const memberPorts = { members: memberServices.directory, mapping: mappingFeature.lookup };

  home.register(app, homeDeps);
  installs.register(app, {
    installations: installParts.installations,
    cache: installParts.installationCache,
    slack: deps.slack,
    workspace: workspaceService,
    members: memberServices.directory,
    tenants: deps.tenants,
    globalDb: deps.globalDb,
    config: deps.config,
    router: deps.router,
    clock: deps.clock,
    logger: deps.logger,
  });
  workspace.register(app, { logger: deps.logger, workspace: workspaceService, requirePermission, home: homeDeps });
  members.register(app, deps, { members: memberServices, mapping: mappingFeature.lookup });
  membersHome.register(app, screens, { members: memberServices, mapping: mappingFeature.lookup });
  manualMapping.register(app, {
    logger: deps.logger,
    clock: deps.clock,
    repos: { members: memberServices.directory, mappings: mappingFeature.repository, audit },
    directory: deps.directory,
    requirePermission,
    home: homeDeps,
  });
  mapping.register(app, screens, mappingFeature, { members: memberServices.directory, workspace: workspaceService });
  const notificationServices = notifications.register(app, screens, memberPorts);
  const provisioningServices = provisioning.register(app, screens, { ...memberPorts, welcome: notificationServices.welcome });
  inventory.register(app, screens, memberPorts);
  const catalog = applications.register(app, deps);
  ashby.register(app, screens, { notify: notificationServices.notify, members: memberServices, applications: catalog.applications });
  return {
    audit,
    workspace: workspaceService,
    members: memberServices,
    mapping: mappingFeature,
    actors,
    home: homeDeps,
    notifications: notificationServices,
    provisioning: provisioningServices,
  };
}
