/**
 * Tenant-scoped collections: the one place where tenant isolation is enforced in the store.
 *
 * A repository of tenant data is built on a TenantDb and writes its queries as if the database
 * held only one tenant. Each call reads the current tenant (src/tenancy/tenant-scope.ts, which
 * throws outside a scope) and:
 *
 * - adds `tenantId` to every filter and every inserted or replacing document, so a query can
 *   neither match nor create another tenant's documents (and every index leads with it:
 *   `ensureIndexes` prefixes `tenantId` to the definitions of tenant collections);
 * - stores a string `_id` as `<tenantId>/<id>`: repositories keep their natural keys (a
 *   member's platform id, a notification's idempotency key) although different tenants use
 *   the same ones. Filters on `_id` (equality, `$in`, `$nin`, ranges, `$regex`, inside `$and`,
 *   `$or`, `$nor`) are translated the same way, and answers come back with the prefix and
 *   `tenantId` removed, exactly as the repository wrote them.
 *
 * A sharded MongoDB can shard these collections on `{tenantId: 1}`: every unique index
 * starts with it and every `_id` is unique within a tenant's own range.
 *
 * Only the operations repositories use are offered; anything else (aggregate, bulkWrite,
 * distinct, watch…) throws, rather than silently spanning tenants.
 */
import type { Collection, Db, Document, Filter } from 'mongodb';
import { currentTenantId } from '../tenancy/tenant-scope';

/** What repositories of tenant data are built on (a real Db fits too: cross-tenant stores). */
export interface CollectionSource {
  collection<T extends Document>(name: string): Collection<T>;
}

/** The field every tenant document carries. */
export const TENANT_FIELD = 'tenantId';

const LOGICAL = new Set(['$and', '$or', '$nor']);
const ID_SCALAR_OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte']);
const ID_LIST_OPERATORS = new Set(['$in', '$nin']);
const SUPPORTED = new Set([
  'find',
  'findOne',
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'countDocuments',
]);
const PASS_THROUGH = new Set(['collectionName', 'dbName', 'namespace']);

/** A Db whose collections are tenant-scoped (see the file comment). */
export class TenantDb implements CollectionSource {
  constructor(private readonly db: Db) {}

  collection<T extends Document>(name: string): Collection<T> {
    return tenantCollection<T>(this.db.collection<T>(name));
  }
}

function tenantCollection<T extends Document>(real: Collection<T>): Collection<T> {
  const name = real.collectionName;
  const scope = () => {
    const tenantId = currentTenantId(`collection ${name}`);
    return { tenantId, prefix: `${tenantId}/` };
  };
  const ops: Record<string, (...args: never[]) => unknown> = {
    find: (filter: Filter<Document> = {}, options?: Document) => {
      const s = scope();
      return real.find(scopedFilter(filter, s) as Filter<T>, options).map((doc) => stripDoc(doc, s.prefix) as T);
    },
    findOne: async (filter: Filter<Document> = {}, options?: Document) => {
      const s = scope();
      return stripDoc(await real.findOne(scopedFilter(filter, s) as Filter<T>, options), s.prefix);
    },
    insertOne: async (doc: Document, options?: Document) => {
      const s = scope();
      const result = await real.insertOne(scopedDoc(doc, s) as never, options);
      return { ...result, insertedId: stripId(result.insertedId, s.prefix) };
    },
    insertMany: async (docs: Document[], options?: Document) => {
      const s = scope();
      const result = await real.insertMany(
        docs.map((doc) => scopedDoc(doc, s) as never),
        options,
      );
      const insertedIds = Object.fromEntries(Object.entries(result.insertedIds).map(([index, id]) => [index, stripId(id, s.prefix)]));
      return { ...result, insertedIds };
    },
    updateOne: async (filter: Filter<Document>, update: Document, options?: Document) => {
      const s = scope();
      const result = await real.updateOne(scopedFilter(filter, s) as Filter<T>, checkedUpdate(update, name), options);
      return { ...result, upsertedId: stripId(result.upsertedId, s.prefix) };
    },
    updateMany: async (filter: Filter<Document>, update: Document, options?: Document) => {
      const s = scope();
      return real.updateMany(scopedFilter(filter, s) as Filter<T>, checkedUpdate(update, name), options);
    },
    replaceOne: async (filter: Filter<Document>, doc: Document, options?: Document) => {
      const s = scope();
      const result = await real.replaceOne(scopedFilter(filter, s) as Filter<T>, scopedDoc(doc, s) as never, options);
      return { ...result, upsertedId: stripId(result.upsertedId, s.prefix) };
    },
    deleteOne: (filter: Filter<Document>, options?: Document) => real.deleteOne(scopedFilter(filter, scope()) as Filter<T>, options),
    deleteMany: (filter: Filter<Document> = {}, options?: Document) => real.deleteMany(scopedFilter(filter, scope()) as Filter<T>, options),
    findOneAndUpdate: async (filter: Filter<Document>, update: Document, options: Document = {}) => {
      const s = scope();
      noMetadata(options, name);
      return stripDoc(await real.findOneAndUpdate(scopedFilter(filter, s) as Filter<T>, checkedUpdate(update, name), options), s.prefix);
    },
    findOneAndDelete: async (filter: Filter<Document>, options: Document = {}) => {
      const s = scope();
      noMetadata(options, name);
      return stripDoc(await real.findOneAndDelete(scopedFilter(filter, s) as Filter<T>, options), s.prefix);
    },
    findOneAndReplace: async (filter: Filter<Document>, doc: Document, options: Document = {}) => {
      const s = scope();
      noMetadata(options, name);
      return stripDoc(await real.findOneAndReplace(scopedFilter(filter, s) as Filter<T>, scopedDoc(doc, s) as never, options), s.prefix);
    },
    countDocuments: (filter: Filter<Document> = {}, options?: Document) => real.countDocuments(scopedFilter(filter, scope()) as Filter<T>, options),
  };
  return new Proxy(real, {
    get(target, property) {
      if (typeof property === 'string' && SUPPORTED.has(property)) return ops[property];
      if (typeof property === 'string' && PASS_THROUGH.has(property)) return Reflect.get(target, property);
      return () => {
        throw new Error(`${String(property)} is not available on the tenant-scoped collection ${name}`);
      };
    },
  });
}

interface Scope {
  tenantId: string;
  prefix: string;
}

/** The repository's filter, within the current tenant. Exported for the unit test. */
export function scopedFilter(filter: Filter<Document>, scope: Scope): Document {
  if (Object.hasOwn(filter, TENANT_FIELD)) throw new Error(`a tenant-scoped filter must not name ${TENANT_FIELD} itself`);
  return { ...translateIds(filter, scope.prefix), [TENANT_FIELD]: scope.tenantId };
}

function translateIds(filter: Document, prefix: string): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries(filter)) {
    if (LOGICAL.has(key)) out[key] = (value as Document[]).map((clause) => translateIds(clause, prefix));
    else if (key === '_id') out[key] = translateIdCondition(value, prefix);
    else out[key] = value;
  }
  return out;
}

function translateIdCondition(condition: unknown, prefix: string): unknown {
  if (typeof condition === 'string') return prefix + condition;
  if (!isPlainObject(condition)) return condition;
  const out: Document = {};
  for (const [operator, operand] of Object.entries(condition)) {
    if (ID_SCALAR_OPERATORS.has(operator)) out[operator] = typeof operand === 'string' ? prefix + operand : operand;
    else if (ID_LIST_OPERATORS.has(operator)) out[operator] = (operand as unknown[]).map((id) => (typeof id === 'string' ? prefix + id : id));
    else if (operator === '$regex') out[operator] = anchoredAfterPrefix(String(operand), prefix);
    else if (operator === '$options' || operator === '$exists') out[operator] = operand;
    else throw new Error(`_id operator ${operator} is not supported on tenant-scoped collections`);
  }
  return out;
}

/** A pattern on the repository's id, applied to what follows the prefix. */
function anchoredAfterPrefix(pattern: string, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return pattern.startsWith('^') ? `^${escaped}(?:${pattern.slice(1)})` : `^${escaped}.*?(?:${pattern})`;
}

function scopedDoc(doc: Document, scope: Scope): Document {
  if (Object.hasOwn(doc, TENANT_FIELD)) throw new Error(`a tenant document must not set ${TENANT_FIELD} itself`);
  const out: Document = { ...doc, [TENANT_FIELD]: scope.tenantId };
  if (typeof doc._id === 'string') out._id = scope.prefix + doc._id;
  return out;
}

function checkedUpdate(update: Document, collection: string): Document {
  if (Array.isArray(update)) throw new Error(`update pipelines are not supported on tenant-scoped collection ${collection}`);
  for (const [operator, fields] of Object.entries(update)) {
    if (isPlainObject(fields) && (Object.hasOwn(fields, TENANT_FIELD) || Object.hasOwn(fields, '_id'))) {
      throw new Error(`${operator} must not change ${TENANT_FIELD} or _id on tenant-scoped collection ${collection}`);
    }
  }
  return update;
}

function noMetadata(options: Document, collection: string): void {
  if (options.includeResultMetadata) throw new Error(`includeResultMetadata is not supported on tenant-scoped collection ${collection}`);
}

function stripDoc<D extends Document>(doc: D | null, prefix: string): D | null {
  if (!doc) return doc;
  const { [TENANT_FIELD]: _tenant, ...rest } = doc as Document;
  if (typeof rest._id === 'string' && rest._id.startsWith(prefix)) rest._id = rest._id.slice(prefix.length);
  return rest as D;
}

function stripId<I>(id: I, prefix: string): I {
  return typeof id === 'string' && id.startsWith(prefix) ? (id.slice(prefix.length) as I) : id;
}

function isPlainObject(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
