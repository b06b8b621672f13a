/**
 * Ids of the member directory's App Home screens (action_id / callback_id / block_id values),
 * prefixed by feature. Views and listeners import them from here only.
 */
export const MEMBERS_HOME_IDS = {
  // Home section buttons.
  importOpen: 'members.import_open',
  detailsOpen: 'members.details_open',

  // Import: upload modal, preview modal.
  importUploadView: 'members.import_upload',
  importFileBlock: 'members.import_file_block',
  importFile: 'members.import_file',
  importTemplate: 'members.import_template',
  importPreviewView: 'members.import_preview',
  /** Views that only inform (reading, importing, result, refused): no listener. */
  importInfoView: 'members.import_info',

  // Member directory modal.
  directoryView: 'members.directory',
  searchBlock: 'members.search_block',
  search: 'members.search',
  directoryNext: 'members.directory_next',
  directoryFirst: 'members.directory_first',
  /** One "Details" button per row; action_ids must be unique in a view, so the row index follows. */
  showMemberPrefix: 'members.show_member:',

  // Member details modal.
  detailsView: 'members.details',
  edit: 'members.edit',
  deactivate: 'members.deactivate',
  reactivate: 'members.reactivate',
  editView: 'members.edit_form',
  nameBlock: 'members.name_block',
  name: 'members.name',
  accountTypeBlock: 'members.account_type_block',
  accountType: 'members.account_type',
  editCancel: 'members.edit_cancel',

  // Successor picker when the member owns imports or connections.
  successorView: 'members.successor',
  successorSearchBlock: 'members.successor_search_block',
  successorSearch: 'members.successor_search',
  successorBlock: 'members.successor_block',
  successor: 'members.successor_select',
} as const;

/** Matches every per-row "Details" button of the directory. */
export const SHOW_MEMBER_ACTION = new RegExp(`^${MEMBERS_HOME_IDS.showMemberPrefix.replace('.', '\\.')}\\d+$`);
