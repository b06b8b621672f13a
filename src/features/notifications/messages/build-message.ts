/**
 * The notification DM for any type: picks the type's builder. Pure; the delivery worker
 * spreads the result into `chat.postMessage({channel, ...message})`.
 */
import { buildAsyncTaskMessage } from './async-task.message';
import { buildAutomationMessage } from './automation.message';
import { composeMessage } from './compose-message';
import { buildConversationMessage } from './conversation.message';
import type { MessageOptions, MessagePresentation, NotificationForMessage, NotificationMessage } from './message.types';
import { buildScheduledImportMessage } from './scheduled-import.message';
import { buildWelcomeMessage } from './welcome.message';

/** For a type the code does not know (a document written by a newer version): still delivered, generically. */
const UNKNOWN_TYPE: MessagePresentation = { emoji: ':bell:', label: 'Pigment notification', byline: (actor) => `By ${actor}` };

/**
 * Builds the DM for a notification: fallback `text`, Block Kit `blocks` within Slack's limits
 * for any input the hand-off accepts (long text is cut with "…", never rejected by Slack), and
 * the `metadata` the worker looks for in the DM's history before sending again.
 */
export function buildNotificationMessage(n: NotificationForMessage, options: MessageOptions): NotificationMessage {
  switch (n.type) {
    case 'conversation':
      return buildConversationMessage(n, options);
    case 'automation':
      return buildAutomationMessage(n, options);
    case 'scheduled_import':
      return buildScheduledImportMessage(n, options);
    case 'async_task':
      return buildAsyncTaskMessage(n, options);
    case 'welcome':
      return buildWelcomeMessage(n, options);
    default:
      return composeMessage(n, UNKNOWN_TYPE, options);
  }
}
