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

/**
 * Creates every index of every definition; safe to run on each start.
 *
 * One index per `createIndexes` command: FerretDB 1.24 drops the connection (a panic, "slice
 * bounds out of range") when one command repeats two or more indexes that already exist,
 * which is what every restart does. Found by test/db/indexes.int.test.ts.
 */
export async function ensureIndexes(db: Db, definitions: readonly CollectionIndexes[]): Promise<void> {
  for (const { collection, indexes } of definitions) {
    for (const index of indexes) await db.collection(collection).createIndexes([index]);
  }
}
