/**
 * The audit log (append-only) as features use it: admin actions record an entry; tests and
 * the member details read them back.
 */
import { AuditRepository, type AuditEntry } from './audit.repository';
import type { CollectionSource } from '../../db/tenant-collection';

export type { AuditEntry } from './audit.repository';
export { AUDIT_INDEXES } from './audit.repository';

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  listForTarget(targetId: string, limit?: number): Promise<AuditEntry[]>;
  listRecent(limit?: number): Promise<AuditEntry[]>;
}

export function createAuditLog(db: CollectionSource): AuditLog {
  return new AuditRepository(db);
}
