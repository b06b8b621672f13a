/**
 * The layout every notification DM shares; each type's builder supplies its presentation
 * (emoji, label, "who did it" line). Pure.
 *
 *   context  :speech_balloon: New comment                 (type and subtype)
 *   header   the title                                    (plain_text, ≤ 150)
 *   section  the body, mrkdwn, escaped                    (one or more sections of ≤ 3,000)
 *   context  *Ada Lovelace* commented · Today at 2:03 PM  (who and when)
 *   actions  [Open in Pigment]                            (url button; value = notification id)
 *
 * Escaping: the header is plain_text, which Slack never parses for mentions or links, so the
 * title goes there as typed. Everywhere text is mrkdwn (the body, the actor's name, the
 * fallback `text`) user text is escaped (`&`, `<`, `>`), and the mrkdwn objects carrying user
 * text are `verbatim`, so Slack does not auto-parse bare `@channel`-like words or names either.
 */
import type { ActionsBlock, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { escapeMrkdwn, plain, truncate } from '../../../slack/block-text';
import { NOTIFICATION_MESSAGE_IDS } from './ids';
import { slackDate } from '../../../slack/slack-date';
import { cutEscaped, escapeBody, linkUnder, oneLine, splitEscaped } from './message-text';
import { NOTIFICATION_EVENT_TYPE, type MessageOptions, type MessagePresentation, type NotificationForMessage, type NotificationMessage } from './message.types';

/** Slack's limits, and ours. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const CONTEXT_TEXT_MAX = 3000;
const BUTTON_TEXT = 'Open in Pigment';
const BUTTON_LABEL_MAX = 75;
/**
 * A 2,000-char body escapes to at most 10,000 chars; parts are at least half full, so 7
 * sections always hold a valid body. 8 leaves room; beyond that (an unvalidated body) the last
 * part ends with "…". 8 + 4 other blocks stays far below a message's 50.
 */
const MAX_BODY_SECTIONS = 8;
/** The hand-off's limit on actor names; longer ones are cut before escaping (≤ 5× growth, far below 3,000). */
const ACTOR_MAX = 200;
/** The fallback shows the start of the body only. */
const FALLBACK_BODY_MAX = 300;
/** Slack refuses `text` above 40,000 chars (`msg_too_long`); the fallback stays far shorter. */
const FALLBACK_MAX = 4000;

/** Builds the DM for `n` with one type's presentation. */
export function composeMessage(n: NotificationForMessage, presentation: MessagePresentation, options: MessageOptions): NotificationMessage {
  const title = oneLine(n.title) || presentation.label;
  const actorName = n.actor ? oneLine(n.actor.name) : '';
  const actor = actorName === '' ? undefined : `*${escapeMrkdwn(truncate(actorName, ACTOR_MAX))}*`;
  const when = slackDate(n.createdAt, { ...(options.now ? { now: options.now } : {}) });

  const blocks: KnownBlock[] = [
    labelBlock(presentation),
    headerBlock(title),
    ...bodyBlocks(n.body),
    ...whoAndWhenBlock(presentation, actor, when),
    buttonBlock(n, title, options.pigmentBaseUrl),
  ];
  return {
    text: fallbackText(presentation, title, actorName, n.body),
    blocks,
    metadata: { event_type: NOTIFICATION_EVENT_TYPE, event_payload: { notification_id: n.id } },
  };
}

function labelBlock(presentation: MessagePresentation): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: `${presentation.emoji} *${presentation.label}*` }] };
}

function headerBlock(title: string): HeaderBlock {
  return { type: 'header', text: plain(title, HEADER_MAX) };
}

function bodyBlocks(body: string): SectionBlock[] {
  return splitEscaped(escapeBody(body.trim()), SECTION_MAX, MAX_BODY_SECTIONS).map((part) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: part, verbatim: true },
  }));
}

function whoAndWhenBlock(presentation: MessagePresentation, actor: string | undefined, when: string | undefined): ContextBlock[] {
  const parts = [actor === undefined ? undefined : presentation.byline(actor), when].filter((part) => part !== undefined);
  if (parts.length === 0) return [];
  // The actor is cut to ACTOR_MAX before escaping, so this stays far below the limit; the cut is a last guard.
  return [{ type: 'context', elements: [{ type: 'mrkdwn', text: cutEscaped(parts.join(' · '), CONTEXT_TEXT_MAX), verbatim: true }] }];
}

function buttonBlock(n: NotificationForMessage, title: string, pigmentBaseUrl: string): ActionsBlock {
  return {
    type: 'actions',
    block_id: NOTIFICATION_MESSAGE_IDS.actionsBlock,
    elements: [
      {
        type: 'button',
        action_id: NOTIFICATION_MESSAGE_IDS.openInPigment,
        text: plain(BUTTON_TEXT, BUTTON_LABEL_MAX),
        url: linkUnder(n.url, pigmentBaseUrl),
        // The notification id (1-200 chars, validated at hand-off; a button value holds 2,000):
        // the click listener records openedInSlackAt with it.
        value: n.id,
        style: 'primary',
        accessibility_label: truncate(`${BUTTON_TEXT}: ${title}`, BUTTON_LABEL_MAX),
      },
    ],
  };
}

/**
 * "New comment: Q3 forecast — Ada Lovelace: Can you check…": label, title, actor and the
 * start of the body on one line, mrkdwn-escaped (Slack parses `text` as mrkdwn).
 */
function fallbackText(presentation: MessagePresentation, title: string, actorName: string, body: string): string {
  const head = `${presentation.label}: ${escapeMrkdwn(title)}`;
  const by = actorName === '' ? '' : `${escapeMrkdwn(truncate(actorName, ACTOR_MAX))}: `;
  const snippet = cutEscaped(escapeBody(oneLine(body)), FALLBACK_BODY_MAX);
  const text = snippet === '' ? head : `${head} — ${by}${snippet}`;
  return cutEscaped(text, FALLBACK_MAX);
}
