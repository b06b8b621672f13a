/**
 * Ashby imports as stored: one document per import (`ashby_imports`), few of them, read
 * whole. The sync token is written only by a run that succeeded.
 */
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { CollectionIndexes } from '../../../db/indexes';
import type { AshbyImport, ChosenCustomField } from './import.types';
import type { CollectionSource } from '../../../db/tenant-collection';

interface ImportDocument extends Omit<AshbyImport, 'id'> {
  _id: string;
}

export const ASHBY_IMPORT_INDEXES: CollectionIndexes = {
  collection: 'ashby_imports',
  indexes: [{ key: { createdAt: 1 }, name: 'createdAt_1' }],
};

/** What an admin sets in the setup modal. */
export interface ImportSettings {
  applicationId: string;
  targetBlock: string;
  customFields: ChosenCustomField[];
  createPendingMembers: boolean;
}

export class ImportRepository {
  private readonly imports: Collection<ImportDocument>;

  /** `beforeCreate`: marks the tenant for the scheduled imports job before an import is written (the connector passes it). */
  constructor(
    db: CollectionSource,
    private readonly beforeCreate?: (at: Date) => Promise<void>,
  ) {
    this.imports = db.collection<ImportDocument>(ASHBY_IMPORT_INDEXES.collection);
  }

  async create(settings: ImportSettings, ownerMemberId: string, now: Date): Promise<AshbyImport> {
    await this.beforeCreate?.(now);
    const doc: ImportDocument = {
      _id: `imp-${randomUUID()}`,
      applicationId: settings.applicationId,
      targetBlock: settings.targetBlock,
      customFields: settings.customFields.map((f) => ({ id: f.id, title: f.title })),
      createPendingMembers: settings.createPendingMembers,
      ownerMemberId,
      createdAt: now,
      updatedAt: now,
    };
    await this.imports.insertOne(doc);
    return toImport(doc);
  }

  async findById(id: string): Promise<AshbyImport | undefined> {
    const doc = await this.imports.findOne({ _id: id });
    return doc ? toImport(doc) : undefined;
  }

  /** Every import, oldest first (an organisation has a handful). */
  async listAll(): Promise<AshbyImport[]> {
    return (await this.imports.find({}).sort({ createdAt: 1, _id: 1 }).toArray()).map(toImport);
  }

  /**
   * Changes what the admin set. A different application or other custom fields make the next
   * run a full read (the sync token is dropped), so every row gets the new shape.
   */
  async updateSettings(id: string, settings: ImportSettings, now: Date): Promise<AshbyImport | undefined> {
    const existing = await this.imports.findOne({ _id: id });
    if (!existing) return undefined;
    const sameSource =
      existing.applicationId === settings.applicationId &&
      existing.customFields.map((f) => f.id).join('\n') === settings.customFields.map((f) => f.id).join('\n') &&
      existing.createPendingMembers === settings.createPendingMembers;
    const doc: ImportDocument = {
      ...existing,
      applicationId: settings.applicationId,
      targetBlock: settings.targetBlock,
      customFields: settings.customFields.map((f) => ({ id: f.id, title: f.title })),
      createPendingMembers: settings.createPendingMembers,
      updatedAt: now,
    };
    if (!sameSource) delete doc.syncToken;
    await this.imports.replaceOne({ _id: id }, doc);
    return toImport(doc);
  }

  /**
   * Stores the token of a successful read, unless the import's settings changed while the run
   * went on (`settingsAt`): that read had the old shape, and the next run must be a full one.
   */
  async saveSyncToken(id: string, syncToken: string, settingsAt: Date): Promise<void> {
    await this.imports.updateOne({ _id: id, updatedAt: settingsAt }, { $set: { syncToken } });
  }

  async countOwnedBy(memberId: string): Promise<number> {
    return this.imports.countDocuments({ ownerMemberId: memberId });
  }

  /** Hands `fromMemberId`'s imports to `toMemberId` (updatedAt is kept: it marks settings changes). */
  async transferOwnership(fromMemberId: string, toMemberId: string): Promise<number> {
    const result = await this.imports.updateMany({ ownerMemberId: fromMemberId }, { $set: { ownerMemberId: toMemberId } });
    return result.modifiedCount;
  }
}

function toImport(doc: ImportDocument): AshbyImport {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest, customFields: rest.customFields.map((f) => ({ ...f })) };
}
