/**
 * Builds the user inventory: users.list a page at a time, joined with the mappings, the
 * members, team.billableInfo and team.accessLogs. Those lookups are read once into maps keyed
 * by Slack user id (see README "User inventory" for their size); the users themselves stream.
 */
import { withinBudget } from '../../platform/within-budget';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { RawSlackUser, SlackDirectory } from '../../slack/slack-directory';
import type { MappingLookup } from '../mapping/mapping-lookup';
import type { MemberDirectory } from '../members/member-directory';
import { classifyUser } from './inventory-row';
import type { ColumnSource, InventoryRow, InventoryStatus, InventorySummary } from './inventory.types';
import type { LastActivity, TeamUsageClient, UsageResult } from './team-usage.client';
import { PerTenant } from '../../tenancy/per-tenant';

export interface InventoryServiceDeps {
  directory: SlackDirectory;
  usage: TeamUsageClient;
  mappings: MappingLookup;
  members: MemberDirectory;
  clock: Clock;
  logger: Logger;
}

/** What every row is joined with. */
interface Lookups {
  memberBySlackUser: Map<string, string>;
  billing: UsageResult<Map<string, boolean>>;
  activity: UsageResult<LastActivity>;
}

export class InventoryService {
  /** Per tenant (see PerTenant). */
  private readonly perTenant = new PerTenant<{ counting?: Promise<InventorySummary> | undefined; last?: InventorySummary | undefined }>(() => ({}));
  private get tenantState(): { counting?: Promise<InventorySummary> | undefined; last?: InventorySummary | undefined } {
    return this.perTenant.get();
  }

  constructor(private readonly deps: InventoryServiceDeps) {}

  /** Every user as an inventory row, a users.list page at a time. */
  async *rows(): AsyncGenerator<InventoryRow[]> {
    const [memberBySlackUser, billing, activity] = await Promise.all([this.mappedMembers(), this.deps.usage.billableInfo(), this.deps.usage.lastActivity()]);
    this.logRefusals(billing, activity);
    const lookups: Lookups = { memberBySlackUser, billing, activity };
    for await (const page of this.deps.directory.listRawUsers()) yield page.map((user) => this.row(user, lookups));
  }

  /** Counts by status and what Slack would and would not tell; reads no access logs (one probe). */
  async summary(): Promise<InventorySummary> {
    const [memberBySlackUser, billing, probe] = await Promise.all([
      this.mappedMembers(),
      this.deps.usage.billableInfo(),
      this.deps.usage.accessLogsAvailable(),
    ]);
    const byStatus: Record<InventoryStatus, number> = { active: 0, deactivated: 0, guest: 0, bot: 0 };
    let users = 0;
    let adminsAndOwners = 0;
    let mapped = 0;
    let billingActive = 0;
    for await (const page of this.deps.directory.listRawUsers()) {
      for (const user of page) {
        const { status, adminRole } = classifyUser(user as InventorySlackUser);
        users += 1;
        byStatus[status] += 1;
        if (adminRole) adminsAndOwners += 1;
        if (memberBySlackUser.has(String(user.id))) mapped += 1;
        if (billing.ok && billing.value.get(String(user.id)) === true) billingActive += 1;
      }
    }
    return {
      users,
      byStatus,
      adminsAndOwners,
      mapped,
      billing: billing.ok ? { available: true, active: billingActive } : { available: false, refusal: billing.refusal },
      lastActivity: sourceOf(probe),
      at: this.deps.clock.now(),
    };
  }

  /**
   * The summary for a Home render. A count younger than `maxAgeMs` is reused (a count reads
   * every users.list page, Tier 2, so each Home open must not start one). Otherwise a new
   * count starts; if it is ready within `budgetMs` it is shown, else the last one (with
   * `counting: true`) while the count carries on for the next render; undefined the first
   * time. One count at a time per process.
   */
  async summaryForHome(budgetMs: number, maxAgeMs: number): Promise<{ summary: InventorySummary; counting: boolean } | undefined> {
    const last = this.tenantState.last;
    if (last && !this.tenantState.counting && this.deps.clock.now().getTime() - last.at.getTime() < maxAgeMs) return { summary: last, counting: false };
    this.tenantState.counting ??= this.summary()
      .then((summary) => {
        this.tenantState.last = summary;
        return summary;
      })
      .finally(() => {
        this.tenantState.counting = undefined;
      });
    const counting = this.tenantState.counting;
    const summary = await withinBudget(counting, budgetMs);
    if (summary) return { summary, counting: false };
    counting.catch((error: unknown) => this.deps.logger.error({ err: error }, 'counting the user inventory failed'));
    return this.tenantState.last ? { summary: this.tenantState.last, counting: true } : undefined;
  }

  /** Slack user id → member id, for mappings whose member still exists (two streamed reads). */
  private async mappedMembers(): Promise<Map<string, string>> {
    const bySlackUser = new Map<string, string>();
    const memberIds = new Set<string>();
    for await (const mapping of this.deps.mappings.streamAll()) {
      bySlackUser.set(mapping.slackUserId, mapping.memberId);
      memberIds.add(mapping.memberId);
    }
    const existing = new Set<string>();
    if (memberIds.size > 0) for await (const member of this.deps.members.streamAll()) if (memberIds.has(member.id)) existing.add(member.id);
    for (const [slackUserId, memberId] of bySlackUser) if (!existing.has(memberId)) bySlackUser.delete(slackUserId);
    return bySlackUser;
  }

  private row(user: RawSlackUser, lookups: Lookups): InventoryRow {
    const id = String(user.id);
    const { status, adminRole } = classifyUser(user as InventorySlackUser);
    const memberId = lookups.memberBySlackUser.get(id);
    return {
      slackUserId: id,
      name: user.profile?.real_name || user.real_name || user.name || id,
      email: user.profile?.email ?? '',
      status,
      ...(adminRole ? { adminRole } : {}),
      ...(memberId ? { mappedMemberId: memberId } : {}),
      lastActivity: lastActivityCell(id, lookups.activity),
      billingActive: billingCell(id, lookups.billing),
    };
  }

  private logRefusals(...results: Array<UsageResult<unknown>>): void {
    for (const result of results) {
      if (!result.ok) this.deps.logger.info({ method: result.refusal.method, error: result.refusal.error }, 'Slack refused a user inventory column');
    }
  }
}

/** users.list fields the inventory reads beyond {@link RawSlackUser}. */
export type InventorySlackUser = RawSlackUser & {
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
};

function sourceOf(result: UsageResult<unknown>): ColumnSource {
  return result.ok ? { available: true } : { available: false, refusal: result.refusal };
}

function billingCell(userId: string, billing: UsageResult<Map<string, boolean>>): InventoryRow['billingActive'] {
  if (!billing.ok) return { unavailable: `not available: Slack answered ${billing.refusal.error}` };
  const value = billing.value.get(userId);
  return value === undefined ? { unavailable: 'not listed by team.billableInfo' } : { value };
}

function lastActivityCell(userId: string, activity: UsageResult<LastActivity>): InventoryRow['lastActivity'] {
  if (!activity.ok) return { unavailable: `not available: Slack answered ${activity.refusal.error}` };
  const value = activity.value.byUser.get(userId);
  if (value !== undefined) return { value };
  return {
    unavailable: activity.value.truncated
      ? `none in the newest ${activity.value.entriesRead.toLocaleString('en-US')} access log entries`
      : 'none in the access logs',
  };
}
