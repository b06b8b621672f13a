/**
 * The notification vocabulary (shared/CONTRACT.md and issue 4): types and their subtypes,
 * statuses, skip reasons, and the outbox document the HTTP hand-off writes and the worker
 * delivers.
 */

export const NOTIFICATION_TYPES = ['conversation', 'automation', 'scheduled_import', 'async_task'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/**
 * Types the connector hands to its own outbox, so they get the same claim, history check and
 * retries as the platform's: `welcome`, the DM a member created (and invited) by a provisioning
 * sync gets once. The HTTP API never accepts them (its schema takes NOTIFICATION_TYPES only), and
 * no preference governs them: a member cannot have chosen anything before being welcomed.
 */
export const CONNECTOR_NOTIFICATION_TYPES = ['welcome'] as const;
export type ConnectorNotificationType = (typeof CONNECTOR_NOTIFICATION_TYPES)[number];

/** Any type an outbox document may carry. */
export type OutboxNotificationType = NotificationType | ConnectorNotificationType;

/** Whether a member's preferences decide if notifications of `type` reach them in Slack. */
export function isPreferenceType(type: OutboxNotificationType): type is NotificationType {
  return (NOTIFICATION_TYPES as readonly string[]).includes(type);
}

/**
 * Known subtypes per type. Every type also accepts `other`, so the platform can send a new
 * kind of event before the connector has a dedicated message for it (the generic layout of
 * the type is used).
 */
export const NOTIFICATION_SUBTYPES = {
  conversation: ['comment', 'reply', 'mention', 'other'],
  automation: ['completed', 'failed', 'other'],
  scheduled_import: ['completed', 'failed', 'other'],
  async_task: ['snapshot', 'duplication', 'other'],
} as const satisfies Record<NotificationType, readonly string[]>;

export type NotificationSubtype<T extends NotificationType = NotificationType> = (typeof NOTIFICATION_SUBTYPES)[T][number];

/** Human labels (App Home settings, message context). */
export const NOTIFICATION_TYPE_LABELS: Record<OutboxNotificationType, string> = {
  conversation: 'Conversations',
  automation: 'Automations',
  scheduled_import: 'Scheduled imports',
  async_task: 'Asynchronous tasks',
  welcome: 'Welcome',
};

export const NOTIFICATION_STATUSES = ['queued', 'delivering', 'delivered', 'skipped', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Why a notification was not sent (status `skipped`). */
export const SKIP_REASONS = ['not_connected', 'disabled_by_member', 'member_deactivated', 'workspace_disconnected'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Field limits of the hand-off (CONTRACT.md), shared by the API schema and the message views. */
export const NOTIFICATION_LIMITS = {
  id: 200,
  title: 150,
  body: 2_000,
  url: 3_000,
  actorName: 200,
} as const;

/** Exactly one of the two: the platform's member id, or an email matched to a member. */
export interface NotificationRecipient {
  memberId?: string;
  email?: string;
}

/**
 * One key per recipient as the platform named them (a member id, or an email compared
 * case-insensitively): each recipient's notifications are claimed and sent in order.
 */
export function recipientKey(recipient: NotificationRecipient): string {
  return recipient.memberId !== undefined ? `member:${recipient.memberId}` : `email:${(recipient.email ?? '').trim().toLowerCase()}`;
}

/** What the caller handed off, validated and normalised. */
export interface NotificationRequest {
  /** The caller's idempotency key. */
  id: string;
  /** A NotificationType from the platform; a ConnectorNotificationType from the connector itself. */
  type: OutboxNotificationType;
  subtype: string;
  recipient: NotificationRecipient;
  /** Plain text. */
  title: string;
  /** mrkdwn written by people; escaped by the views before it reaches Slack. May be empty. */
  body: string;
  /** Deep link under PIGMENT_BASE_URL. */
  url: string;
  actor?: { name: string };
  /** The name a welcome greets (connector types only; Slack's display name, user text). */
  recipientName?: string;
}

export interface SlackMessageRef {
  channel: string;
  ts: string;
}

export interface NotificationLease {
  holder: string;
  expiresAt: Date;
}

/** One notification in the outbox, as stored (`_id` is the caller's id). */
export interface Notification extends NotificationRequest {
  status: NotificationStatus;
  /** Claims so far (each delivery attempt, including ones a crashed process started). */
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  /** Not claimed before this time (retries, waits for a mapping). */
  availableAt: Date;
  /** Set while `delivering`. */
  lease?: NotificationLease;
  /** Where the DM landed, once delivered. */
  slack?: SlackMessageRef;
  /** Why it was skipped (a SkipReason) or failed (the Slack error). */
  reason?: string;
  /** The last transient error of a released attempt, for people investigating. */
  lastError?: string;
  /** Transient Slack failures so far (5xx, network); the worker gives up after its maximum. */
  failures?: number;
  /**
   * An earlier attempt may have reached Slack without its outcome being stored (its process
   * died, or the call timed out): the worker looks for the message in the DM before sending.
   */
  sendUncertain?: boolean;
  /**
   * With `sendUncertain` from a claim: the earlier attempt, if it posted, did so before this
   * time (its lease's end, or when it was given back), so a DM read begun after it can tell.
   */
  uncertainUntil?: Date;
  /** When the notification reached a final status (delivered, skipped, failed); retention uses it. */
  finishedAt?: Date;
  /** First click on "Open in Pigment" in Slack. */
  openedInSlackAt?: Date;
  /** Hash of the request (without id), to tell a retry of the same notification from a reused id. */
  fingerprint: string;
}

/** What the API shows of a notification (GET, and the 200 answer to a repeated POST). */
export interface NotificationStatusJson {
  id: string;
  status: NotificationStatus;
  reason?: string;
  slack?: SlackMessageRef;
  openedInSlackAt?: string;
}

export function toNotificationStatusJson(notification: Notification): NotificationStatusJson {
  return {
    id: notification.id,
    status: notification.status,
    ...(notification.reason !== undefined ? { reason: notification.reason } : {}),
    ...(notification.slack ? { slack: { channel: notification.slack.channel, ts: notification.slack.ts } } : {}),
    ...(notification.openedInSlackAt ? { openedInSlackAt: notification.openedInSlackAt.toISOString() } : {}),
  };
}

/** Per-type Slack delivery switches of one member (all on unless turned off). */
export type SlackPreferences = Record<NotificationType, boolean>;

export interface MemberPreferences {
  memberId: string;
  slack: SlackPreferences;
  /** Unset while the member never changed anything (defaults). */
  updatedAt?: Date;
}

export function defaultSlackPreferences(): SlackPreferences {
  return { conversation: true, automation: true, scheduled_import: true, async_task: true };
}
