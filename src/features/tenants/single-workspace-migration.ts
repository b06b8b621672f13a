/**
 * Upgrading from the single-workspace version: its documents (members, mappings,
 * notifications, runs, its one workspace document…) carry no tenant. At start, before any
 * feature reads the store, they are moved into the tenant DEFAULT_WORKSPACE_ID, which is
 * registered if the platform has not done so (named after the Slack workspace, links on
 * PIGMENT_BASE_URL). A store without such documents costs one small read per collection.
 *
 * Several processes starting at once all run it; src/db/tenant-migration.ts explains why
 * each document still ends up exactly once.
 */
import type { Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import { firstUntenantedCollection, moveIntoTenant, tenantCollections, type CollectionMigration } from '../../db/tenant-migration';
import type { Logger } from '../../platform/logger';
import type { TenantRegistry } from './tenant-registry';

/** The old version's workspace document (src/features/workspace/workspace.repository.ts, before tenants). */
const OLD_WORKSPACE = { collection: 'workspace', id: 'workspace' };

export interface SingleWorkspaceMigrationDeps {
  db: Db;
  definitions: readonly CollectionIndexes[];
  tenants: TenantRegistry;
  defaultWorkspaceId: string;
  /** PIGMENT_BASE_URL: the old version's links. */
  baseUrl: string | undefined;
  logger: Logger;
}

export type SingleWorkspaceMigrationResult =
  | { migrated: false }
  | { migrated: true; tenantId: string; registered: boolean; collections: CollectionMigration[] };

/** Moves a single-workspace store's documents into the default tenant; nothing when there are none. */
export async function migrateSingleWorkspaceStore(deps: SingleWorkspaceMigrationDeps): Promise<SingleWorkspaceMigrationResult> {
  const collections = tenantCollections(deps.definitions);
  const found = await firstUntenantedCollection(deps.db, collections);
  if (!found) return { migrated: false };
  const tenantId = deps.defaultWorkspaceId;
  const logger = deps.logger.child({ component: 'single-workspace-migration', tenantId });
  logger.info({ firstCollection: found }, 'documents from the single-workspace version found; moving them into the default workspace');

  const registered = await registerDefaultTenant(deps, logger);
  const results = await moveIntoTenant(deps.db, collections, tenantId);
  const touched = results.filter((r) => r.moved + r.alreadyMoved + r.conflicts > 0);
  for (const r of touched)
    logger.info({ collection: r.collection, moved: r.moved, alreadyMoved: r.alreadyMoved, conflicts: r.conflicts }, 'collection migrated');
  const conflicts = results.reduce((sum, r) => sum + r.conflicts, 0);
  if (conflicts > 0) {
    logger.error(
      { conflicts, collections: touched.filter((r) => r.conflicts > 0).map((r) => r.collection) },
      'documents from the single-workspace version left in place: the default workspace already holds others with the same unique key',
    );
  }
  logger.info({ moved: results.reduce((sum, r) => sum + r.moved, 0), conflicts }, 'single-workspace store migrated');
  return { migrated: true, tenantId, registered, collections: results };
}

/**
 * Registers the default tenant unless the platform has; false when it cannot (no
 * PIGMENT_BASE_URL): the data is moved all the same and waits for `PUT /api/v1/workspaces/:id`.
 */
async function registerDefaultTenant(deps: SingleWorkspaceMigrationDeps, logger: Logger): Promise<boolean> {
  const tenantId = deps.defaultWorkspaceId;
  if (await deps.tenants.get(tenantId)) return true;
  if (!deps.baseUrl) {
    logger.warn('PIGMENT_BASE_URL is not set: the default workspace is not registered; register it with PUT /api/v1/workspaces/:workspaceId');
    return false;
  }
  const old = await deps.db
    .collection<{ _id: string; teamName?: unknown }>(OLD_WORKSPACE.collection)
    // The copy too: a process starting beside this one may have moved it already.
    .findOne({ _id: { $in: [OLD_WORKSPACE.id, `${tenantId}/${OLD_WORKSPACE.id}`] } }, { projection: { teamName: 1 } });
  const name = typeof old?.teamName === 'string' && old.teamName.trim() !== '' ? old.teamName.trim() : 'Default workspace';
  const tenant = await deps.tenants.ensure(tenantId, { name, baseUrl: deps.baseUrl });
  logger.info({ name: tenant.name, baseUrl: tenant.baseUrl }, 'default workspace registered');
  return true;
}
