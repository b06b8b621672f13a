/**
 * Platform applications (`applications`): one document per application, `_id` = the
 * platform's id. Written only by `PUT /api/v1/applications/:applicationId`; read by the
 * connection access lists and the imports.
 */
import { MongoServerError, type Collection } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { Application } from './application.types';
import type { CollectionSource } from '../../db/tenant-collection';

interface ApplicationDocument extends Omit<Application, 'id'> {
  _id: string;
}

export const APPLICATION_INDEXES: CollectionIndexes = {
  collection: 'applications',
  // list()'s order (pickers).
  indexes: [{ key: { name: 1, _id: 1 }, name: 'name_id' }],
};

export type PutApplicationResult = { outcome: 'created' | 'updated' | 'unchanged'; application: Application };

/** Tries of a put while another writer keeps creating the same application between our read and write. */
const PUT_ATTEMPTS = 3;

export class ApplicationRepository {
  private readonly applications: Collection<ApplicationDocument>;

  constructor(db: CollectionSource) {
    this.applications = db.collection<ApplicationDocument>(APPLICATION_INDEXES.collection);
  }

  /**
   * Creates the application or renames it. Creation is an insert, so two concurrent first
   * PUTs cannot both report `created` (the unique `_id` decides, on FerretDB too).
   */
  async put(id: string, name: string, now: Date): Promise<PutApplicationResult> {
    for (let attempt = 0; ; attempt += 1) {
      const existing = await this.applications.findOne({ _id: id });
      if (existing) {
        if (existing.name === name) return { outcome: 'unchanged', application: toApplication(existing) };
        await this.applications.updateOne({ _id: id }, { $set: { name, updatedAt: now } });
        return { outcome: 'updated', application: toApplication({ ...existing, name, updatedAt: now }) };
      }
      const doc: ApplicationDocument = { _id: id, name, createdAt: now, updatedAt: now };
      try {
        await this.applications.insertOne(doc);
        return { outcome: 'created', application: toApplication(doc) };
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === 11000) || attempt + 1 >= PUT_ATTEMPTS) throw error;
        // Created by another writer meanwhile: read it again and update it.
      }
    }
  }

  async findById(id: string): Promise<Application | undefined> {
    const doc = await this.applications.findOne({ _id: id });
    return doc ? toApplication(doc) : undefined;
  }

  /** The applications of `ids` that exist, by name. */
  async findByIds(ids: readonly string[]): Promise<Application[]> {
    if (ids.length === 0) return [];
    const docs = await this.applications
      .find({ _id: { $in: [...ids] } })
      .sort({ name: 1, _id: 1 })
      .toArray();
    return docs.map(toApplication);
  }

  /**
   * Applications by name, for pickers: all of them, or those whose name or id contains
   * `text` (case-insensitive), at most `limit`.
   */
  async list(options: { text?: string; limit?: number } = {}): Promise<Application[]> {
    const text = options.text?.trim();
    const pattern = text ? text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : undefined;
    const cursor = this.applications
      .find(pattern ? { $or: [{ name: { $regex: pattern, $options: 'i' } }, { _id: { $regex: pattern, $options: 'i' } }] } : {})
      .sort({ name: 1, _id: 1 });
    if (options.limit !== undefined) cursor.limit(options.limit);
    return (await cursor.toArray()).map(toApplication);
  }
}

function toApplication(doc: ApplicationDocument): Application {
  return { id: doc._id, name: doc.name, createdAt: doc.createdAt, updatedAt: doc.updatedAt };
}
