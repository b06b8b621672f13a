/**
 * Scheduled import notifications: an import completed, or failed. Pure.
 */
import { composeMessage } from './compose-message';
import type { MessageOptions, MessagePresentation, NotificationForMessage, NotificationMessage } from './message.types';

const scheduledBy = (actor: string) => `Scheduled by ${actor}`;

const PRESENTATIONS: Readonly<Record<string, MessagePresentation>> = {
  completed: { emoji: ':white_check_mark:', label: 'Import completed', byline: scheduledBy },
  failed: { emoji: ':x:', label: 'Import failed', byline: scheduledBy },
};

const OTHER: MessagePresentation = { emoji: ':inbox_tray:', label: 'Scheduled import', byline: scheduledBy };

/** How a scheduled import notification of `subtype` reads; unknown subtypes get a generic label. */
export function scheduledImportPresentation(subtype: string): MessagePresentation {
  return PRESENTATIONS[subtype] ?? OTHER;
}

export function buildScheduledImportMessage(n: NotificationForMessage, options: MessageOptions): NotificationMessage {
  return composeMessage(n, scheduledImportPresentation(n.subtype), options);
}
