/**
 * The notifications part of the App Home, for every viewer: "Notification settings" (one
 * checkbox per notification type, saved as soon as it changes) and "Your recent
 * notifications" (the last ones sent to the viewer, with their status). Viewers who cannot
 * receive notifications see why instead. Pure.
 */
import type { Checkboxes, KnownBlock, Option } from '@slack/types';
import { mrkdwn, mrkdwnText, plain } from '../../../slack/block-text';
import { slackDate, slackDateText } from '../../../slack/slack-date';
import {
  NOTIFICATION_TYPES,
  NOTIFICATION_TYPE_LABELS,
  type MemberPreferences,
  type Notification,
  type NotificationType,
  type SkipReason,
} from '../notification.types';
import { NOTIFICATIONS_HOME_IDS } from './ids';

/** How many recent notifications the Home lists. */
export const RECENT_NOTIFICATIONS_SHOWN = 10;

/** Most characters of a title in the list, after escaping (the hand-off allows 150 before). */
const MAX_TITLE = 300;
/** Most characters of a stored reason or Slack error shown in a status. */
const MAX_REASON = 150;

/** What the list shows of a notification. */
export type RecentNotification = Pick<Notification, 'id' | 'type' | 'title' | 'status' | 'reason' | 'createdAt'>;

export type NotificationsHomeModel =
  /** The Slack user matches no Pigment member. */
  | { viewer: 'not_member' }
  /** A member who may not have settings (deactivated in Pigment). */
  | { viewer: 'not_allowed' }
  /** A member whose Slack account is not connected to them (yet): nothing reaches them. */
  | { viewer: 'not_connected' }
  | { viewer: 'member'; preferences: MemberPreferences; recent: readonly RecentNotification[] };

/** What each type covers, under its checkbox (at most 75 characters). */
const TYPE_DESCRIPTIONS: Record<NotificationType, string> = {
  conversation: 'Comments, replies and mentions',
  automation: 'Automations that completed or failed',
  scheduled_import: 'Scheduled imports that completed or failed',
  async_task: 'Snapshots, duplications and other long tasks',
};

const SETTINGS_TITLE = '*Notification settings*';
const RECENT_TITLE = '*Your recent notifications*';

export function renderNotificationsHome(model: NotificationsHomeModel): KnownBlock[] {
  switch (model.viewer) {
    case 'not_member':
      return [
        explanation(
          'Pigment sends notifications to Slack for Pigment members whose Slack account is connected. Your Slack account is not connected to a Pigment member, so there is nothing to set here.',
        ),
      ];
    case 'not_allowed':
      return [explanation('Your Pigment account is deactivated: no notifications are sent to you, and there is nothing to set here.')];
    case 'not_connected':
      return [
        explanation(
          'Your Slack account is not connected to Pigment yet, so no notifications reach you here. Once it is connected, you choose here which ones you receive.',
        ),
      ];
    case 'member':
      return [...renderSettings(model.preferences), { type: 'divider' }, ...renderRecent(model.recent)];
  }
}

function explanation(text: string): KnownBlock {
  return { type: 'section', text: mrkdwn(`${SETTINGS_TITLE}\n${text}`) };
}

/** The settings: a short intro, the checkboxes with the stored state, and when it was saved. */
export function renderSettings(preferences: MemberPreferences): KnownBlock[] {
  const options = NOTIFICATION_TYPES.map(typeOption);
  // Slack wants initial options equal to options of the element; it refuses an empty list.
  const initial = options.filter((_, i) => preferences.slack[NOTIFICATION_TYPES[i]!]);
  const checkboxes: Checkboxes = {
    type: 'checkboxes',
    action_id: NOTIFICATIONS_HOME_IDS.settings,
    options,
    ...(initial.length > 0 ? { initial_options: initial } : {}),
  };
  const notes: string[] = [];
  const saved = preferences.updatedAt ? slackDate(preferences.updatedAt) : undefined;
  notes.push(saved ? `:white_check_mark: Saved ${saved}.` : 'Every type is on until you change it.');
  if (initial.length === 0) notes.push(':warning: Every type is off: no Pigment notification reaches you in Slack.');
  return [
    {
      type: 'section',
      text: mrkdwn(`${SETTINGS_TITLE}\nChoose which Pigment notifications reach you in Slack. A change is saved as soon as you tick or untick a box.`),
    },
    // The block id carries the stored state: a Home published after a change has a new block,
    // so Slack shows the stored state rather than keeping what the viewer had ticked.
    { type: 'actions', block_id: `${NOTIFICATIONS_HOME_IDS.settingsBlockPrefix}.${stateKey(preferences)}`, elements: [checkboxes] },
    { type: 'context', elements: [mrkdwn(notes.join(' '))] },
  ];
}

function typeOption(type: NotificationType): Option {
  return { text: plain(NOTIFICATION_TYPE_LABELS[type], 75), description: plain(TYPE_DESCRIPTIONS[type], 75), value: type };
}

/** "1011": which types are on, in NOTIFICATION_TYPES order. */
function stateKey(preferences: MemberPreferences): string {
  return NOTIFICATION_TYPES.map((type) => (preferences.slack[type] ? '1' : '0')).join('');
}

/** The recent list, newest first as given (at most RECENT_NOTIFICATIONS_SHOWN), or the empty state. */
export function renderRecent(recent: readonly RecentNotification[]): KnownBlock[] {
  if (recent.length === 0) {
    return [
      {
        type: 'section',
        block_id: NOTIFICATIONS_HOME_IDS.recentBlock,
        text: mrkdwn(`${RECENT_TITLE}\nNo notifications for you yet. They appear here as Pigment sends them.`),
      },
    ];
  }
  return [
    { type: 'section', block_id: NOTIFICATIONS_HOME_IDS.recentBlock, text: mrkdwn(RECENT_TITLE) },
    ...recent.slice(0, RECENT_NOTIFICATIONS_SHOWN).map((n): KnownBlock => ({ type: 'section', text: mrkdwn(recentLine(n)) })),
  ];
}

function recentLine(notification: RecentNotification): string {
  const label = NOTIFICATION_TYPE_LABELS[notification.type] ?? mrkdwnText(String(notification.type), 40);
  const title = mrkdwnText(notification.title, MAX_TITLE);
  const when = slackDateText(notification.createdAt);
  return `*${label}* · ${title}\n${when} · ${statusText(notification)}`;
}

/** The status in words, with the skip reason or the Slack error. */
export function statusText(notification: Pick<RecentNotification, 'status' | 'reason'>): string {
  switch (notification.status) {
    case 'queued':
      return ':hourglass_flowing_sand: Waiting to be sent';
    case 'delivering':
      return ':arrows_counterclockwise: Being sent';
    case 'delivered':
      return ':white_check_mark: Delivered';
    case 'skipped':
      return `:no_entry_sign: Not sent: ${skipReasonText(notification.reason)}`;
    case 'failed':
      return notification.reason ? `:x: Failed (Slack error: ${mrkdwnText(notification.reason, MAX_REASON)})` : ':x: Failed';
    default:
      return mrkdwnText(String(notification.status), MAX_REASON);
  }
}

const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  not_connected: 'your Slack account was not connected to Pigment',
  disabled_by_member: 'you had turned this type off',
  member_deactivated: 'your Pigment account is deactivated',
  workspace_disconnected: 'Pigment was disconnected from this Slack workspace',
};

function skipReasonText(reason: string | undefined): string {
  if (reason === undefined || reason === '') return 'no reason recorded';
  return Object.hasOwn(SKIP_REASON_TEXT, reason) ? SKIP_REASON_TEXT[reason as SkipReason] : mrkdwnText(reason, MAX_REASON);
}
