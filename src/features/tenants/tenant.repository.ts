/**
 * The tenant registry (`platform_workspaces`, cross-tenant): one document per platform
 * workspace, `_id` = its id.
 */
import type { Collection, Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import { isDuplicateKey } from '../../db/store-errors';
import type { Tenant } from './tenant.types';

interface TenantDocument extends Omit<Tenant, 'id'> {
  _id: string;
}

export const TENANT_INDEXES: CollectionIndexes = { global: true, collection: 'platform_workspaces', indexes: [] };

export class TenantRepository {
  private readonly tenants: Collection<TenantDocument>;

  constructor(db: Db) {
    this.tenants = db.collection<TenantDocument>(TENANT_INDEXES.collection);
  }

  async get(id: string): Promise<Tenant | undefined> {
    const doc = await this.tenants.findOne({ _id: id });
    return doc ? toTenant(doc) : undefined;
  }

  /** Creates or updates; `created` says which (of concurrent creations, one creates). */
  async put(id: string, fields: { name: string; baseUrl: string }, now: Date): Promise<{ tenant: Tenant; created: boolean }> {
    const existing = await this.tenants.findOne({ _id: id });
    if (!existing) {
      try {
        const doc: TenantDocument = { _id: id, ...fields, createdAt: now, updatedAt: now };
        await this.tenants.insertOne(doc);
        return { tenant: toTenant(doc), created: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    const updated = await this.tenants.findOneAndUpdate({ _id: id }, { $set: { ...fields, updatedAt: now } }, { returnDocument: 'after' });
    return { tenant: toTenant(updated!), created: false };
  }

  /** Registers a tenant unless it exists (the default workspace at start); returns the stored one. */
  async ensure(id: string, fields: { name: string; baseUrl: string }, now: Date): Promise<Tenant> {
    await this.tenants.updateOne({ _id: id }, { $setOnInsert: { ...fields, createdAt: now, updatedAt: now } }, { upsert: true });
    return (await this.get(id))!;
  }

  /** Every tenant id, in id order, a page at a time (the scheduler's fan-out). */
  async *ids(batch = 500): AsyncGenerator<string> {
    let after: string | undefined;
    for (;;) {
      const page = await this.tenants
        .find(after === undefined ? {} : { _id: { $gt: after } }, { projection: { _id: 1 } })
        .sort({ _id: 1 })
        .limit(batch)
        .toArray();
      for (const doc of page) yield doc._id;
      if (page.length < batch) return;
      after = page[page.length - 1]!._id;
    }
  }
}

function toTenant(doc: TenantDocument): Tenant {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}
