/** Ids of the notification DMs. */
export const NOTIFICATION_MESSAGE_IDS = {
  /** The "Open in Pigment" url button; its `value` is the notification id. */
  openInPigment: 'notifications.open_in_pigment',
  /** block_id of the block holding the button. */
  actionsBlock: 'notifications.actions',
} as const;
