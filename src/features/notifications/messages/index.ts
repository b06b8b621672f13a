/** The notification DMs: one builder per type, and the ids of their button. */
export { buildNotificationMessage } from './build-message';
export { NOTIFICATION_MESSAGE_IDS } from './ids';
export {
  NOTIFICATION_EVENT_TYPE,
  type MessageOptions,
  type NotificationForMessage,
  type NotificationMessage,
  type NotificationMetadata,
} from './message.types';
