/**
 * Pure parsers from Ashby's wire records (application.list, offer.list, department.list,
 * customField.list) to the connector's types. Each record is parsed alone, so one malformed
 * record is reported and does not stop the others. Unknown fields are ignored: Ashby adds
 * fields over time.
 */
import { z } from 'zod';
import type { AshbyCustomFieldDefinition, AshbyOffer, ParsedApplication } from '../ashby-api.types';

const nonEmpty = z.string().trim().min(1);

const applicationSchema = z.object({
  id: nonEmpty,
  updatedAt: z.string().nullish(),
  candidate: z.object({
    name: nonEmpty,
    primaryEmailAddress: z.object({ value: z.string() }).nullish(),
  }),
  job: z
    .object({
      id: z.string().nullish(),
      title: z.string().nullish(),
      departmentId: z.string().nullish(),
    })
    .nullish(),
  customFields: z.array(z.object({ id: nonEmpty, value: z.unknown() })).nullish(),
});

const offerSchema = z.object({
  id: z.string().nullish(),
  applicationId: nonEmpty,
  acceptanceStatus: z.string().nullish(),
  decidedAt: z.string().nullish(),
  latestVersion: z
    .object({
      startDate: z.string().nullish(),
      createdAt: z.string().nullish(),
      salary: z.object({ currencyCode: z.string().nullish(), value: z.number().finite() }).nullish(),
    })
    .nullish(),
});

const departmentSchema = z.object({ id: nonEmpty, name: z.string() });

const customFieldSchema = z.object({ id: nonEmpty, title: z.string(), objectType: z.string(), fieldType: z.string() });

/** An offer as the import needs it, plus what picks the hire's offer among several. */
export interface ParsedOffer {
  offer: AshbyOffer;
  accepted: boolean;
  /** When its latest version was made (or the offer decided); ISO string or ''. */
  recency: string;
}

export function parseApplicationRecord(record: unknown): ParsedApplication {
  const parsed = applicationSchema.safeParse(record);
  if (!parsed.success) {
    const id = idOf(record);
    return { ok: false, ...(id !== undefined ? { id } : {}), error: describeIssues(parsed.error) };
  }
  const { id, candidate, job, customFields, updatedAt } = parsed.data;
  const email = candidate.primaryEmailAddress?.value.trim();
  return {
    ok: true,
    application: {
      id,
      candidateName: candidate.name.trim(),
      ...(email ? { email } : {}),
      ...(job?.id ? { jobId: job.id } : {}),
      ...(job?.title ? { jobTitle: job.title } : {}),
      ...(job?.departmentId ? { departmentId: job.departmentId } : {}),
      customFields: Object.fromEntries((customFields ?? []).map((field) => [field.id, customFieldValue(field.value)])),
      ...(updatedAt ? { updatedAt } : {}),
    },
  };
}

export function parseOfferRecord(record: unknown): ParsedOffer | undefined {
  const parsed = offerSchema.safeParse(record);
  if (!parsed.success) return undefined;
  const { applicationId, acceptanceStatus, latestVersion, decidedAt } = parsed.data;
  const startDate = isoDate(latestVersion?.startDate);
  const salary = latestVersion?.salary;
  return {
    offer: {
      applicationId,
      ...(startDate ? { startDate } : {}),
      ...(salary ? { salary: salary.value } : {}),
      ...(salary?.currencyCode ? { salaryCurrency: salary.currencyCode } : {}),
    },
    accepted: acceptanceStatus === 'Accepted',
    recency: latestVersion?.createdAt ?? decidedAt ?? '',
  };
}

/** Of two offers for one application, the hire's: an accepted one first, then the most recent. */
export function preferredOffer(current: ParsedOffer | undefined, candidate: ParsedOffer): ParsedOffer {
  if (!current) return candidate;
  if (current.accepted !== candidate.accepted) return candidate.accepted ? candidate : current;
  return candidate.recency > current.recency ? candidate : current;
}

export function parseDepartmentRecord(record: unknown): { id: string; name: string } | undefined {
  const parsed = departmentSchema.safeParse(record);
  return parsed.success ? parsed.data : undefined;
}

export function parseCustomFieldRecord(record: unknown): AshbyCustomFieldDefinition | undefined {
  const parsed = customFieldSchema.safeParse(record);
  return parsed.success ? parsed.data : undefined;
}

/** Ashby start dates may be dates or date-times; rows keep the date. */
function isoDate(value: string | null | undefined): string | undefined {
  const match = value ? /^(\d{4}-\d{2}-\d{2})/.exec(value) : null;
  return match?.[1];
}

/**
 * Custom field values come in Ashby's field types: scalars stay as they are; a multi-select
 * becomes a comma-separated list; a currency "75000 EUR"; a number range "min–max".
 */
export function customFieldValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.value === 'number' && typeof o.currencyCode === 'string') return `${o.value} ${o.currencyCode}`;
    if ('min' in o || 'max' in o) return `${String(o.min ?? '')}–${String(o.max ?? '')}`;
    return JSON.stringify(value);
  }
  return String(value);
}

function idOf(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const id = (record as Record<string, unknown>).id;
  return typeof id === 'string' && id.trim() !== '' ? id : typeof id === 'number' ? String(id) : undefined;
}

function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((issue) => `${issue.path.length ? issue.path.join('.') : 'record'}: ${issue.message}`);
  return `malformed Ashby application (${parts.join('; ')})`;
}
