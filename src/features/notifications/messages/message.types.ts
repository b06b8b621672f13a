/**
 * What the DM builders need to know about a notification, and what they give back: the
 * arguments of `chat.postMessage` apart from the channel. The outbox document maps onto
 * {@link NotificationForMessage}; the builders never see recipients, statuses or leases.
 */
import type { KnownBlock } from '@slack/types';
import type { OutboxNotificationType } from '../notification.types';

/** The notification as the platform handed it off (already validated by the HTTP API). */
export interface NotificationForMessage {
  /** The caller's idempotency key, 1-200 chars; also the button's `value` and the metadata. */
  id: string;
  type: OutboxNotificationType;
  /** e.g. comment, reply, mention, completed, failed, snapshot, duplication; unknown ones get the type's generic label. */
  subtype: string;
  /** Plain text, up to 150 chars. */
  title: string;
  /** mrkdwn from the platform, up to 2,000 chars. */
  body: string;
  /** Deep link under PIGMENT_BASE_URL, up to 3,000 chars. */
  url: string;
  actor?: { name: string };
  /** The name a welcome greets (connector types only). */
  recipientName?: string;
  /** When it happened on the platform (the hand-off time when the platform did not say). */
  createdAt: Date;
}

export interface MessageOptions {
  /** The platform's base URL: a link not under it is replaced by it, never sent as is. */
  pigmentBaseUrl: string;
  /** The time of building; a `createdAt` in the future (clock skew) is shown as this. Omitted: shown as given. */
  now?: Date;
}

export const NOTIFICATION_EVENT_TYPE = 'pigment_notification';

export interface NotificationMetadata {
  event_type: typeof NOTIFICATION_EVENT_TYPE;
  event_payload: { notification_id: string };
}

/** `chat.postMessage` arguments without `channel`: spread them into the call. */
export interface NotificationMessage {
  /** Plain-text fallback for push notifications and screen readers (mrkdwn-escaped, ≤ 4,000 chars). */
  text: string;
  blocks: KnownBlock[];
  metadata: NotificationMetadata;
}

/** How one type and subtype reads in Slack. */
export interface MessagePresentation {
  /** Slack emoji shortcode, e.g. `:speech_balloon:`. */
  emoji: string;
  /** Short label, e.g. "New comment", "Import failed". */
  label: string;
  /**
   * The "who did it" line from the actor's already-escaped, bold name, e.g. "*Ada* commented";
   * called only when the notification has an actor.
   */
  byline: (actor: string) => string;
}
