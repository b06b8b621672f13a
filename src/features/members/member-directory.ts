/**
 * The member directory as other features may use it (the members feature's port): reads, and
 * the few writes other features make (provisioning, imports), each of which fires the
 * memberChanged hooks, so no caller can forget them. The repository stays private to the
 * members feature.
 */
import type { Logger } from '../../platform/logger';
import type { MemberRepository, SaveMemberResult } from './member.repository';
import type { Member, MemberStatus } from './member.types';
import { notifyMemberChanged, type MemberChangedHook } from './member-changed';

type SaveInput = Parameters<MemberRepository['save']>[0];

export class MemberDirectory {
  constructor(
    private readonly members: MemberRepository,
    private readonly deps: {
      logger: Logger;
      /** Read at each change, so hooks registered later are called too. */
      memberChanged: readonly MemberChangedHook[];
    },
  ) {}

  findById(id: string): Promise<Member | undefined> {
    return this.members.findById(id);
  }

  findByIds(ids: readonly string[]): Promise<Member[]> {
    return this.members.findByIds(ids);
  }

  findByEmailKey(emailKey: string): Promise<Member | undefined> {
    return this.members.findByEmailKey(emailKey);
  }

  findByEmailKeys(keys: readonly string[]): Promise<Member[]> {
    return this.members.findByEmailKeys(keys);
  }

  listPage(query: Parameters<MemberRepository['listPage']>[0]): Promise<Member[]> {
    return this.members.listPage(query);
  }

  searchPage(query: Parameters<MemberRepository['searchPage']>[0]): Promise<Member[]> {
    return this.members.searchPage(query);
  }

  findActiveByAccountTypes(...args: Parameters<MemberRepository['findActiveByAccountTypes']>): Promise<Member[]> {
    return this.members.findActiveByAccountTypes(...args);
  }

  countByStatus(): Promise<Record<MemberStatus, number>> {
    return this.members.countByStatus();
  }

  streamAll(): AsyncGenerator<Member> {
    return this.members.streamAll();
  }

  streamActiveEmails(): AsyncGenerator<{ id: string; emailKey: string }> {
    return this.members.streamActiveEmails();
  }

  /** Creates or updates one member (see MemberRepository.save); fires the hooks when it matters. */
  async update(input: SaveInput, now: Date): Promise<SaveMemberResult> {
    const saved = await this.members.save(input, now);
    if (saved.ok && saved.outcome !== 'unchanged') this.changed(saved.member, saved.before);
    return saved;
  }

  /**
   * Inserts new members in one command; those refused (id or email taken) are returned.
   * `beforeHooks` runs between the insert and the hooks (provisioning connects the new members
   * to the Slack users they came from there, so the mapping has nothing left to look up).
   */
  async createMany(
    members: readonly Member[],
    options: { beforeHooks?: (result: Awaited<ReturnType<MemberRepository['insertNew']>>) => Promise<void> } = {},
  ): Promise<Awaited<ReturnType<MemberRepository['insertNew']>>> {
    const result = await this.members.insertNew(members);
    await options.beforeHooks?.(result);
    for (const member of result.inserted) this.changed(member, undefined);
    return result;
  }

  /** Moves a member from one of `from` to `to`; undefined when it was in none of them. */
  async transitionStatus(id: string, from: readonly MemberStatus[], to: MemberStatus, now: Date): Promise<{ before: Member; after: Member } | undefined> {
    const changed = await this.members.transitionStatus(id, from, to, now);
    if (changed) this.changed(changed.after, changed.before);
    return changed;
  }

  /** A create, an email change or a status change is what other features react to. */
  private changed(member: Member, before: Member | undefined): void {
    if (before && before.emailKey === member.emailKey && before.status === member.status) return;
    notifyMemberChanged(this.deps.memberChanged, this.deps.logger, member, before);
  }
}
