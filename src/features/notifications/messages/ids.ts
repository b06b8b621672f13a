/** Ids of the notification DMs. */
export const NOTIFICATION_MESSAGE_IDS = {
  /** The "Open in Pigment" url button; its `value` is the notification id. */
  openInPigment: 'notifications.open_in_pigment',
  /** block_id of the block holding the button. */
  actionsBlock: 'notifications.actions',
} as const;

/** Ids of the welcome DM (kept from when provisioning sent it: DMs already in Slack carry them). */
export const WELCOME_MESSAGE_IDS = {
  actionsBlock: 'provisioning.welcome',
  /** A url button: Slack opens the link and still sends block_actions, which must be acked. */
  openPigment: 'provisioning.welcome_open_pigment',
} as const;
