/**
 * Ids of manual mapping (action_id / callback_id values). Buttons repeated once per row carry
 * the row's index after their prefix (`mapping.manual.set_up.3`), because Slack wants every
 * action_id unique within a view; the member id travels in the button's `value`.
 */
export const MANUAL_MAPPING_IDS = {
  /** The Home's "Review members" button (rendered by the mapping counts panel). */
  reviewMembers: 'mapping.review_members',
  /** The list modal (its submit button searches). */
  reviewView: 'mapping.manual.review',
  /** The search input (dispatches on Enter). */
  search: 'mapping.manual.search',
  showUnconnected: 'mapping.manual.show_unconnected',
  showConnected: 'mapping.manual.show_connected',
  nextPage: 'mapping.manual.next_page',
  previousPage: 'mapping.manual.previous_page',
  /** Prefixes of per-row buttons. */
  setUp: 'mapping.manual.set_up',
  edit: 'mapping.manual.edit',
  remove: 'mapping.manual.remove',
  /** The "Set up" / "Edit" modal. */
  connectView: 'mapping.manual.connect',
  /** The email input of that modal. */
  emailInput: 'mapping.manual.email',
} as const;

/** Block ids that inline errors and state values refer to. */
export const MANUAL_MAPPING_BLOCKS = {
  search: 'mapping.manual.search_block',
  email: 'mapping.manual.email_block',
} as const;

/** `prefix.N`, the action_id of row N's button. */
export function rowActionId(prefix: string, row: number): string {
  return `${prefix}.${row}`;
}

/** Matches the action_ids `rowActionId(prefix, n)` produces. */
export function rowActionPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+$`);
}
