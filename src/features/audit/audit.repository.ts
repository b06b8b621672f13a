/**
 * The audit log: every admin action, with who did it, when, and the record before and after.
 * Append-only.
 */
import type { Collection } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { CollectionSource } from '../../db/tenant-collection';

export interface AuditEntry {
  at: Date;
  actor: { slackUserId: string; memberId?: string };
  /** What was done, e.g. `mapping.set_up`, `member.deactivate`, `workspace.acknowledge`. */
  action: string;
  target: { type: 'member' | 'mapping' | 'workspace' | 'import'; id: string };
  before?: unknown;
  after?: unknown;
}

export const AUDIT_INDEXES: CollectionIndexes = {
  collection: 'audit_log',
  indexes: [
    { key: { at: -1 }, name: 'at_-1' },
    { key: { 'target.id': 1, at: -1 }, name: 'target_at' },
  ],
};

export class AuditRepository {
  private readonly entries: Collection<AuditEntry>;

  constructor(db: CollectionSource) {
    this.entries = db.collection<AuditEntry>(AUDIT_INDEXES.collection);
  }

  async record(entry: AuditEntry): Promise<void> {
    // Copy: insertOne adds `_id` to the object it is given.
    await this.entries.insertOne({ ...entry });
  }

  async listForTarget(targetId: string, limit = 50): Promise<AuditEntry[]> {
    return this.entries
      .find({ 'target.id': targetId }, { projection: { _id: 0 } })
      .sort({ at: -1 })
      .limit(limit)
      .toArray();
  }

  async listRecent(limit = 50): Promise<AuditEntry[]> {
    return this.entries
      .find({}, { projection: { _id: 0 } })
      .sort({ at: -1 })
      .limit(limit)
      .toArray();
  }
}
