/** Ids of the user inventory (action_id values). */
export const INVENTORY_IDS = {
  /** The Home's "Export inventory (CSV)" button. */
  exportCsv: 'inventory.export_csv',
  /** "About these columns": the billing caveat, in a modal rather than in the Home. */
  aboutColumns: 'inventory.about_columns',
  /** The callback id of that modal (it has no submit; Slack reports only its closing, which nothing listens to). */
  aboutColumnsView: 'inventory.about_columns_view',
} as const;

/** Block ids of the Home section. */
export const INVENTORY_BLOCKS = {
  summary: 'inventory.summary',
  availability: 'inventory.availability',
  billingNote: 'inventory.billing_note',
  actions: 'inventory.actions',
} as const;
