/**
 * Ashby connections (`ashby_connections`): one document per connection. The API key is kept
 * only as an `EncryptedSecret` (AES-256-GCM, see platform/secrets) under `key`, and only
 * `encryptedKeyOf` reads it back; every other read projects it away, so a connection object
 * never carries the key, even encrypted.
 *
 * No indexes beyond `_id`: a workspace has a handful of connections, and FerretDB 1.24 scans
 * the collection for most filters anyway.
 */
import type { Collection } from 'mongodb';
import type { CollectionIndexes } from '../../../db/indexes';
import type { EncryptedSecret } from '../../../platform/secrets';
import type { AshbyConnection } from './connection.types';
import type { CollectionSource } from '../../../db/tenant-collection';

interface ConnectionDocument extends Omit<AshbyConnection, 'id'> {
  _id: string;
  key: EncryptedSecret;
}

export const ASHBY_CONNECTION_INDEXES: CollectionIndexes = { collection: 'ashby_connections', indexes: [] };

const WITHOUT_KEY = { projection: { key: 0 } } as const;

export class AshbyConnectionRepository {
  private readonly connections: Collection<ConnectionDocument>;

  constructor(db: CollectionSource) {
    this.connections = db.collection<ConnectionDocument>(ASHBY_CONNECTION_INDEXES.collection);
  }

  async insert(connection: AshbyConnection, key: EncryptedSecret): Promise<void> {
    const { id, ...fields } = connection;
    await this.connections.insertOne({ _id: id, ...fields, key });
  }

  async findById(id: string): Promise<AshbyConnection | undefined> {
    const doc = await this.connections.findOne({ _id: id }, WITHOUT_KEY);
    return doc ? toConnection(doc) : undefined;
  }

  /** Every connection, oldest first (the Home's order, and the tie-break of `withApplication`). */
  async list(): Promise<AshbyConnection[]> {
    const docs = await this.connections.find({}, WITHOUT_KEY).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map(toConnection);
  }

  /** Connections whose access list has `applicationId`, oldest first. */
  async withApplication(applicationId: string): Promise<AshbyConnection[]> {
    const docs = await this.connections.find({ applicationIds: applicationId }, WITHOUT_KEY).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map(toConnection);
  }

  /** The stored (encrypted) key; the only read that returns it. */
  async encryptedKeyOf(id: string): Promise<EncryptedSecret | undefined> {
    const doc = await this.connections.findOne({ _id: id }, { projection: { key: 1 } });
    return doc?.key;
  }

  /** Changes the name and access list; false when the connection no longer exists. */
  async updateSettings(id: string, settings: { name: string; applicationIds: string[] }, by: string, now: Date): Promise<boolean> {
    const result = await this.connections.updateOne(
      { _id: id },
      { $set: { name: settings.name, applicationIds: [...settings.applicationIds], updatedBy: by, updatedAt: now } },
    );
    return result.matchedCount > 0;
  }

  /** Stores a new (checked) key and clears the broken state; false when the connection no longer exists. */
  async replaceKey(id: string, key: EncryptedSecret, keyLast4: string, by: string, now: Date): Promise<boolean> {
    const result = await this.connections.updateOne(
      { _id: id },
      { $set: { key, keyLast4, status: 'ok', updatedBy: by, updatedAt: now }, $unset: { brokenReason: '', brokenAt: '' } },
    );
    return result.matchedCount > 0;
  }

  async markBroken(id: string, reason: string, now: Date): Promise<boolean> {
    const result = await this.connections.updateOne({ _id: id }, { $set: { status: 'broken', brokenReason: reason, brokenAt: now } });
    return result.matchedCount > 0;
  }

  async clearBroken(id: string): Promise<boolean> {
    const result = await this.connections.updateOne({ _id: id }, { $set: { status: 'ok' }, $unset: { brokenReason: '', brokenAt: '' } });
    return result.matchedCount > 0;
  }

  /** Deletes the connection and its key; false when it was already gone. */
  async remove(id: string): Promise<boolean> {
    const result = await this.connections.deleteOne({ _id: id });
    return result.deletedCount > 0;
  }
}

function toConnection(doc: Omit<ConnectionDocument, 'key'> & { key?: EncryptedSecret }): AshbyConnection {
  return {
    id: doc._id,
    name: doc.name,
    applicationIds: [...doc.applicationIds],
    keyLast4: doc.keyLast4,
    status: doc.status,
    ...(doc.brokenReason !== undefined ? { brokenReason: doc.brokenReason } : {}),
    ...(doc.brokenAt !== undefined ? { brokenAt: doc.brokenAt } : {}),
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    updatedBy: doc.updatedBy,
    updatedAt: doc.updatedAt,
  };
}
