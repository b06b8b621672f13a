/**
 * The member directory's business rules: writes from the HTTP API, and the admin actions of
 * the App Home (edit, deactivate, reactivate), each authorised on the server when it runs
 * and audited. No Bolt here: listeners and routes call these methods and turn the results
 * into modals or HTTP statuses.
 */
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { AuditLog } from '../audit';
import type { Actor } from './actor.service';
import type { MemberRepository } from './member.repository';
import { ACCOUNT_TYPES, emailKey, type AccountType, type Member, type MemberStatus } from './member.types';
import { notifyMemberChanged, type MemberChangedHook } from './member-changed';
import { isAllowed } from './permissions';

// ---------------------------------------------------------------------------------------------
// Ownership: what a member owns (scheduled imports, third-party connections, …) and must hand
// over before they are deactivated. Features that own things register a provider.

export interface OwnershipProvider {
  /** What is owned, e.g. `scheduled_import`, `ashby_connection`; unique per registry. */
  kind: string;
  /** How many of these `memberId` owns. */
  countOwnedBy(memberId: string): Promise<number>;
  /** Gives everything `fromMemberId` owns to `toMemberId`; returns how many moved. */
  transfer(fromMemberId: string, toMemberId: string): Promise<number>;
}

export interface OwnedCount {
  kind: string;
  count: number;
}

export class OwnershipRegistry {
  private readonly providers: OwnershipProvider[] = [];

  register(provider: OwnershipProvider): this {
    if (this.providers.some((p) => p.kind === provider.kind)) throw new Error(`ownership provider "${provider.kind}" is already registered`);
    this.providers.push(provider);
    return this;
  }

  /** The kinds `memberId` owns at least one of, with counts. */
  async ownedBy(memberId: string): Promise<OwnedCount[]> {
    const owned: OwnedCount[] = [];
    for (const provider of this.providers) {
      const count = await provider.countOwnedBy(memberId);
      if (count > 0) owned.push({ kind: provider.kind, count });
    }
    return owned;
  }

  /** Transfers everything, provider by provider; returns what moved. */
  async transferAll(fromMemberId: string, toMemberId: string): Promise<OwnedCount[]> {
    const moved: OwnedCount[] = [];
    for (const provider of this.providers) {
      const count = await provider.transfer(fromMemberId, toMemberId);
      if (count > 0) moved.push({ kind: provider.kind, count });
    }
    return moved;
  }
}

// ---------------------------------------------------------------------------------------------
// Who may act on whom

const RANK: Record<AccountType, number> = { standard_member: 0, workspace_admin: 1, security_admin: 2, primary_owner: 3 };

/**
 * True when `actor` may manage members (`members.manage`) and ranks at least as high as
 * `target`'s account type: a workspace admin cannot edit, deactivate or promote anyone to a
 * Security Admin or Primary Owner, so nobody grants themselves more than they have.
 */
export function canManageMember(actor: Member | undefined, target: AccountType): boolean {
  return isAllowed(actor, 'members.manage') && RANK[actor!.accountType] >= RANK[target];
}

/** The account types `actor` may give (for a select in a modal). */
export function assignableAccountTypes(actor: Member | undefined): AccountType[] {
  return ACCOUNT_TYPES.filter((type) => canManageMember(actor, type));
}

// ---------------------------------------------------------------------------------------------

export interface PutMemberInput {
  email: string;
  name: string;
  accountType: AccountType;
  /** Defaults to `pending` for a new member; kept as it is for an existing one. */
  status?: MemberStatus;
  /** Kept as they are for an existing member when omitted. */
  groups?: string[];
}

export type PutMemberResult =
  | { ok: true; outcome: 'created' | 'updated' | 'unchanged'; member: Member }
  | { ok: false; reason: 'email_taken'; takenBy: string };

export const MEMBER_NAME_MAX_LENGTH = 200;

export type UpdateProfileResult =
  | { ok: true; member: Member; changed: boolean }
  | { ok: false; reason: 'not_allowed' | 'not_found' | 'above_own_rank' | 'own_account_type' | 'invalid_name' };

export type DeactivateResult =
  | { ok: true; member: Member; transferred: OwnedCount[] }
  | { ok: false; reason: 'not_allowed' | 'not_found' | 'above_own_rank' | 'self' | 'already_deactivated' }
  /** The member owns things: pick an activated member to take them over. */
  | { ok: false; reason: 'successor_required'; owned: OwnedCount[] }
  /** The successor is unknown, not activated, or the member themself. */
  | { ok: false; reason: 'invalid_successor'; owned: OwnedCount[] };

export type ReactivateResult = { ok: true; member: Member } | { ok: false; reason: 'not_allowed' | 'not_found' | 'above_own_rank' | 'not_deactivated' };

export interface MembersServiceDeps {
  members: MemberRepository;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  ownership: OwnershipRegistry;
  /** Read at each change, so hooks registered later are called too. */
  memberChanged: readonly MemberChangedHook[];
}

export { notifyMemberChanged, type MemberChangedHook } from './member-changed';

export class MembersService {
  constructor(private readonly deps: MembersServiceDeps) {}

  /**
   * Creates or replaces member `id` (the HTTP API). A new member starts `pending` unless a
   * status is given; an existing one keeps its status and groups when they are omitted.
   * Refused when another member has the email.
   */
  async putMember(id: string, input: PutMemberInput, source: 'api'): Promise<PutMemberResult> {
    const email = input.email.trim();
    const result = await this.deps.members.save(
      {
        id,
        name: input.name.trim(),
        email,
        emailKey: emailKey(email),
        accountType: input.accountType,
        // Left out: the repository keeps the stored values, read at the moment it writes.
        status: input.status,
        groups: input.groups,
        source,
      },
      this.deps.clock.now(),
    );
    if (!result.ok) return result;
    if (result.outcome !== 'unchanged') this.notifyIfRelevant(result.member, result.before);
    return { ok: true, outcome: result.outcome, member: result.member };
  }

  /** Changes a member's name and/or account type (App Home, `members.manage`). */
  async updateProfile(actor: Actor, memberId: string, patch: { name?: string; accountType?: AccountType }): Promise<UpdateProfileResult> {
    if (!isAllowed(actor.member, 'members.manage')) return { ok: false, reason: 'not_allowed' };
    const name = patch.name?.trim();
    if (name !== undefined && (name === '' || Array.from(name).length > MEMBER_NAME_MAX_LENGTH)) return { ok: false, reason: 'invalid_name' };
    const member = await this.deps.members.findById(memberId);
    if (!member) return { ok: false, reason: 'not_found' };
    if (!canManageMember(actor.member, member.accountType)) return { ok: false, reason: 'above_own_rank' };
    const change: { name?: string; accountType?: AccountType } = {};
    if (name !== undefined && name !== member.name) change.name = name;
    if (patch.accountType !== undefined && patch.accountType !== member.accountType) {
      if (!canManageMember(actor.member, patch.accountType)) return { ok: false, reason: 'above_own_rank' };
      // Nobody demotes themself by accident and locks the workspace out of its admin screens.
      if (actor.member!.id === member.id) return { ok: false, reason: 'own_account_type' };
      change.accountType = patch.accountType;
    }
    if (Object.keys(change).length === 0) return { ok: true, member, changed: false };
    const now = this.deps.clock.now();
    const updated = await this.deps.members.updateProfile(memberId, change, now);
    if (!updated) return { ok: false, reason: 'not_found' };
    await this.deps.audit.record({
      at: now,
      actor: auditActor(actor),
      action: 'member.update',
      target: { type: 'member', id: memberId },
      before: pick(updated.before, change),
      after: pick(updated.after, change),
    });
    return { ok: true, member: updated.after, changed: true };
  }

  /**
   * Deactivates a member: they stay in the directory (status `deactivated`) with their
   * mapping and history. When they own anything (see OwnershipRegistry), `successorId` must
   * name another activated member, who takes it all over first.
   */
  async deactivate(actor: Actor, memberId: string, options: { successorId?: string } = {}): Promise<DeactivateResult> {
    if (!isAllowed(actor.member, 'members.manage')) return { ok: false, reason: 'not_allowed' };
    if (actor.member!.id === memberId) return { ok: false, reason: 'self' };
    const member = await this.deps.members.findById(memberId);
    if (!member) return { ok: false, reason: 'not_found' };
    if (!canManageMember(actor.member, member.accountType)) return { ok: false, reason: 'above_own_rank' };
    if (member.status === 'deactivated') return { ok: false, reason: 'already_deactivated' };

    const owned = await this.deps.ownership.ownedBy(memberId);
    let transferred: OwnedCount[] = [];
    let successorId: string | undefined;
    if (owned.length > 0) {
      if (!options.successorId) return { ok: false, reason: 'successor_required', owned };
      const successor = options.successorId === memberId ? undefined : await this.deps.members.findById(options.successorId);
      if (successor?.status !== 'activated') return { ok: false, reason: 'invalid_successor', owned };
      successorId = successor.id;
      // Before the status changes: if a transfer fails, the member is still active and the
      // admin can simply try again.
      transferred = await this.deps.ownership.transferAll(memberId, successor.id);
    }

    const now = this.deps.clock.now();
    const changed = await this.deps.members.transitionStatus(memberId, ['pending', 'activated'], 'deactivated', now);
    if (!changed) return { ok: false, reason: 'already_deactivated' };
    await this.deps.audit.record({
      at: now,
      actor: auditActor(actor),
      action: 'member.deactivate',
      target: { type: 'member', id: memberId },
      before: { status: changed.before.status },
      after: { status: 'deactivated', ...(successorId ? { successorId, transferred } : {}) },
    });
    this.deps.logger.info({ memberId, by: actor.slackUserId, successorId, transferred }, 'member deactivated');
    this.notifyIfRelevant(changed.after, changed.before);
    return { ok: true, member: changed.after, transferred };
  }

  /** Reactivates a deactivated member (status `activated`). What was handed over stays with the successor. */
  async reactivate(actor: Actor, memberId: string): Promise<ReactivateResult> {
    if (!isAllowed(actor.member, 'members.manage')) return { ok: false, reason: 'not_allowed' };
    const member = await this.deps.members.findById(memberId);
    if (!member) return { ok: false, reason: 'not_found' };
    if (!canManageMember(actor.member, member.accountType)) return { ok: false, reason: 'above_own_rank' };
    const now = this.deps.clock.now();
    const changed = await this.deps.members.transitionStatus(memberId, ['deactivated'], 'activated', now);
    if (!changed) return { ok: false, reason: 'not_deactivated' };
    await this.deps.audit.record({
      at: now,
      actor: auditActor(actor),
      action: 'member.reactivate',
      target: { type: 'member', id: memberId },
      before: { status: 'deactivated' },
      after: { status: 'activated' },
    });
    this.deps.logger.info({ memberId, by: actor.slackUserId }, 'member reactivated');
    this.notifyIfRelevant(changed.after, changed.before);
    return { ok: true, member: changed.after };
  }

  /** Calls the memberChanged hooks after a create, an email change or a status change. */
  notifyIfRelevant(member: Member, before: Member | undefined): void {
    if (before && before.emailKey === member.emailKey && before.status === member.status) return;
    notifyMemberChanged(this.deps.memberChanged, this.deps.logger, member, before);
  }
}

function auditActor(actor: Actor): { slackUserId: string; memberId?: string } {
  return actor.member ? { slackUserId: actor.slackUserId, memberId: actor.member.id } : { slackUserId: actor.slackUserId };
}

function pick(member: Member, fields: { name?: string; accountType?: AccountType }): Partial<Member> {
  const out: Partial<Member> = {};
  if (fields.name !== undefined) out.name = member.name;
  if (fields.accountType !== undefined) out.accountType = member.accountType;
  return out;
}
