/**
 * Ids of the notifications part of the App Home (action_id / block_id values), prefixed by
 * feature. The view and the listener import them from here only.
 */
export const NOTIFICATIONS_HOME_IDS = {
  /** The one `checkboxes` element of "Notification settings": one option per notification type. */
  settings: 'notifications.settings',
  /**
   * Prefix of the settings block's id; the view appends the stored state (see the view), so the
   * listener never matches on the block id.
   */
  settingsBlockPrefix: 'notifications.settings_block',
  /** "Your recent notifications" heading. */
  recentBlock: 'notifications.recent',
} as const;
