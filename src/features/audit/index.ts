/**
 * The audit log (append-only) as features use it: admin actions record an entry; tests and
 * the member details read them back.
 */
import type { Db } from 'mongodb';
import { AuditRepository, type AuditEntry } from './audit.repository';

export type { AuditEntry } from './audit.repository';
export { AUDIT_INDEXES } from './audit.repository';

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  listForTarget(targetId: string, limit?: number): Promise<AuditEntry[]>;
  listRecent(limit?: number): Promise<AuditEntry[]>;
}

export function createAuditLog(db: Db): AuditLog {
  return new AuditRepository(db);
}
