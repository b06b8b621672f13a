/**
 * The user inventory: the workspace's users as Slack reports them, one row each, and the
 * counts the App Home shows. A figure Slack refused to give carries the reason instead.
 */

/** How Slack reports a user: deactivated first, then bot, then guest, else active. */
export type InventoryStatus = 'active' | 'deactivated' | 'guest' | 'bot';

export const INVENTORY_STATUSES: readonly InventoryStatus[] = ['active', 'guest', 'bot', 'deactivated'];

/** The highest of Slack's admin flags, or undefined for a user without one. */
export type AdminRole = 'primary_owner' | 'owner' | 'admin';

/** The two Slack methods whose answers depend on the plan and the token. */
export type UsageMethod = 'team.accessLogs' | 'team.billableInfo';

/** Why a column has no figures: Slack refused the call with this error code. */
export interface Refusal {
  method: UsageMethod;
  /** Slack's error code as answered (`paid_only`, `not_allowed_token_type`, `missing_scope`…). */
  error: string;
  /** `needed` of a missing_scope answer, when Slack gave it. */
  needed?: string;
}

/** A column's source: read (how much), or refused (why). */
export type ColumnSource = { available: true } | { available: false; refusal: Refusal };

/** One user's cell: a value, or the reason there is none. */
export type Cell<T> = { value: T } | { unavailable: string };

export interface InventoryRow {
  slackUserId: string;
  name: string;
  email: string;
  status: InventoryStatus;
  adminRole?: AdminRole;
  /** The member mapped to this Slack user, when that member exists. */
  mappedMemberId?: string;
  /** Latest `date_last` of the user's access log entries (unix seconds). */
  lastActivity: Cell<number>;
  billingActive: Cell<boolean>;
}

export interface InventorySummary {
  users: number;
  byStatus: Record<InventoryStatus, number>;
  /** Users with an admin or owner flag (deactivated ones included). */
  adminsAndOwners: number;
  mapped: number;
  billing: ColumnSource & { active?: number };
  lastActivity: ColumnSource;
  /** When the counts were taken. */
  at: Date;
}
