/** Ids of the user inventory (action_id values). */
export const INVENTORY_IDS = {
  /** The Home's "Export inventory (CSV)" button. */
  exportCsv: 'inventory.export_csv',
} as const;

/** Block ids of the Home section. */
export const INVENTORY_BLOCKS = {
  summary: 'inventory.summary',
  availability: 'inventory.availability',
  billingNote: 'inventory.billing_note',
  actions: 'inventory.actions',
} as const;
