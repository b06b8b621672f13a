/**
 * Ids of the sync history in the App Home, the report modal and its export (action_id /
 * callback_id / block_id values), prefixed by feature. Views and listeners import them from here.
 */
export const HISTORY_IDS = {
  // App Home section.
  historyHeading: 'provisioning.history',
  /** One section per run; the run's index follows (block ids are unique in a view). */
  runBlockPrefix: 'provisioning.history_run:',
  /** One "Open report" button per run; action ids must be unique in a view, so the index follows. */
  openReportPrefix: 'provisioning.report_open:',

  // Report modal.
  reportView: 'provisioning.report',
  /** Modals that only inform (running, gone, refused): no listener. */
  infoView: 'provisioning.report_info',
  toolbarBlock: 'provisioning.report_toolbar',
  actionFilter: 'provisioning.report_filter_action',
  fieldFilter: 'provisioning.report_filter_field',
  exportCsv: 'provisioning.report_export',
  pagerBlock: 'provisioning.report_pager',
  previous: 'provisioning.report_previous',
  next: 'provisioning.report_next',
  /** One section per line; the seq follows. */
  lineBlockPrefix: 'provisioning.report_line:',
} as const;

/** Matches every run's "Open report" button. */
export const OPEN_REPORT_ACTION = /^provisioning\.report_open:\d+$/;
