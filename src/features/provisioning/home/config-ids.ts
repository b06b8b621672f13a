/**
 * Ids of the provisioning panel in the App Home, its configuration modal and its review modal
 * (action_id / callback_id / block_id values), prefixed by feature and part.
 */
export const PROVISIONING_PANEL_IDS = {
  /** Home buttons. */
  configure: 'provisioning.panel.configure',
  syncNow: 'provisioning.panel.sync_now',
  preview: 'provisioning.panel.preview',
  /** Home buttons of a run stopped for review; the run id travels in `value`. */
  review: 'provisioning.panel.review',
  approve: 'provisioning.panel.approve',
  cancel: 'provisioning.panel.cancel',
  /** Block ids in the Home. */
  summaryBlock: 'provisioning.panel.summary',
  actionsBlock: 'provisioning.panel.actions',
  reviewBlock: 'provisioning.panel.review_actions',
} as const;

export const PROVISIONING_CONFIG_IDS = {
  /** The configuration modal. */
  view: 'provisioning.config',
  /** Loading and refusal modals (no submit, no listener). */
  notice: 'provisioning.config_notice',
  /** action_ids of its inputs. */
  scope: 'provisioning.config.scope',
  groups: 'provisioning.config.groups',
  teamMappingEnabled: 'provisioning.config.team_mapping_enabled',
  teamMapping: 'provisioning.config.team_mapping',
  invite: 'provisioning.config.invite',
  guests: 'provisioning.config.guests',
  share: 'provisioning.config.share',
} as const;

/** Block ids of the configuration modal's inputs: inline errors and state values refer to them. */
export const PROVISIONING_CONFIG_BLOCKS = {
  scope: 'provisioning.config.scope_block',
  groups: 'provisioning.config.groups_block',
  teamMappingEnabled: 'provisioning.config.team_mapping_enabled_block',
  teamMapping: 'provisioning.config.team_mapping_block',
  invite: 'provisioning.config.invite_block',
  guests: 'provisioning.config.guests_block',
  share: 'provisioning.config.share_block',
} as const;

export const PROVISIONING_REVIEW_IDS = {
  /** The modal listing a reviewed run's planned deactivations. */
  view: 'provisioning.review',
  nextPage: 'provisioning.review.next_page',
  previousPage: 'provisioning.review.previous_page',
} as const;
