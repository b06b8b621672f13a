/**
 * What the connector needs from Ashby's API (issue 6), as one interface: the Ashby client
 * (./client) implements it over HTTP; connections check keys with it and imports read hires
 * with it. Records arrive raw and are parsed one by one, so one malformed record is reported
 * and the others are still imported.
 */

/** Why a call to Ashby failed, as the connector acts on it. */
export type AshbyErrorKind =
  /** 401: no key, or Ashby does not know it. */
  | 'unauthorized'
  /** 403: the key is wrong, revoked, or lacks a permission (Ashby names it in `ashbyCode`). */
  | 'forbidden'
  /** The sync token is no longer valid: the caller starts a full read. */
  | 'sync_token_expired'
  /** 429 after the client's own retries. */
  | 'rate_limited'
  /** 5xx after the client's own retries. */
  | 'server'
  /** No answer (connection refused, reset, timeout) after retries. */
  | 'network'
  /** Ashby answered with something that is not its response format, or `success: false` otherwise. */
  | 'bad_response';

/** An error from the Ashby client. Its message never contains the API key. */
export interface AshbyApiErrorShape extends Error {
  kind: AshbyErrorKind;
  /** HTTP status, when there was an answer. */
  status?: number;
  /** Ashby's own error code or message (e.g. `missing_endpoint_permission`), when it gave one. */
  ashbyCode?: string;
}

export type KeyCheck = { ok: true /** e.g. the key's title, for logs */; label?: string } | { ok: false; kind: AshbyErrorKind; message: string };

/** A hired application as the import stores it (parsed from application.list + offer.list + department.list). */
export interface AshbyApplication {
  id: string;
  candidateName: string;
  /** The candidate's primary email, when Ashby has one. */
  email?: string;
  jobId?: string;
  jobTitle?: string;
  departmentId?: string;
  /** Custom field values on the application (and its candidate), by Ashby custom field id. */
  customFields: Record<string, string | number | boolean | null>;
  updatedAt?: string;
}

export interface AshbyOffer {
  applicationId: string;
  /** ISO date (yyyy-mm-dd) from the latest offer version. */
  startDate?: string;
  salary?: number;
  salaryCurrency?: string;
}

export interface AshbyCustomFieldDefinition {
  id: string;
  title: string;
  /** e.g. Application, Candidate, Job. */
  objectType: string;
  fieldType: string;
}

/** One page of application.list, raw records kept raw until parsed one by one. */
export interface ApplicationPage {
  records: unknown[];
  /** Present on the last page of a read: pass it next time for an incremental read. */
  syncToken?: string;
}

export type ParsedApplication = { ok: true; application: AshbyApplication } | { ok: false; id?: string; error: string };

export interface AshbyApi {
  /** Checks the key (a wrong or revoked key is `{ok: false}`, not a throw). */
  checkKey(): Promise<KeyCheck>;
  /**
   * Every hired application, page by page; with `syncToken`, only the ones changed since the
   * read that returned it (throws kind `sync_token_expired` when Ashby no longer accepts it).
   */
  hiredApplications(options?: { syncToken?: string }): AsyncGenerator<ApplicationPage>;
  /** Parses one raw record from a page. */
  parseApplication(record: unknown): ParsedApplication;
  /** The latest offer version of each of these applications (one entry per application that has an offer). */
  latestOffers(applicationIds: readonly string[]): Promise<Map<string, AshbyOffer>>;
  /** Department id → name. */
  departments(): Promise<Map<string, string>>;
  customFields(): Promise<AshbyCustomFieldDefinition[]>;
}

/** Builds a client for one API key (the key lives only in memory, decrypted for the call). */
export type AshbyApiFactory = (apiKey: string) => AshbyApi;
