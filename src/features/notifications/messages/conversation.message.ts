/**
 * Conversation notifications: a comment, a reply to one, a mention. Pure.
 */
import { composeMessage } from './compose-message';
import type { MessageOptions, MessagePresentation, NotificationForMessage, NotificationMessage } from './message.types';

const PRESENTATIONS: Readonly<Record<string, MessagePresentation>> = {
  comment: { emoji: ':speech_balloon:', label: 'New comment', byline: (actor) => `${actor} commented` },
  reply: { emoji: ':leftwards_arrow_with_hook:', label: 'New reply', byline: (actor) => `${actor} replied` },
  mention: { emoji: ':wave:', label: 'You were mentioned', byline: (actor) => `${actor} mentioned you` },
};

const OTHER: MessagePresentation = { emoji: ':speech_balloon:', label: 'Conversation update', byline: (actor) => `By ${actor}` };

/** How a conversation notification of `subtype` reads; unknown subtypes get a generic label. */
export function conversationPresentation(subtype: string): MessagePresentation {
  return PRESENTATIONS[subtype] ?? OTHER;
}

export function buildConversationMessage(n: NotificationForMessage, options: MessageOptions): NotificationMessage {
  return composeMessage(n, conversationPresentation(n.subtype), options);
}
