/**
 * Ashby imports (issue 6): what an import is, what one run of it records, and the row it
 * stores per hire. Pure vocabulary shared by the repositories, the service, the API and views.
 */

/** A custom field an import copies into its rows, as Ashby named it when the import was set up. */
export interface ChosenCustomField {
  id: string;
  title: string;
}

export interface AshbyImport {
  /** `imp-<uuid>`: never contains `:`, so row ids `<importId>:<applicationId>` stay unambiguous. */
  id: string;
  /** The platform application the rows are for; its connection is resolved at each run. */
  applicationId: string;
  /** The block in the application the platform fills from these rows. */
  targetBlock: string;
  customFields: ChosenCustomField[];
  /** Hires whose email matches no member become pending members (mapped once they join Slack). */
  createPendingMembers: boolean;
  /** The member who set it up; told about each run's outcome. */
  ownerMemberId: string;
  /** Ashby's token from the last successful read, for an incremental one next time. */
  syncToken?: string;
  createdAt: Date;
  updatedAt: Date;
}

export const IMPORT_RUN_STATUSES = ['running', 'completed', 'completed_with_errors', 'failed'] as const;
export type ImportRunStatus = (typeof IMPORT_RUN_STATUSES)[number];

export type ImportTrigger = 'schedule' | 'manual';

export interface ImportRunCounts {
  /** Records Ashby returned (good and malformed). */
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Records that could not be parsed (listed in `errors`). */
  malformed: number;
  /** Rows that could not be written (listed in `errors`). */
  failed: number;
  /** Pending members created for hires nobody had in the directory. */
  membersCreated: number;
}

export function emptyCounts(): ImportRunCounts {
  return { fetched: 0, created: 0, updated: 0, unchanged: 0, malformed: 0, failed: 0, membersCreated: 0 };
}

/** One problem of a run (a malformed record, a row that could not be written). */
export interface ImportRunError {
  /** The application, when the record had an id. */
  applicationId?: string;
  message: string;
}

/** Most errors kept per run (the count says how many there were). */
export const MAX_RUN_ERRORS = 50;
/** Longest error message kept. */
export const MAX_RUN_ERROR_LENGTH = 500;

export interface ImportRun {
  /** `run-<uuid>` */
  id: string;
  importId: string;
  trigger: ImportTrigger;
  status: ImportRunStatus;
  /** Whether the run read everything (no sync token, or Ashby no longer accepted it). */
  fullRead?: boolean;
  counts: ImportRunCounts;
  errors: ImportRunError[];
  /** Why a failed run failed, in words for the owner. */
  error?: string;
  startedAt: Date;
  finishedAt?: Date;
}

/** A custom field's value as Ashby gave it. */
export type CustomFieldValue = string | number | boolean | null;

/** One hire as the platform reads it (`GET /api/v1/imports/:importId/rows`). */
export interface ImportRow {
  applicationId: string;
  employeeName: string;
  department: string | null;
  jobId: string | null;
  jobTitle: string | null;
  /** yyyy-mm-dd, from the latest offer version's start date. */
  targetStartDate: string | null;
  /** yyyy-mm-dd; see README "Ashby imports" for where it comes from. */
  actualStartDate: string | null;
  salary: number | null;
  salaryCurrency: string | null;
  /** The import's chosen custom fields, by Ashby custom field id (null when the hire has no value). */
  customFields: Record<string, CustomFieldValue>;
}

/** `_id` of a row: one per import and application, so a re-run updates instead of duplicating. */
export function rowId(importId: string, applicationId: string): string {
  return `${importId}:${applicationId}`;
}
