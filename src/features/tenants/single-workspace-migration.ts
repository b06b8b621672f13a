/**
 * Upgrading from the single-workspace version: its documents (members, mappings,
 * notifications, runs, its one workspace document…) carry no tenant. At start, before any
 * feature reads the store, they are moved into the tenant DEFAULT_WORKSPACE_ID, which is
 * registered if the platform has not done so (named after the Slack workspace, links on
 * PIGMENT_BASE_URL).
 *
 * Once a start finds nothing left to move, it records so (`store_migrations`), and later
 * starts read only that: looking for a document without `tenantId` reads a whole collection
 * on FerretDB 1.24, about 10 s for 20,000 members on a loaded machine, at every start.
 * A database restored from an old version's backup has no such record, and is moved again.
 *
 * Several processes starting at once all run it; src/db/tenant-migration.ts explains why
 * each document still ends up exactly once.
 */
import type { Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import { firstUntenantedCollection, moveIntoTenant, tenantCollections, type CollectionMigration } from '../../db/tenant-migration';
import { isDuplicateKey } from '../../db/store-errors';
import type { Logger } from '../../platform/logger';
import type { TenantRegistry } from './tenant-registry';

/** Cross-tenant: which store migrations are done, `_id` = the migration. */
export const STORE_MIGRATION_INDEXES: CollectionIndexes = { global: true, collection: 'store_migrations', indexes: [] };
const MIGRATION_ID = 'single-workspace';

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
  now: () => Date;
}

export type SingleWorkspaceMigrationResult =
  | { migrated: false }
  | { migrated: true; tenantId: string; registered: boolean; collections: CollectionMigration[] };

/** Moves a single-workspace store's documents into the default tenant; nothing when there are none. */
export async function migrateSingleWorkspaceStore(deps: SingleWorkspaceMigrationDeps): Promise<SingleWorkspaceMigrationResult> {
  const done = deps.db.collection<{ _id: string; at: Date }>(STORE_MIGRATION_INDEXES.collection);
  if (await done.findOne({ _id: MIGRATION_ID })) return { migrated: false };
  // Upserts of one `_id` from two processes: on FerretDB one of them may fail as a duplicate, which is the same outcome.
  const markDone = () => ignoreDuplicate(done.updateOne({ _id: MIGRATION_ID }, { $setOnInsert: { at: deps.now() } }, { upsert: true }));
  const collections = tenantCollections(deps.definitions);
  const found = await firstUntenantedCollection(deps.db, collections);
  if (!found) {
    await markDone();
    return { migrated: false };
  }
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
  // With conflicts left, every start looks again (and says so again) until they are resolved.
  if (conflicts === 0) await markDone();
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
  const fields = { name, baseUrl: deps.baseUrl };
  // Another process registering it at the same moment may win the upsert (a duplicate on
  // FerretDB); the second try then finds it, and refreshes the registry's cache.
  const tenant = await deps.tenants.ensure(tenantId, fields).catch((error: unknown) => {
    if (!isDuplicateKey(error)) throw error;
    return deps.tenants.ensure(tenantId, fields);
  });
  logger.info({ name: tenant.name, baseUrl: tenant.baseUrl }, 'default workspace registered');
  return true;
}

async function ignoreDuplicate(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}
