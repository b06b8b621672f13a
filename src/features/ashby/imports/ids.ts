/**
 * Ids of the "Ashby imports" App Home section and its modals (action_id / callback_id /
 * block_id values), prefixed by feature and part.
 */
export const IMPORT_HOME_IDS = {
  newImport: 'ashby.imports.new',
  /** Per-import Home buttons, `<prefix><index>` (Slack refuses a repeated action_id in a view); the import id travels in `value`. */
  runNowPrefix: 'ashby.imports.run_now:',
  historyPrefix: 'ashby.imports.history:',
  editPrefix: 'ashby.imports.edit:',
  /** Block ids in the Home. */
  heading: 'ashby.imports.heading',
  importBlockPrefix: 'ashby.imports.import.',
  importActionsPrefix: 'ashby.imports.actions.',
} as const;

export const IMPORT_SETUP_IDS = {
  /** The setup modal (new or edit; the import id, when editing, is in private_metadata). */
  view: 'ashby.imports.setup',
  /** History and notice modals (no submit). */
  history: 'ashby.imports.history_modal',
  notice: 'ashby.imports.notice',
  /** Choosing the application reloads the modal with that application's custom fields. */
  application: 'ashby.imports.setup.application',
  targetBlock: 'ashby.imports.setup.target_block',
  customFields: 'ashby.imports.setup.custom_fields',
  createPendingMembers: 'ashby.imports.setup.create_pending_members',
} as const;

/** Block ids of the setup modal's inputs (errors are returned by block id). */
export const IMPORT_SETUP_BLOCKS = {
  application: 'application',
  connection: 'connection',
  targetBlock: 'target_block',
  customFields: 'custom_fields',
  createPendingMembers: 'create_pending_members',
} as const;

/** The per-import Home buttons, as Bolt matches them. */
export const RUN_NOW_ACTION = /^ashby\.imports\.run_now:\d+$/;
export const HISTORY_ACTION = /^ashby\.imports\.history:\d+$/;
export const EDIT_ACTION = /^ashby\.imports\.edit:\d+$/;
