/**
 * The member change queue: members created, with a new email, or reactivated are matched soon
 * after the change, one by one or by a full pass when that costs fewer Slack calls. Fed by
 * the members feature's memberChanged hook (wired in mapping/index.ts).
 */
import type { Logger } from '../../platform/logger';
import type { Member } from '../members/member.types';
import type { MappingService, MappingServiceDeps } from './mapping.service';
import { chooseStrategy } from './mapping-strategy';
import { currentTenant, runInTenant, type TenantScope } from '../../tenancy/tenant-scope';

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
  /** Per tenant: the members waiting, and the drain in progress (each drain runs inside its tenant). */
  private readonly tenants = new Map<string, { scope: TenantScope; pending: Map<string, Member>; draining?: Promise<void> }>();

  constructor(
    private readonly service: MappingService,
    private readonly deps: Pick<MappingServiceDeps, 'members' | 'mappings' | 'workspace'>,
    private readonly options: MemberChangeQueueOptions,
  ) {}

  /** The memberChanged hook (inside the member's tenant): queues the member when the change may alter their mapping. */
  onMemberChanged(member: Member, before: Member | undefined): void {
    const created = before === undefined;
    const emailChanged = before !== undefined && before.emailKey !== member.emailKey;
    const reactivated = before?.status === 'deactivated' && member.status !== 'deactivated';
    if (!created && !emailChanged && !reactivated) return;
    const scope = currentTenant('a member change');
    let queue = this.tenants.get(scope.tenantId);
    if (!queue) {
      queue = { scope, pending: new Map() };
      this.tenants.set(scope.tenantId, queue);
    }
    queue.pending.set(member.id, member);
    this.kick(scope.tenantId);
  }

  /** Resolves once every queued member of every tenant was handled (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const draining = [...this.tenants.values()].flatMap((queue) => (queue.draining ? [queue.draining] : []));
      if (draining.length === 0) return;
      await Promise.all(draining);
    }
  }

  private kick(tenantId: string): void {
    const queue = this.tenants.get(tenantId);
    if (!queue || queue.draining) return;
    queue.draining = runInTenant(queue.scope, () => this.drain(queue.pending))
      .catch((error: unknown) => this.options.logger.error({ err: error, tenantId }, 'matching changed members failed'))
      .finally(() => {
        queue.draining = undefined;
        if (queue.pending.size > 0) this.kick(tenantId);
        else this.tenants.delete(tenantId);
      });
  }

  private async drain(pending: Map<string, Member>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.options.gatherMs));
    while (pending.size > 0) {
      const batch = [...pending.keys()];
      pending.clear();
      // Only a live workspace matches (a pending one matches everyone when it goes live).
      if (!(await this.deps.workspace.isLive())) return;
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
