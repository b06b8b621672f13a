/**
 * The member directory: the HTTP API, the member service (edit, deactivate, reactivate),
 * the CSV import, and the ownership registry other features use to hand over what a
 * deactivated member owned. The App Home screens live in `./home`.
 */
import type { App } from '@slack/bolt';
import type { FeatureDeps } from '../deps';
import { createAuditLog } from '../audit';
import type { MappingLookup } from '../mapping/mapping-lookup';
import { MemberDirectory } from './member-directory';
import { MemberImportService } from './member-import.service';
import { MemberRepository } from './member.repository';
import { registerMemberRoutes } from './members.routes';
import { MembersService, OwnershipRegistry } from './members.service';

export { ActorService, type Actor } from './actor.service';
export { MEMBER_INDEXES } from './member.repository';
export { MemberDirectory } from './member-directory';
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

/** The member feature's services, built once and shared by the routes, the App Home and other features. */
export interface MemberServices {
  /** The port other features use: reads, and writes that always fire the memberChanged hooks. */
  directory: MemberDirectory;
  service: MembersService;
  imports: MemberImportService;
  /** Features that own things per member (scheduled imports, connections) register here. */
  ownership: OwnershipRegistry;
}

/**
 * Builds the feature from the kernel: its repository stays inside. Needs only the store,
 * clock, logger and hooks, so the composition root and the command-line import both call it.
 */
export function createMemberServices(
  deps: Pick<FeatureDeps, 'db' | 'clock' | 'logger' | 'hooks'>,
  ownership: OwnershipRegistry = new OwnershipRegistry(),
): MemberServices {
  const logger = deps.logger.child({ feature: 'members' });
  const members = new MemberRepository(deps.db);
  const common = { members, audit: createAuditLog(deps.db), clock: deps.clock, logger, memberChanged: deps.hooks.memberChanged };
  return {
    directory: new MemberDirectory(members, { logger, memberChanged: deps.hooks.memberChanged }),
    service: new MembersService({ ...common, ownership }),
    imports: new MemberImportService(common),
    ownership,
  };
}

/** Adds the member routes to `deps.router`. */
export function register(_app: App, deps: FeatureDeps, ports: { members: MemberServices; mapping: Pick<MappingLookup, 'lookup'> }): void {
  registerMemberRoutes(deps.router, { service: ports.members.service, members: ports.members.directory, mapping: ports.mapping });
}
