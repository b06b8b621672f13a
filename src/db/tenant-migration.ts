/**
 * Moves documents written before tenants (no `tenantId`, unprefixed string `_id`s) into one
 * tenant, in the shape TenantDb writes (src/db/tenant-collection.ts): `tenantId` set, a string
 * `_id` stored as `<tenantId>/<id>`.
 *
 * Safe from several processes at once, and after a crash at any point:
 * - a string `_id` is copied under its new `_id`, then the original is deleted. The copy's
 *   insert decides races: a duplicate `_id` means another process (or an earlier, interrupted
 *   start) copied it already, and the original is deleted all the same;
 * - any other `_id` (ObjectId: job runs, audit entries…) cannot be copied within the same
 *   collection, so `tenantId` is set in place, filtered on its absence (idempotent; on
 *   FerretDB 1.24, whose update filters are not atomic, two processes may both count it).
 * A copy refused by another unique index (the tenant already has a member with that email,
 * say) is a conflict: the original stays where it is, counted and logged, never dropped.
 *
 * Run it after ensureIndexes: the indexes from before tenants (unique on `email` alone) are
 * dropped there, else every copy would collide with its own original.
 *
 * Batches of BATCH_SIZE: one read, one insert and one delete command each, so a collection of
 * 100,000 members never sits in memory and each write command carries many documents.
 */
import { MongoBulkWriteError, type Collection, type Db, type Document, type Filter } from 'mongodb';

/** Any document: string `_id`s, ObjectIds, whatever the old version wrote. */
type StoredDocument = Document & { _id: unknown };
import type { CollectionIndexes } from './indexes';
import { TENANT_FIELD } from './tenant-collection';

export const BATCH_SIZE = 500;

/** Matches documents from before tenants: `tenantId` is never absent from a tenant document now. */
export const UNTENANTED: Document = { [TENANT_FIELD]: { $exists: false } };

export interface CollectionMigration {
  collection: string;
  moved: number;
  /** Already moved by another process while this one read them. */
  alreadyMoved: number;
  /** Left in place: another unique index of the tenant refused them (see the file comment). */
  conflicts: number;
}

/** Tenant collections (not `global`), each once, in declaration order. */
export function tenantCollections(definitions: readonly CollectionIndexes[]): string[] {
  return [...new Set(definitions.filter((d) => !d.global).map((d) => d.collection))];
}

/** The first tenant collection holding a document from before tenants, if any (a cheap look per collection). */
export async function firstUntenantedCollection(db: Db, collections: readonly string[]): Promise<string | undefined> {
  for (const name of collections) {
    if (await db.collection(name).findOne(UNTENANTED, { projection: { _id: 1 } })) return name;
  }
  return undefined;
}

/** Moves every untenanted document of `collections` into `tenantId`. */
export async function moveIntoTenant(db: Db, collections: readonly string[], tenantId: string, batchSize = BATCH_SIZE): Promise<CollectionMigration[]> {
  const results: CollectionMigration[] = [];
  for (const name of collections) results.push(await moveCollection(db.collection<StoredDocument>(name), tenantId, batchSize));
  return results;
}

async function moveCollection(collection: Collection<StoredDocument>, tenantId: string, batchSize: number): Promise<CollectionMigration> {
  const result: CollectionMigration = { collection: collection.collectionName, moved: 0, alreadyMoved: 0, conflicts: 0 };
  // Conflicts stay untenanted: left out of later reads so the loop ends.
  const leftInPlace: unknown[] = [];
  for (;;) {
    const filter = leftInPlace.length > 0 ? { ...UNTENANTED, _id: { $nin: leftInPlace } } : UNTENANTED;
    const batch = await collection.find(filter).limit(batchSize).toArray();
    if (batch.length === 0) return result;
    const copied = batch.filter((doc) => typeof doc._id === 'string');
    const inPlace = batch.filter((doc) => typeof doc._id !== 'string');
    const copies = await copyAll(collection, copied, tenantId);
    const sets = await setTenantInPlace(collection, inPlace, tenantId);
    result.moved += copies.moved + sets.moved;
    result.alreadyMoved += copies.alreadyMoved + sets.alreadyMoved;
    result.conflicts += copies.conflicts.length + sets.conflicts.length;
    leftInPlace.push(...copies.conflicts, ...sets.conflicts);
  }
}

interface BatchOutcome {
  moved: number;
  alreadyMoved: number;
  /** `_id`s of originals left in place. */
  conflicts: unknown[];
}

/** Inserts the prefixed copies, then deletes the originals that are safely copied (by this process or another). */
async function copyAll(collection: Collection<StoredDocument>, originals: StoredDocument[], tenantId: string): Promise<BatchOutcome> {
  if (originals.length === 0) return { moved: 0, alreadyMoved: 0, conflicts: [] };
  const prefix = `${tenantId}/`;
  const copies = originals.map((doc) => ({ ...doc, _id: prefix + (doc._id as string), [TENANT_FIELD]: tenantId }));
  const refused = new Set<number>();
  try {
    await collection.insertMany(copies, { ordered: false });
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    for (const writeError of refusals(error)) refused.add(writeError.index);
  }
  // A refused copy is fine when its `_id` is taken (copied already); any other unique index refusing it is a conflict.
  const refusedIds = [...refused].map((index) => copies[index]!._id);
  const existing = new Set<string>();
  for (const id of refusedIds) if (await collection.findOne({ _id: id } as unknown as Filter<StoredDocument>, { projection: { _id: 1 } })) existing.add(id);
  const conflicts = originals.filter((_doc, index) => refused.has(index) && !existing.has(copies[index]!._id)).map((doc) => doc._id);
  const copiedOriginals = originals.filter((_doc, index) => !refused.has(index) || existing.has(copies[index]!._id));
  await deleteOriginals(
    collection,
    copiedOriginals.map((doc) => doc._id),
  );
  return { moved: originals.length - refused.size, alreadyMoved: existing.size, conflicts };
}

/**
 * One command per batch, still untenanted (never a copy; deleting twice is harmless). Not one
 * delete per `_id`: FerretDB 1.24 reads the whole collection for each delete or update, so
 * 100,000 single deletes would read it 100,000 times.
 */
async function deleteOriginals(collection: Collection<StoredDocument>, ids: unknown[]): Promise<void> {
  if (ids.length === 0) return;
  await collection.deleteMany({ _id: { $in: ids }, ...UNTENANTED } as unknown as Filter<StoredDocument>);
}

/** One update per batch, as for deletes; a unique index refusing it falls back to one document at a time. */
async function setTenantInPlace(collection: Collection<StoredDocument>, originals: StoredDocument[], tenantId: string): Promise<BatchOutcome> {
  if (originals.length === 0) return { moved: 0, alreadyMoved: 0, conflicts: [] };
  const set = { $set: { [TENANT_FIELD]: tenantId } };
  try {
    const { modifiedCount } = await collection.updateMany(
      { _id: { $in: originals.map((doc) => doc._id) }, ...UNTENANTED } as unknown as Filter<StoredDocument>,
      set,
    );
    return { moved: modifiedCount, alreadyMoved: originals.length - modifiedCount, conflicts: [] };
  } catch (error) {
    if ((error as { code?: unknown }).code !== 11000) throw error;
  }
  const outcome: BatchOutcome = { moved: 0, alreadyMoved: 0, conflicts: [] };
  for (const doc of originals) {
    try {
      const { modifiedCount } = await collection.updateOne(untenantedById(doc._id), set);
      if (modifiedCount === 1) outcome.moved += 1;
      else outcome.alreadyMoved += 1;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 11000) throw error;
      outcome.conflicts.push(doc._id);
    }
  }
  return outcome;
}

/** The writes of a bulk refused by a unique index; any other error is rethrown. */
function refusals(error: MongoBulkWriteError): Array<{ index: number }> {
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  if (writeErrors.length === 0 || writeErrors.some((writeError) => writeError.code !== 11000)) throw error;
  return writeErrors;
}

/** The original by its `_id`, only while untenanted: never a copy. */
function untenantedById(id: unknown): Filter<StoredDocument> {
  return { _id: id, ...UNTENANTED } as unknown as Filter<StoredDocument>;
}
