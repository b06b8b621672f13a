/**
 * Asynchronous task notifications: a snapshot, a duplication, or another long task finished.
 * Pure.
 */
import { composeMessage } from './compose-message';
import type { MessageOptions, MessagePresentation, NotificationForMessage, NotificationMessage } from './message.types';

const startedBy = (actor: string) => `Started by ${actor}`;

const PRESENTATIONS: Readonly<Record<string, MessagePresentation>> = {
  snapshot: { emoji: ':camera_with_flash:', label: 'Snapshot ready', byline: startedBy },
  duplication: { emoji: ':card_index_dividers:', label: 'Duplication finished', byline: startedBy },
};

/** "other" and any subtype the platform adds later. */
const OTHER: MessagePresentation = { emoji: ':gear:', label: 'Task finished', byline: startedBy };

/** How an asynchronous task notification of `subtype` reads; other subtypes get a generic label. */
export function asyncTaskPresentation(subtype: string): MessagePresentation {
  return PRESENTATIONS[subtype] ?? OTHER;
}

export function buildAsyncTaskMessage(n: NotificationForMessage, options: MessageOptions): NotificationMessage {
  return composeMessage(n, asyncTaskPresentation(n.subtype), options);
}
