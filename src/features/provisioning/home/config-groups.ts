/**
 * The workspace's Slack user groups as the configuration modal and the panel show them
 * (`usergroups.list`, tier 2: about 20 calls a minute). Typing in the group picker sends an
 * options request per keystroke and every admin's Home shows group names, so the list is kept
 * for a short while instead of being read each time. Built once per process in `register`.
 * Slack's `subteam_created` / `subteam_updated` events carry the whole group: the kept list
 * takes them in at once (`remember`), so a renamed or disabled group shows right away, without
 * another `usergroups.list`. Memberships are not kept here (each sync reads them).
 */
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../../platform/clock';
import { slackErrorCode } from '../../../slack/slack-error';
import { PerTenant } from '../../../tenancy/per-tenant';

/** Slack's answer to user group methods on a plan without user groups (Free). */
export const PLAN_UPGRADE_REQUIRED = 'plan_upgrade_required';

export interface UsergroupSummary {
  id: string;
  handle: string;
  name: string;
  /** Disabled groups stay listed so a configuration naming one still shows its name. */
  disabled: boolean;
  /** Slack's `date_update` (seconds): orders copies of one group, since events come in no promised order. */
  updated?: number;
}

/** How long a read list is used before `usergroups.list` is called again. */
export const USERGROUPS_TTL_MS = 60_000;

export class UsergroupCatalog {
  /** Per tenant (see PerTenant). */
  private readonly perTenant = new PerTenant<{
    cached?: { at: number; groups: UsergroupSummary[] } | undefined;
    refusedAt?: number | undefined;
    loading?: Promise<UsergroupSummary[]> | undefined;
  }>(() => ({}));
  private get tenantState(): {
    cached?: { at: number; groups: UsergroupSummary[] } | undefined;
    refusedAt?: number | undefined;
    loading?: Promise<UsergroupSummary[]> | undefined;
  } {
    return this.perTenant.get();
  }

  constructor(
    /** The current tenant's bot client (TenantSlack). */
    private readonly client: () => Promise<WebClient>,
    private readonly clock: Clock,
    private readonly ttlMs = USERGROUPS_TTL_MS,
  ) {}

  /** Every group, disabled ones included (read at most once per `ttlMs`; concurrent callers share one call). */
  async list(): Promise<UsergroupSummary[]> {
    const now = this.clock.now().getTime();
    if (this.tenantState.cached && now - this.tenantState.cached.at < this.ttlMs) return this.tenantState.cached.groups;
    if (this.tenantState.refusedAt !== undefined && now - this.tenantState.refusedAt < this.ttlMs) return Promise.reject(new Error(PLAN_UPGRADE_REQUIRED));
    this.tenantState.loading ??= this.load().finally(() => {
      this.tenantState.loading = undefined;
    });
    return this.tenantState.loading;
  }

  /**
   * Takes in a group Slack announced (created, renamed, disabled): replaces or adds it in the
   * kept list. Nothing kept yet: nothing to do, the next `list` reads it from Slack anyway.
   */
  remember(group: UsergroupSummary): void {
    if (!this.tenantState.cached) return;
    const kept = this.tenantState.cached.groups.find((g) => g.id === group.id);
    // A late copy of the group must not undo a newer one.
    if (kept?.updated !== undefined && group.updated !== undefined && group.updated < kept.updated) return;
    const groups = [...this.tenantState.cached.groups.filter((g) => g.id !== group.id), group].sort((a, b) => a.handle.localeCompare(b.handle));
    this.tenantState.cached = { at: this.tenantState.cached.at, groups };
  }

  /**
   * True when Slack's last answer was that this workspace's plan has no user groups (the Free
   * plan): the configuration modal and the panel say so instead of offering groups.
   */
  needsPaidPlan(): boolean {
    return this.tenantState.refusedAt !== undefined;
  }

  /** Like `list`, but undefined when Slack does not answer (the panel then shows group ids). */
  async tryList(): Promise<UsergroupSummary[] | undefined> {
    return this.list().catch(() => undefined);
  }

  private async load(): Promise<UsergroupSummary[]> {
    const answer = await (await this.client()).usergroups.list({ include_disabled: true }).catch((error: unknown) => {
      if (slackErrorCode(error) === PLAN_UPGRADE_REQUIRED) this.tenantState.refusedAt = this.clock.now().getTime();
      throw error;
    });
    this.tenantState.refusedAt = undefined;
    const groups = (answer.usergroups ?? []).flatMap((g) => (g.id ? [toUsergroupSummary({ ...g, id: g.id })] : []));
    groups.sort((a, b) => a.handle.localeCompare(b.handle));
    this.tenantState.cached = { at: this.clock.now().getTime(), groups };
    return groups;
  }
}

/** A group as Slack gives it (usergroups.list, subteam events) as the catalog keeps it. */
export function toUsergroupSummary(group: { id: string; handle?: string; name?: string; date_delete?: number; date_update?: number }): UsergroupSummary {
  return {
    id: group.id,
    handle: group.handle ?? group.id,
    name: group.name ?? group.handle ?? group.id,
    disabled: (group.date_delete ?? 0) !== 0,
    ...(group.date_update !== undefined ? { updated: group.date_update } : {}),
  };
}

/** Groups whose handle or name contains `text` (case-insensitive), enabled ones only, at most `limit`. */
export function matchUsergroups(groups: readonly UsergroupSummary[], text: string, limit: number): UsergroupSummary[] {
  const needle = text.trim().replace(/^@/, '').toLowerCase();
  return groups
    .filter((g) => !g.disabled && (needle === '' || g.handle.toLowerCase().includes(needle) || g.name.toLowerCase().includes(needle)))
    .slice(0, limit);
}
