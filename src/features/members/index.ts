/**
 * The member directory: the HTTP API, the member service (edit, deactivate, reactivate),
 * the CSV import, and the ownership registry other features use to hand over what a
 * deactivated member owned. The App Home screens live in `./home`.
 */
import type { App } from '@slack/bolt';
import type { FeatureDeps } from '../deps';
import { MemberImportService } from './member-import.service';
import { registerMemberRoutes } from './members.routes';
import { MembersService, OwnershipRegistry } from './members.service';

export { ActorService, type Actor } from './actor.service';
export { MemberRepository, MEMBER_INDEXES } from './member.repository';
export {
  MemberImportService,
  type ImportActor,
  type LocalOperator,
  type MemberImportApplyResult,
  type MemberImportCounts,
  type MemberImportPreview,
  type MemberImportPreviewResult,
  type MemberImportRowError,
} from './member-import.service';
export {
  MembersService,
  OwnershipRegistry,
  assignableAccountTypes,
  canManageMember,
  type DeactivateResult,
  type OwnedCount,
  type OwnershipProvider,
  type ReactivateResult,
  type UpdateProfileResult,
} from './members.service';
export { toMemberJson, type MemberJson } from './members.routes';

/** The member feature's services, built once and shared by the routes and the App Home. */
export interface MemberServices {
  service: MembersService;
  imports: MemberImportService;
  /** Features that own things per member (scheduled imports, connections) register here. */
  ownership: OwnershipRegistry;
}

/**
 * Builds the services from the shared deps. Needs only repositories, clock, logger and hooks,
 * so the composition root (createFeatureDeps) and the command-line import can both call it.
 */
export function createMemberServices(
  deps: Pick<FeatureDeps, 'clock' | 'logger' | 'hooks'> & { repos: Pick<FeatureDeps['repos'], 'members' | 'audit'> },
  ownership: OwnershipRegistry = new OwnershipRegistry(),
): MemberServices {
  const logger = deps.logger.child({ feature: 'members' });
  const common = { members: deps.repos.members, audit: deps.repos.audit, clock: deps.clock, logger, memberChanged: deps.hooks.memberChanged };
  return {
    service: new MembersService({ ...common, ownership }),
    imports: new MemberImportService(common),
    ownership,
  };
}

/**
 * Adds the member routes to `deps.router` and returns the services it used (pass `services`
 * to share one set with the App Home screens and the ownership providers).
 */
export function register(_app: App, deps: FeatureDeps, services: MemberServices = createMemberServices(deps)): MemberServices {
  registerMemberRoutes(deps.router, { service: services.service, members: deps.repos.members, mappings: deps.repos.mappings });
  return services;
}
