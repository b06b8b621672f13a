/**
 * The members' side of the Home's maintained counts (mapping-counts.repository.ts): a member
 * created, deactivated or reactivated changes how many members are counted, and a
 * deactivation or reactivation takes their mapping out of the counts or puts it back. Fed by
 * the memberChanged hook, which every member write fires (API, CSV, admin, provisioning).
 *
 * Changes are gathered per tenant and written together: an import of 100,000 members costs a
 * few inserts, not 100,000. Each change is named by the member's state before it, so a change
 * reported twice counts once.
 */
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { currentTenant, runInTenant, type TenantScope } from '../../tenancy/tenant-scope';
import type { Member } from '../members/member.types';
import type { CountDelta, MappingCountsRepository } from './mapping-counts.repository';
import type { MappingRepository } from './mapping.repository';

type CountedChange = { kind: 'created' | 'deactivated' | 'reactivated'; member: Member; before: Member | undefined };

export class MemberCountRecorder {
  private readonly tenants = new Map<string, { scope: TenantScope; pending: CountedChange[]; flushing?: Promise<void> }>();

  constructor(
    private readonly deps: {
      counts: MappingCountsRepository;
      mappings: Pick<MappingRepository, 'findByMember' | 'findByMembers'>;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /** The memberChanged hook (inside the member's tenant). */
  onMemberChanged(member: Member, before: Member | undefined): void {
    const kind = countedChange(member, before);
    if (!kind) return;
    const scope = currentTenant('a member count');
    let queue = this.tenants.get(scope.tenantId);
    if (!queue) {
      queue = { scope, pending: [] };
      this.tenants.set(scope.tenantId, queue);
    }
    queue.pending.push({ kind, member, before });
    this.kick(scope.tenantId);
  }

  /** Resolves once every change reported so far is recorded (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const flushing = [...this.tenants.values()].flatMap((queue) => (queue.flushing ? [queue.flushing] : []));
      if (flushing.length === 0) return;
      await Promise.all(flushing);
    }
  }

  private kick(tenantId: string): void {
    const queue = this.tenants.get(tenantId);
    if (!queue || queue.flushing) return;
    queue.flushing = runInTenant(queue.scope, async () => {
      // One turn of the event loop: the rest of a burst joins this write.
      await new Promise((resolve) => setImmediate(resolve));
      while (queue.pending.length > 0) await this.record(queue.pending.splice(0));
    })
      .catch((error: unknown) => this.deps.logger.error({ err: error, tenantId }, 'recording member counts failed; the next mapping pass recounts'))
      .finally(() => {
        queue.flushing = undefined;
        if (queue.pending.length > 0) this.kick(tenantId);
        else this.tenants.delete(tenantId);
      });
  }

  private async record(changes: CountedChange[]): Promise<void> {
    const deltas: CountDelta[] = [];
    const moved = changes.filter((c) => c.kind !== 'created');
    for (const change of changes) if (change.kind === 'created') deltas.push({ key: `member:${change.member.id}:created`, members: 1 });
    if (moved.length > 0) {
      // Read now, after the change: a mapping written since was counted by its own write or not at all.
      const ids = moved.map((c) => c.member.id);
      const mappings =
        ids.length === 1 ? [await this.deps.mappings.findByMember(ids[0]!)].filter((m) => m !== undefined) : await this.deps.mappings.findByMembers(ids);
      const byMember = new Map(mappings.map((m) => [m.memberId, m]));
      for (const change of moved) {
        const sign = change.kind === 'reactivated' ? 1 : -1;
        const mapping = byMember.get(change.member.id);
        deltas.push({
          key: `member:${change.member.id}:${change.before!.updatedAt.getTime()}>${change.kind}`,
          members: sign,
          connected: mapping?.active ? sign : 0,
          inactive: mapping && !mapping.active ? sign : 0,
        });
      }
    }
    await this.deps.counts.record(deltas, this.deps.clock.now());
  }
}

/** What a member change does to the counts: a member not deactivated is counted. */
function countedChange(member: Member, before: Member | undefined): CountedChange['kind'] | undefined {
  const counted = member.status !== 'deactivated';
  if (!before) return counted ? 'created' : undefined;
  const wasCounted = before.status !== 'deactivated';
  if (counted === wasCounted) return undefined;
  return counted ? 'reactivated' : 'deactivated';
}
