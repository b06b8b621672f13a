/**
 * Ids of the mapping feature (action_id / callback_id values), prefixed by feature. The
 * manual-mapping modals keep theirs in `manual/ids.ts`; the "Review members" button is
 * rendered here (the counts panel) and handled there, so both files name the same value.
 */
export const MAPPING_IDS = {
  /** The counts panel's "Review members" button (handled by the manual mapping modals). */
  reviewMembers: 'mapping.review_members',
} as const;

/** Block ids of the counts panel. */
export const MAPPING_BLOCKS = {
  counts: 'mapping.counts',
  actions: 'mapping.counts_actions',
} as const;

/** Names of the mapping jobs (also their lease names and `job_runs.job`). */
export const MAPPING_JOBS = {
  scheduledPass: 'mapping.scheduled_pass',
  fullPass: 'mapping.full_pass',
} as const;
