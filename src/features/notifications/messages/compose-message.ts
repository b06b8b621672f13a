/**
 * The layout every notification DM shares; each type's builder supplies its presentation
 * (emoji, label, "who did it" line). Pure.
 *
 *   context  :speech_balloon: New comment                 (type and subtype)
 *   header   the title                                    (plain_text, ≤ 150)
 *   section  the body, mrkdwn, escaped                    (one or more sections of ≤ 3,000)
 *                                                         (cut with "…" to what the others leave
 *                                                         of MESSAGE_TEXT_BUDGET: see below)
 *   context  *Ada Lovelace* commented · Today at 2:03 PM  (who and when)
 *   actions  [Open in Pigment]                            (url button; value = notification id)
 *
 * Escaping: the header is plain_text, which Slack never parses for mentions or links, so the
 * title goes there as typed. Everywhere text is mrkdwn (the body, the actor's name, the
 * fallback `text`) user text is escaped (`&`, `<`, `>`), and the mrkdwn objects carrying user
 * text are `verbatim`, so Slack does not auto-parse bare `@channel`-like words or names either.
 *
 * Size: escaping makes a 2,000-char body up to 10,000 chars (`&` → `&amp;`), and with a 150-char
 * title, a 200-char actor (1,000 escaped) and a 3,000-char link the blocks would pass the total
 * Slack refuses (`msg_blocks_too_long`). So every other block is built first, and the body gets
 * what they leave of MESSAGE_TEXT_BUDGET: only the body is ever cut for size, never the title,
 * the actor or the link.
 */
import type { ActionsBlock, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { escapeMrkdwn, plain, truncate } from '../../../slack/block-text';
import { blocksTextLength, MESSAGE_TEXT_BUDGET } from '../../../slack/message-size';
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
 * The body is cut to at most MESSAGE_TEXT_BUDGET (10,000) chars; parts are at least half full,
 * so 7 sections always hold it. 8 leaves room; beyond that the last part ends with "…".
 * 8 + 4 other blocks stays far below a message's 50.
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

  const label = labelBlock(presentation);
  const header = headerBlock(title);
  const whoAndWhen = whoAndWhenBlock(presentation, actor, when);
  const button = buttonBlock(n, title, options.pigmentBaseUrl);
  const bodyBudget = MESSAGE_TEXT_BUDGET - blocksTextLength([label, header, ...whoAndWhen, button]);
  const blocks: KnownBlock[] = [label, header, ...bodyBlocks(n.body, bodyBudget), ...whoAndWhen, button];
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

/** The body in sections holding at most `budget` chars altogether (splitting never adds any). */
function bodyBlocks(body: string, budget: number): SectionBlock[] {
  // The other blocks take at most about 4,600 chars, so the budget is never this small; kept as a guard.
  if (budget < 2) return [];
  return splitEscaped(cutEscaped(escapeBody(body.trim()), budget), SECTION_MAX, MAX_BODY_SECTIONS).map((part) => ({
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
