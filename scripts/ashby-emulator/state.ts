/**
 * The Ashby emulator's data: API keys, applications, offers, departments, custom fields, and
 * the cursors and sync tokens of list reads. Pure in-memory state, no HTTP.
 *
 * Sync tokens follow Ashby's guide: a read returns a `syncToken` on its last page; a later
 * read with that token returns only the records changed since the read that issued it (that
 * still match the request's filters). Each change bumps a sequence number; a token remembers
 * the sequence at which its read started, so a change made during a paged read is seen again
 * by the next incremental read rather than lost.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  ALL_READ_PERMISSIONS,
  type ApiKeyOptions,
  type ApplicationPatch,
  type ApplicationSeed,
  type ApplicationStatus,
  type AshbyPermission,
  type CustomFieldSeed,
  type DepartmentSeed,
  type OfferSeed,
  type OfferVersionSeed,
  type WireApplication,
  type WireCustomFieldDefinition,
  type WireCustomFieldValue,
  type WireDepartment,
  type WireOffer,
  type WireOfferVersion,
} from './types';

export type Collection = 'applications' | 'offers' | 'departments' | 'customFields';

interface Stored<T> {
  id: string;
  /** Sequence number of the last change. */
  seq: number;
  /** What the wire shows; for malformed records, anything at all. */
  wire: T | unknown;
  /** Filterable facts kept beside the wire shape (malformed records have no trustworthy wire fields). */
  facts: Record<string, unknown>;
}

interface ApiKeyState {
  title: string;
  permissions: Set<AshbyPermission>;
  revoked: boolean;
  createdAt: string;
}

interface CursorState {
  collection: Collection;
  ids: string[];
  offset: number;
  startSeq: number;
  incremental: boolean;
}

interface SyncTokenState {
  collection: Collection;
  seq: number;
  expired: boolean;
}

export type KeyStatus =
  | { kind: 'missing' }
  | { kind: 'unknown' }
  | { kind: 'revoked' }
  | { kind: 'ok'; title: string; permissions: ReadonlySet<AshbyPermission>; createdAt: string };

/** One page of a list read, or why the read cannot go on. */
export type PageResult =
  | { ok: true; results: unknown[]; moreDataAvailable: boolean; nextCursor?: string; syncToken?: string }
  | { ok: false; code: 'sync_token_expired' | 'incremental_sync_too_large' | 'invalid_next_cursor'; message: string };

export interface PageRequest {
  collection: Collection;
  limit: number;
  cursor?: string;
  syncToken?: string;
  /** Keeps the records a request's filters select. */
  filter: (facts: Record<string, unknown>) => boolean;
  /** Most pages an incremental read may take before Ashby refuses it (`incremental_sync_too_large`). */
  maxIncrementalPages: number;
}

const opaque = (): string => randomBytes(9).toString('base64url');

export class AshbyState {
  private seq = 0;
  private readonly keys = new Map<string, ApiKeyState>();
  private readonly records: Record<Collection, Map<string, Stored<unknown>>> = {
    applications: new Map(),
    offers: new Map(),
    departments: new Map(),
    customFields: new Map(),
  };
  private readonly offerVersions = new Map<string, WireOfferVersion[]>();
  private readonly cursors = new Map<string, CursorState>();
  private readonly syncTokens = new Map<string, SyncTokenState>();

  constructor(private readonly now: () => number) {}

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  // ---- keys

  addKey(key: string, options: ApiKeyOptions = {}): void {
    this.keys.set(key, {
      title: options.title ?? 'Emulated API key',
      permissions: new Set(options.permissions ?? ALL_READ_PERMISSIONS),
      revoked: false,
      createdAt: this.iso(),
    });
  }

  revokeKey(key: string): void {
    this.mustKey(key).revoked = true;
  }

  setPermissions(key: string, permissions: readonly AshbyPermission[]): void {
    this.mustKey(key).permissions = new Set(permissions);
  }

  keyStatus(key: string | null): KeyStatus {
    if (key === null || key === '') return { kind: 'missing' };
    const state = this.keys.get(key);
    if (!state) return { kind: 'unknown' };
    if (state.revoked) return { kind: 'revoked' };
    return { kind: 'ok', title: state.title, permissions: state.permissions, createdAt: state.createdAt };
  }

  private mustKey(key: string): ApiKeyState {
    const state = this.keys.get(key);
    if (!state) throw new Error('ashby-emulator: unknown API key (add it with keys.add first)');
    return state;
  }

  // ---- records

  private put(collection: Collection, id: string, wire: unknown, facts: Record<string, unknown>): void {
    this.seq += 1;
    this.records[collection].set(id, { id, seq: this.seq, wire, facts });
  }

  private customFieldTitle(id: string): string {
    const definition = this.records.customFields.get(id)?.wire as WireCustomFieldDefinition | undefined;
    return definition?.title ?? id;
  }

  private customFieldValues(values: ApplicationSeed['customFields']): WireCustomFieldValue[] {
    if (values === undefined) return [];
    if (Array.isArray(values)) return values.map((v) => ({ ...v }));
    return Object.entries(values).map(([id, value]) => ({ id, title: this.customFieldTitle(id), value, isPrivate: false }));
  }

  addApplication(seed: ApplicationSeed): WireApplication {
    const id = seed.id ?? randomUUID();
    if (this.records.applications.has(id)) throw new Error(`ashby-emulator: application ${id} already exists`);
    const now = this.iso();
    const status = seed.status ?? 'Hired';
    const wire: WireApplication = {
      id,
      createdAt: seed.createdAt ?? now,
      updatedAt: now,
      status,
      customFields: this.customFieldValues(seed.customFields),
      candidate: {
        id: randomUUID(),
        name: seed.candidateName,
        primaryEmailAddress: seed.email ? { value: seed.email, type: 'Work', isPrimary: true } : null,
        primaryPhoneNumber: null,
      },
      currentInterviewStage: stageFor(status),
      source: null,
      archiveReason: null,
      archivedAt: null,
      job: { id: seed.jobId ?? randomUUID(), title: seed.jobTitle ?? 'Software Engineer', locationId: null, departmentId: seed.departmentId ?? null },
      creditedToUser: null,
      hiringTeam: [],
      appliedViaJobPostingId: null,
    };
    this.put('applications', id, wire, applicationFacts(wire));
    return structuredClone(wire);
  }

  updateApplication(id: string, patch: ApplicationPatch): WireApplication {
    const stored = this.records.applications.get(id);
    if (!stored || !isWireApplication(stored.wire)) throw new Error(`ashby-emulator: no well-formed application ${id}`);
    const current = stored.wire;
    const status = patch.status ?? current.status;
    const wire: WireApplication = {
      ...current,
      updatedAt: this.iso(),
      status,
      createdAt: patch.createdAt ?? current.createdAt,
      customFields: patch.customFields === undefined ? current.customFields : this.customFieldValues(patch.customFields),
      candidate: {
        ...current.candidate,
        name: patch.candidateName ?? current.candidate.name,
        primaryEmailAddress:
          patch.email === undefined
            ? current.candidate.primaryEmailAddress
            : patch.email === null
              ? null
              : { value: patch.email, type: 'Work', isPrimary: true },
      },
      currentInterviewStage: patch.status ? stageFor(status) : current.currentInterviewStage,
      job: {
        id: patch.jobId ?? current.job?.id ?? randomUUID(),
        title: patch.jobTitle ?? current.job?.title ?? 'Software Engineer',
        locationId: null,
        departmentId: patch.departmentId === undefined ? (current.job?.departmentId ?? null) : patch.departmentId,
      },
    };
    this.put('applications', id, wire, applicationFacts(wire));
    return structuredClone(wire);
  }

  /** Stores a record application.list returns exactly as given; `status`/`createdAt` decide the filters. */
  addMalformedApplication(raw: unknown, options: { id?: string; status?: ApplicationStatus; createdAt?: string; jobId?: string } = {}): string {
    const id = options.id ?? randomUUID();
    this.put('applications', id, structuredClone(raw), {
      status: options.status ?? 'Hired',
      createdAtMs: Date.parse(options.createdAt ?? this.iso()),
      jobId: options.jobId,
    });
    return id;
  }

  removeApplication(id: string): void {
    this.records.applications.delete(id);
  }

  applications(): unknown[] {
    return [...this.records.applications.values()].map((r) => structuredClone(r.wire));
  }

  addOffer(seed: OfferSeed): WireOffer {
    if (seed.versions.length === 0) throw new Error('ashby-emulator: an offer needs at least one version');
    const id = seed.id ?? randomUUID();
    const versions = seed.versions.map((v) => this.offerVersion(v));
    this.offerVersions.set(id, versions);
    const wire: WireOffer = {
      id,
      decidedAt: seed.decidedAt === undefined ? this.iso() : seed.decidedAt,
      applicationId: seed.applicationId,
      acceptanceStatus: seed.acceptanceStatus ?? 'Accepted',
      offerStatus: seed.offerStatus ?? 'CandidateAccepted',
      latestVersion: versions[versions.length - 1] as WireOfferVersion,
    };
    this.put('offers', id, wire, offerFacts(wire));
    return structuredClone(wire);
  }

  /** Adds a newer version to an offer; it becomes the offer's latestVersion. */
  addOfferVersion(offerId: string, version: OfferVersionSeed): WireOffer {
    const stored = this.records.offers.get(offerId);
    const versions = this.offerVersions.get(offerId);
    if (!stored || !versions) throw new Error(`ashby-emulator: no offer ${offerId}`);
    const latest = this.offerVersion(version);
    versions.push(latest);
    const wire: WireOffer = { ...(stored.wire as WireOffer), latestVersion: latest };
    this.put('offers', offerId, wire, offerFacts(wire));
    return structuredClone(wire);
  }

  /** Every version of an offer, oldest first. */
  versionsOf(offerId: string): WireOfferVersion[] {
    return structuredClone(this.offerVersions.get(offerId) ?? []);
  }

  addMalformedOffer(raw: unknown, options: { id?: string; applicationId?: string } = {}): string {
    const id = options.id ?? randomUUID();
    this.put('offers', id, structuredClone(raw), { applicationId: options.applicationId, acceptanceStatus: undefined, offerStatus: undefined });
    return id;
  }

  private offerVersion(seed: OfferVersionSeed): WireOfferVersion {
    return {
      id: seed.id ?? randomUUID(),
      startDate: seed.startDate ?? null,
      salary: seed.salary ?? null,
      createdAt: seed.createdAt ?? this.iso(),
      openingId: null,
      customFields: [],
      fileHandles: [],
      author: {
        id: '0f4ca9a1-3c36-4c1a-9d3b-2f9c5f0a0001',
        firstName: 'Riley',
        lastName: 'Recruiter',
        email: 'riley@example.com',
        globalRole: 'Organization Admin',
        isEnabled: true,
        updatedAt: this.iso(),
      },
      approvalStatus: 'Approved',
    };
  }

  addDepartment(seed: DepartmentSeed): WireDepartment {
    const id = seed.id ?? randomUUID();
    const now = this.iso();
    const wire: WireDepartment = {
      id,
      name: seed.name,
      externalName: null,
      isArchived: seed.isArchived ?? false,
      parentId: seed.parentId ?? null,
      createdAt: now,
      updatedAt: now,
    };
    this.put('departments', id, wire, { isArchived: wire.isArchived });
    return structuredClone(wire);
  }

  addCustomField(seed: CustomFieldSeed): WireCustomFieldDefinition {
    const id = seed.id ?? randomUUID();
    const wire: WireCustomFieldDefinition = {
      id,
      isPrivate: seed.isPrivate ?? false,
      title: seed.title,
      objectType: seed.objectType ?? 'Application',
      isArchived: seed.isArchived ?? false,
      fieldType: seed.fieldType ?? 'String',
    };
    this.put('customFields', id, wire, { isArchived: wire.isArchived });
    return structuredClone(wire);
  }

  // ---- reads

  /** Every sync token issued so far is refused from now on (`sync_token_expired`). */
  expireSyncTokens(): void {
    for (const token of this.syncTokens.values()) token.expired = true;
  }

  page(request: PageRequest): PageResult {
    let cursor: CursorState;
    if (request.cursor !== undefined) {
      const found = this.cursors.get(request.cursor);
      if (!found || found.collection !== request.collection) {
        return { ok: false, code: 'invalid_next_cursor', message: 'The cursor is invalid or has expired.' };
      }
      cursor = found;
      this.cursors.delete(request.cursor);
    } else {
      let sinceSeq: number | undefined;
      if (request.syncToken !== undefined) {
        const token = this.syncTokens.get(request.syncToken);
        if (!token || token.expired || token.collection !== request.collection) {
          return { ok: false, code: 'sync_token_expired', message: 'The sync token has expired. Perform a full sync without a syncToken.' };
        }
        sinceSeq = token.seq;
      }
      const ids = [...this.records[request.collection].values()]
        .filter((r) => (sinceSeq === undefined || r.seq > sinceSeq) && request.filter(r.facts))
        .map((r) => r.id);
      if (sinceSeq !== undefined && Math.ceil(ids.length / request.limit) > request.maxIncrementalPages) {
        return {
          ok: false,
          code: 'incremental_sync_too_large',
          message: 'Too many records changed since this sync token. Discard it and perform a full sync.',
        };
      }
      cursor = { collection: request.collection, ids, offset: 0, startSeq: this.seq, incremental: sinceSeq !== undefined };
    }
    const slice = cursor.ids.slice(cursor.offset, cursor.offset + request.limit);
    const results = slice
      .map((id) => this.records[request.collection].get(id))
      .filter((r): r is Stored<unknown> => r !== undefined)
      .map((r) => structuredClone(r.wire));
    const nextOffset = cursor.offset + slice.length;
    if (nextOffset < cursor.ids.length) {
      const next = opaque();
      this.cursors.set(next, { ...cursor, offset: nextOffset });
      return { ok: true, results, moreDataAvailable: true, nextCursor: next };
    }
    const syncToken = opaque();
    this.syncTokens.set(syncToken, { collection: request.collection, seq: cursor.startSeq, expired: false });
    return { ok: true, results, moreDataAvailable: false, syncToken };
  }
}

function stageFor(status: ApplicationStatus): WireApplication['currentInterviewStage'] {
  const title = status === 'Hired' ? 'Hired' : status === 'Archived' ? 'Archived' : status === 'Lead' ? 'Lead' : 'Onsite';
  return {
    id: `stage-${title.toLowerCase()}`,
    title,
    type: status === 'Active' ? 'Active' : status === 'Lead' ? 'PreApplication' : status,
    orderInInterviewPlan: status === 'Hired' ? 5 : 1,
    interviewStageGroupId: `group-${title.toLowerCase()}`,
    interviewPlanId: 'plan-default',
  };
}

function applicationFacts(wire: WireApplication): Record<string, unknown> {
  return { status: wire.status, createdAtMs: Date.parse(wire.createdAt), jobId: wire.job?.id };
}

function offerFacts(wire: WireOffer): Record<string, unknown> {
  return { applicationId: wire.applicationId, acceptanceStatus: wire.acceptanceStatus, offerStatus: wire.offerStatus };
}

function isWireApplication(value: unknown): value is WireApplication {
  return typeof value === 'object' && value !== null && 'candidate' in value && 'status' in value;
}
