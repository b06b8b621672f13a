/**
 * Index definitions, declared by each repository beside its queries and created at start.
 * `createIndexes` with identical definitions is a no-op, so start-up is idempotent.
 *
 * Only plain and unique indexes: FerretDB 1.24 (the embedded store) has no TTL or partial
 * indexes, so retention is a scheduled job and uniqueness never depends on a filter.
 */
import type { Db, IndexDescription } from 'mongodb';

export interface CollectionIndexes {
  collection: string;
  indexes: IndexDescription[];
}

/** Creates every index of every definition; safe to run on each start. */
export async function ensureIndexes(db: Db, definitions: readonly CollectionIndexes[]): Promise<void> {
  for (const { collection, indexes } of definitions) {
    if (indexes.length > 0) await db.collection(collection).createIndexes(indexes);
  }
}
