/**
 * The welcome DM a member gets when a provisioning sync creates and invites them: a
 * connector notification of type `welcome` (see CONNECTOR_NOTIFICATION_TYPES), delivered by
 * the same worker as every notification. Pure.
 *
 *   section  Hi *Ada Lovelace*, welcome to Pigment! :wave:
 *   section  what the app does for them (notifications as DMs, settings in the App Home)
 *   actions  [Open Pigment]   (url button to the platform's base URL)
 *
 * The name comes from Slack's directory, so it is user text: escaped (`&`, `<`, `>`) and put
 * in `verbatim` mrkdwn, so neither `<!channel>` nor a bare `@here` or link in a name is parsed.
 * The fallback `text` (notifications, screen readers) is mrkdwn too and escaped the same way.
 * The metadata is every notification's, so the worker's history check finds it.
 */
import type { ActionsBlock, KnownBlock, SectionBlock } from '@slack/types';
import { escapeMrkdwn, mrkdwnText, plain } from '../../../slack/block-text';
import { WELCOME_MESSAGE_IDS } from './ids';
import { NOTIFICATION_EVENT_TYPE, type MessageOptions, type NotificationForMessage, type NotificationMessage } from './message.types';

/** What the member's "recent notifications" list calls a welcome. */
export const WELCOME_TITLE = 'Welcome to Pigment';

/** Longest name shown, counted after escaping (a section holds 3,000). */
const NAME_MAX = 200;
const BUTTON_TEXT = 'Open Pigment';
const BUTTON_TEXT_MAX = 75;

/**
 * The welcome DM for notification `n`, greeting `n.recipientName` (absent or blank: a greeting
 * without a name). The button links to the platform's base URL.
 */
export function buildWelcomeMessage(n: Pick<NotificationForMessage, 'id' | 'recipientName'>, options: MessageOptions): NotificationMessage {
  const name = mrkdwnText(n.recipientName ?? '', NAME_MAX);
  const greeting = name === '' ? 'Hi, welcome to Pigment! :wave:' : `Hi *${name}*, welcome to Pigment! :wave:`;
  const about =
    'Pigment for Slack sends your Pigment notifications (comments, mentions, shares) to you here as direct messages, ' +
    'so you can follow your work without leaving Slack. Choose which ones you get in the app’s *Home* tab.';
  const blocks: KnownBlock[] = [section(greeting), section(about), button(options.pigmentBaseUrl)];
  return {
    text: fallbackText(name, options.pigmentBaseUrl),
    blocks,
    metadata: { event_type: NOTIFICATION_EVENT_TYPE, event_payload: { notification_id: n.id } },
  };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

function button(pigmentBaseUrl: string): ActionsBlock {
  return {
    type: 'actions',
    block_id: WELCOME_MESSAGE_IDS.actionsBlock,
    elements: [
      {
        type: 'button',
        action_id: WELCOME_MESSAGE_IDS.openPigment,
        text: plain(BUTTON_TEXT, BUTTON_TEXT_MAX),
        url: pigmentBaseUrl,
        style: 'primary',
      },
    ],
  };
}

/** "Hi Ada, welcome to Pigment! …": on one line, the name already escaped. */
function fallbackText(escapedName: string, pigmentBaseUrl: string): string {
  const hi = escapedName === '' ? 'Hi, welcome to Pigment!' : `Hi ${escapedName}, welcome to Pigment!`;
  return `${hi} Your Pigment notifications will arrive here as direct messages; choose which ones in the app’s Home tab. Open Pigment: ${escapeMrkdwn(pigmentBaseUrl)}`;
}
