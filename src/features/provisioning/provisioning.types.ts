/**
 * The provisioning sync's vocabulary (issue 5): what an admin configures, what a run plans and
 * records. The planner (sync-planner.ts) is a pure function of these; the service that reads
 * Slack, applies the plan and keeps the run history builds on it.
 */

/** Who is synced, and how Slack user groups map to teams (member groups) of the platform. */
export interface ProvisioningConfig {
  /** Everyone in the workspace, or only the members of `groupIds`. */
  scope: 'everyone' | 'groups';
  /** Slack user group ids (`S…`) whose members are synced when `scope` is `groups`. */
  groupIds: string[];
  /** When on, members are added to and removed from teams to follow their groups. */
  teamMapping: { enabled: boolean; groupToTeam: Record<string, string> };
  /**
   * Whether Slack guests (single- and multi-channel: `is_ultra_restricted`, `is_restricted`) are
   * synced like members. Off, a guest is out of scope whatever the groups say.
   */
  includeGuests: boolean;
  /** Whether new members are invited (a welcome DM); they start as pending either way. */
  inviteNewMembers: boolean;
  /** Above this share of synced members to deactivate, a run stops for review (0.1 = 10%). */
  maxDeactivationShare: number;
}

export const DEFAULT_MAX_DEACTIVATION_SHARE = 0.1;

/**
 * Guests are left out unless an admin includes them: they are outside collaborators (clients,
 * contractors, agencies), and each synced one would become a Pigment member and take a seat.
 * Also what a configuration saved before the choice existed means.
 */
export const DEFAULT_INCLUDE_GUESTS = false;

/** A Slack user as the sync needs it. */
export interface SlackUserRecord {
  id: string;
  /** As Slack gives it; undefined for users without one (bots, some guests). */
  email?: string;
  name: string;
  avatarUrl?: string;
  deleted: boolean;
  isBot: boolean;
  /** From another workspace (Slack Connect). */
  isStranger: boolean;
  /**
   * A single- or multi-channel guest. Absent on users.list pages a run staged before this field
   * existed (a run resumed across the upgrade): read as not a guest, as that run was planned.
   */
  isGuest?: boolean;
}

/** A member of the directory as the sync sees it. */
export interface SyncedMember {
  id: string;
  name: string;
  email: string;
  emailKey: string;
  status: 'pending' | 'activated' | 'deactivated';
  groups: string[];
  source: 'api' | 'csv' | 'provisioning';
  avatarUrl?: string;
}

export const SYNC_ACTION_KINDS = ['created', 'updated', 'deactivated', 'reactivated', 'added_to_team', 'removed_from_team', 'skipped', 'failed'] as const;
export type SyncActionKind = (typeof SYNC_ACTION_KINDS)[number];

/** One field's change: what the report's "what changed" column shows. */
export interface FieldChange {
  field: 'name' | 'email' | 'avatarUrl' | 'status' | 'team';
  before?: string;
  after?: string;
}

/** One line of a sync's report: planned first, then applied (or failed). */
export interface SyncAction {
  kind: SyncActionKind;
  /** The member (for `created`, the id the member will get). */
  memberId: string;
  slackUserId?: string;
  /**
   * The member's name and email as the planner knew them (after this line's changes), kept on
   * the line so the report, the review and the CSV export show people without a member lookup.
   * Absent on lines stored before they were kept.
   */
  memberName?: string;
  memberEmail?: string;
  changes: FieldChange[];
  /** Why a user was skipped, or what failed. */
  detail?: string;
}

export interface SyncPlan {
  actions: SyncAction[];
  /** Members the sync manages after this run (in scope, not deactivated): the base of the safety share. */
  syncedMembers: number;
  deactivations: number;
  /** True when `deactivations / syncedMembers` (counting the ones to deactivate) is above the config's share. */
  needsReview: boolean;
}
