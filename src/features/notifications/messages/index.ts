/** The notification DMs: one builder per type, and the ids of their button. */
export { buildNotificationMessage } from './build-message';
export { NOTIFICATION_MESSAGE_IDS, WELCOME_MESSAGE_IDS } from './ids';
export { buildWelcomeMessage } from './welcome.message';
export {
  NOTIFICATION_EVENT_TYPE,
  type MessageOptions,
  type NotificationForMessage,
  type NotificationMessage,
  type NotificationMetadata,
} from './message.types';
