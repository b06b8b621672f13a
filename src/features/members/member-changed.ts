/**
 * The memberChanged hooks: called after a member was created, or their email or status
 * changed, whoever wrote it (API, CSV, admin, provisioning, imports).
 */
import type { Logger } from '../../platform/logger';
import type { Member } from './member.types';

/** Called after a member was created, or their email or status changed. */
export type MemberChangedHook = (member: Member, before: Member | undefined) => void;

/**
 * Calls each hook; one that throws is logged and does not stop the others (the write they
 * react to has already happened and is not undone).
 */
export function notifyMemberChanged(hooks: readonly MemberChangedHook[], logger: Logger, member: Member, before: Member | undefined): void {
  for (const hook of hooks) {
    try {
      hook(member, before);
    } catch (error) {
      logger.error({ err: error, memberId: member.id }, 'a memberChanged hook failed');
    }
  }
}
