/**
 * Shapes of the Ashby emulator: what tests seed, and what it answers on the wire (the field
 * names of Ashby's API reference, https://developers.ashbyhq.com/reference).
 */

/** Ashby API key permissions (module read permissions) the emulator checks per endpoint. */
export type AshbyPermission = 'candidatesRead' | 'offersRead' | 'organizationRead' | 'hiringProcessMetadataRead' | 'apiKeysRead';

export const ALL_READ_PERMISSIONS: readonly AshbyPermission[] = [
  'candidatesRead',
  'offersRead',
  'organizationRead',
  'hiringProcessMetadataRead',
  'apiKeysRead',
];

/** Endpoint → the permission Ashby requires for it. */
export const ENDPOINT_PERMISSIONS = {
  'application.list': 'candidatesRead',
  'offer.list': 'offersRead',
  'department.list': 'organizationRead',
  'customField.list': 'hiringProcessMetadataRead',
  'apiKey.info': 'apiKeysRead',
} as const satisfies Record<string, AshbyPermission>;

export type AshbyEndpoint = keyof typeof ENDPOINT_PERMISSIONS;

export type ApplicationStatus = 'Hired' | 'Archived' | 'Active' | 'Lead';
export const APPLICATION_STATUSES: readonly ApplicationStatus[] = ['Hired', 'Archived', 'Active', 'Lead'];

/** A custom field value as Ashby puts it on an application (`customFields[]`). */
export interface WireCustomFieldValue {
  id: string;
  title: string;
  value: unknown;
  isPrivate?: boolean;
}

/** An application as application.list returns it (the fields the connector reads, plus Ashby's usual neighbours). */
export interface WireApplication {
  id: string;
  createdAt: string;
  updatedAt: string;
  status: ApplicationStatus;
  customFields: WireCustomFieldValue[];
  candidate: {
    id: string;
    name: string;
    primaryEmailAddress: { value: string; type: 'Work' | 'Personal' | 'Other'; isPrimary: boolean } | null;
    primaryPhoneNumber: null;
  };
  currentInterviewStage: {
    id: string;
    title: string;
    type: string;
    orderInInterviewPlan: number;
    interviewStageGroupId: string;
    interviewPlanId: string;
  } | null;
  source: null;
  archiveReason: null;
  archivedAt: null;
  job: { id: string; title: string; locationId: string | null; departmentId: string | null } | null;
  creditedToUser: null;
  hiringTeam: [];
  appliedViaJobPostingId: null;
}

export interface ApplicationSeed {
  id?: string;
  candidateName: string;
  /** Primary email; `null` for a candidate without one. */
  email?: string | null;
  status?: ApplicationStatus;
  jobId?: string;
  jobTitle?: string;
  departmentId?: string | null;
  /** Values by custom field id (title taken from customFields.add when known), or full wire values. */
  customFields?: Record<string, unknown> | WireCustomFieldValue[];
  createdAt?: string;
}

export type ApplicationPatch = Partial<Omit<ApplicationSeed, 'id'>>;

export interface WireOfferVersion {
  id: string;
  startDate: string | null;
  salary: { currencyCode: string; value: number } | null;
  createdAt: string;
  openingId: string | null;
  customFields: WireCustomFieldValue[];
  fileHandles: [];
  author: { id: string; firstName: string; lastName: string; email: string; globalRole: string; isEnabled: boolean; updatedAt: string };
  approvalStatus: 'Approved' | 'WaitingOnApprovals' | 'Declined' | null;
}

/** An offer as offer.list returns it: the offer plus only its latest version. */
export interface WireOffer {
  id: string;
  decidedAt: string | null;
  applicationId: string;
  acceptanceStatus: 'Accepted' | 'Declined' | 'Pending' | 'Created' | 'Cancelled' | 'WaitingOnResponse';
  offerStatus:
    | 'WaitingOnApprovalStart'
    | 'WaitingOnOfferApproval'
    | 'WaitingOnApprovalDefinition'
    | 'WaitingOnCandidateResponse'
    | 'CandidateRejected'
    | 'CandidateAccepted'
    | 'OfferCancelled';
  latestVersion: WireOfferVersion;
}

export interface OfferVersionSeed {
  id?: string;
  /** ISO date (`2025-03-01`) or date-time, as Ashby stores the offer form's start date. */
  startDate?: string | null;
  salary?: { currencyCode: string; value: number } | null;
  createdAt?: string;
}

export interface OfferSeed {
  id?: string;
  applicationId: string;
  acceptanceStatus?: WireOffer['acceptanceStatus'];
  offerStatus?: WireOffer['offerStatus'];
  decidedAt?: string | null;
  /** Oldest first; the last one is the latest version. At least one. */
  versions: OfferVersionSeed[];
}

export interface WireDepartment {
  id: string;
  name: string;
  externalName: string | null;
  isArchived: boolean;
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DepartmentSeed {
  id?: string;
  name: string;
  parentId?: string | null;
  isArchived?: boolean;
}

export interface WireCustomFieldDefinition {
  id: string;
  isPrivate: boolean;
  title: string;
  objectType: 'Application' | 'Candidate' | 'Job' | 'Offer' | 'Opening' | 'Employee' | 'Talent_Project' | 'Opening_Version';
  isArchived: boolean;
  fieldType: 'Boolean' | 'CompensationRange' | 'Date' | 'LongText' | 'MultiValueSelect' | 'Number' | 'NumberRange' | 'String' | 'ValueSelect' | 'Currency';
  selectableValues?: Array<{ label: string; value: string; isArchived: boolean }>;
}

export interface CustomFieldSeed {
  id?: string;
  title: string;
  objectType?: WireCustomFieldDefinition['objectType'];
  fieldType?: WireCustomFieldDefinition['fieldType'];
  isArchived?: boolean;
  isPrivate?: boolean;
}

export interface ApiKeyOptions {
  /** The key's title, as apiKey.info returns it. */
  title?: string;
  /** Permissions granted; every read permission by default. */
  permissions?: readonly AshbyPermission[];
}

/** One request the emulator received, in arrival order. */
export interface RecordedCall {
  endpoint: string;
  /** The parsed JSON body (`undefined` when it was not JSON). */
  body: unknown;
  /** The Basic auth username (the API key) sent, or `null` without one. */
  key: string | null;
  /** The Basic auth password sent (Ashby expects it empty). */
  password: string | null;
  accept: string | undefined;
  contentType: string | undefined;
  /** HTTP status the emulator answered with (0 when it dropped the connection). */
  status: number;
}

/** A fault the next matching request(s) get instead of their answer. */
export interface FaultSpec {
  /** Only requests to this endpoint consume the fault (any endpoint by default). */
  endpoint?: string;
  /** HTTP status to answer with (429, 500, 502, 503, …). Ignored with `network`. */
  status?: number;
  /** How many matching requests fail (1 by default). */
  count?: number;
  /** Retry-After header, in seconds (429 only; 1 by default for 429). */
  retryAfterS?: number;
  /** Answer body: JSON-serialised object, or a raw string (e.g. an HTML error page). Ashby's error envelope by default. */
  body?: unknown;
  /** `'reset'`: destroy the connection without an answer. */
  network?: 'reset';
}
