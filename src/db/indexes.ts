/**
 * Index definitions, declared by each repository beside its queries and created at start.
 * `createIndexes` with identical definitions is a no-op, so start-up is idempotent.
 *
 * Only plain and unique indexes: FerretDB 1.24 (the embedded store) has no TTL or partial
 * indexes, so retention is a scheduled job and uniqueness never depends on a filter.
 *
 * Collections hold tenant data unless declared `global` (the tenant registry, installations,
 * scheduler leases…): every index of a tenant collection leads with `tenantId`, so uniqueness
 * is per tenant (one member per email *per tenant*) and a sharded cluster can shard on it.
 */
import type { Db, IndexDescription } from 'mongodb';
import { TENANT_FIELD } from './tenant-collection';

export interface CollectionIndexes {
  collection: string;
  indexes: IndexDescription[];
  /** Cross-tenant data, read and written through the plain Db; tenant data otherwise. */
  global?: true;
}

/** The indexes as created: tenant collections' keys prefixed with `tenantId`. */
export function indexesToCreate(definition: CollectionIndexes): IndexDescription[] {
  if (definition.global) return definition.indexes;
  const tenantFirst = definition.indexes.map((index) => ({
    ...index,
    key: { [TENANT_FIELD]: 1, ...(index.key as Record<string, 1 | -1>) },
    name: `${TENANT_FIELD}_${index.name ?? Object.keys(index.key).join('_')}`,
  }));
  // Tenant collections are often read by tenant alone (a tenant's page, its retention).
  return tenantFirst.length > 0 ? tenantFirst : [{ key: { [TENANT_FIELD]: 1 }, name: TENANT_FIELD }];
}

/**
 * Creates every index of every definition, and drops indexes a definition no longer has (a
 * unique index from before tenants would otherwise keep two tenants from sharing an email);
 * safe to run on each start and from several processes at once.
 *
 * One index per `createIndexes` command: FerretDB 1.24 drops the connection (a panic, "slice
 * bounds out of range") when one command repeats two or more indexes that already exist,
 * which is what every restart does. Found by test/db/indexes.int.test.ts.
 */
export async function ensureIndexes(db: Db, definitions: readonly CollectionIndexes[]): Promise<void> {
  for (const definition of definitions) {
    const collection = db.collection(definition.collection);
    const wanted = indexesToCreate(definition);
    const names = new Set(wanted.map((index) => index.name));
    const existing = await collection
      .listIndexes()
      .toArray()
      .catch(() => [] as Array<{ name?: string }>);
    for (const index of existing) {
      if (index.name && index.name !== '_id_' && !names.has(index.name)) await collection.dropIndex(index.name).catch(() => undefined);
    }
    for (const index of wanted) await collection.createIndexes([index]);
  }
}
