/**
 * The member change queue: members created, with a new email, or reactivated are matched soon
 * after the change, one by one or by a full pass when that costs fewer Slack calls. Fed by
 * the members feature's memberChanged hook (wired in mapping/index.ts).
 */
import type { Logger } from '../../platform/logger';
import type { Member } from '../members/member.types';
import type { MappingService, MappingServiceDeps } from './mapping.service';
import { chooseStrategy } from './mapping-strategy';

export interface MemberChangeQueueOptions {
  /** How long to gather changes before acting, so an import's members are handled together. */
  gatherMs: number;
  /** Runs a full pass (through the scheduler's lease). */
  runFullPass(): Promise<unknown>;
  logger: Logger;
}

/**
 * Members who changed (created, email changed, reactivated), matched soon after: a few are
 * looked up one by one at once; when there are so many that a full pass costs fewer calls
 * (an import of thousands), a full pass runs instead. The cost follows the work here too.
 */
export class MemberChangeQueue {
  private readonly pending = new Map<string, Member>();
  private draining: Promise<void> | undefined;

  constructor(
    private readonly service: MappingService,
    private readonly deps: Pick<MappingServiceDeps, 'members' | 'mappings' | 'workspace'>,
    private readonly options: MemberChangeQueueOptions,
  ) {}

  /** The memberChanged hook: queues the member when the change may alter their mapping. */
  onMemberChanged(member: Member, before: Member | undefined): void {
    const created = before === undefined;
    const emailChanged = before !== undefined && before.emailKey !== member.emailKey;
    const reactivated = before?.status === 'deactivated' && member.status !== 'deactivated';
    if (!created && !emailChanged && !reactivated) return;
    if (!this.deps.workspace.isLive()) return;
    this.pending.set(member.id, member);
    this.kick();
  }

  /** Resolves once every queued member was handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain()
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'matching changed members failed'))
      .finally(() => {
        this.draining = undefined;
        if (this.pending.size > 0) this.kick();
      });
  }

  private async drain(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.options.gatherMs));
    while (this.pending.size > 0) {
      const batch = [...this.pending.keys()];
      this.pending.clear();
      const last = await this.deps.mappings.lastFullPass();
      const choice = chooseStrategy({ slackUserCount: last?.slackUsers, unmappedCount: batch.length });
      if (choice.kind === 'full' && last !== undefined) {
        this.options.logger.info(
          { members: batch.length, full: choice.full, lookups: choice.lookups },
          'many members changed: a full pass is cheaper than looking each up',
        );
        // A pass already running may have read the members before these existed: run after it.
        await this.service.whenIdle();
        const outcome = await this.options.runFullPass();
        this.options.logger.debug({ outcome }, 'full pass for changed members');
        continue;
      }
      for (const memberId of batch) {
        // Read again: the member may have changed once more since the hook.
        const member = await this.deps.members.findById(memberId);
        if (!member) continue;
        const result = await this.service.mapMember(member);
        this.options.logger.debug({ memberId, result: result.ok ? result.outcome : result.reason }, 'changed member matched');
      }
    }
  }
}
