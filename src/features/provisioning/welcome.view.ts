/**
 * The welcome DM a member gets when provisioning creates and invites them (issue 5). Pure.
 *
 *   section  Hi *Ada Lovelace*, welcome to Pigment! :wave:
 *   section  what the app does for them (notifications as DMs, settings in the App Home)
 *   actions  [Open Pigment]   (url button to PIGMENT_BASE_URL)
 *
 * The name comes from Slack's directory, so it is user text: escaped (`&`, `<`, `>`) and put
 * in `verbatim` mrkdwn, so neither `<!channel>` nor a bare `@here` or link in a name is parsed.
 * The fallback `text` (notifications, screen readers) is mrkdwn too and escaped the same way.
 */
import type { ActionsBlock, KnownBlock, SectionBlock } from '@slack/types';
import { escapeMrkdwn, mrkdwnText, plain } from '../../slack/block-text';

/** Ids of the welcome DM, prefixed by feature. */
export const WELCOME_IDS = {
  actionsBlock: 'provisioning.welcome',
  /** A url button: Slack opens the link and still sends block_actions, which must be acked. */
  openPigment: 'provisioning.welcome_open_pigment',
} as const;

/** Longest name shown, counted after escaping (a section holds 3,000). */
const NAME_MAX = 200;
const BUTTON_TEXT = 'Open Pigment';
const BUTTON_TEXT_MAX = 75;

/**
 * The `metadata` event type of every welcome DM: a later sync finds a welcome whose recording
 * failed by it in the DM's history (see WelcomeSender.settleStale).
 */
export const WELCOME_EVENT_TYPE = 'pigment_provisioning_welcome';

export interface WelcomeMessage {
  text: string;
  blocks: KnownBlock[];
  metadata: { event_type: typeof WELCOME_EVENT_TYPE; event_payload: { member_id: string } };
}

/**
 * The welcome DM for member `id` called `name` (empty: a greeting without a name).
 * `pigmentBaseUrl` is the validated PIGMENT_BASE_URL, the button's link.
 */
export function buildWelcomeMessage(input: { id: string; name: string }, options: { pigmentBaseUrl: string }): WelcomeMessage {
  const name = mrkdwnText(input.name, NAME_MAX);
  const greeting = name === '' ? 'Hi, welcome to Pigment! :wave:' : `Hi *${name}*, welcome to Pigment! :wave:`;
  const about =
    'Pigment for Slack sends your Pigment notifications (comments, mentions, shares) to you here as direct messages, ' +
    'so you can follow your work without leaving Slack. Choose which ones you get in the app’s *Home* tab.';
  const blocks: KnownBlock[] = [section(greeting), section(about), button(options.pigmentBaseUrl)];
  return { text: fallbackText(name, options.pigmentBaseUrl), blocks, metadata: { event_type: WELCOME_EVENT_TYPE, event_payload: { member_id: input.id } } };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

function button(pigmentBaseUrl: string): ActionsBlock {
  return {
    type: 'actions',
    block_id: WELCOME_IDS.actionsBlock,
    elements: [
      {
        type: 'button',
        action_id: WELCOME_IDS.openPigment,
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
