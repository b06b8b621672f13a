/**
 * The Ashby client: AshbyApi over Ashby's HTTP API. It hides paging (cursor /
 * moreDataAvailable), sync tokens, retries and rate limits from connections and imports.
 * One client per API key; the key stays in this closure and in the Authorization header only.
 */
import type { Logger } from '../../../platform/logger';
import type { ApplicationPage, AshbyApi, AshbyApiFactory, AshbyCustomFieldDefinition, AshbyOffer, KeyCheck } from '../ashby-api.types';
import { AshbyApiError, isAshbyApiError } from './ashby-api.error';
import { createAshbyCall, type AshbyCall, type RetryOptions } from './ashby-http';
import { parseApplicationRecord, parseCustomFieldRecord, parseDepartmentRecord, parseOfferRecord, preferredOffer, type ParsedOffer } from './ashby-records';

export interface AshbyClientOptions {
  /** https://api.ashbyhq.com in production (config.ashbyApiUrl); the emulator's url in tests. */
  baseUrl: string;
  logger: Logger;
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Records per list page asked of Ashby (100, Ashby's largest, by default). */
  pageSize?: number;
  /**
   * Up to this many applications, latestOffers asks offer.list once per application; above,
   * it reads every offer once. 25 by default.
   */
  offersPerApplicationUpTo?: number;
}

/** What each endpoint the connector uses needs, for messages naming a missing permission. */
const REQUIRED_PERMISSIONS = {
  'application.list': 'candidatesRead',
  'offer.list': 'offersRead',
  'department.list': 'organizationRead',
  'customField.list': 'hiringProcessMetadataRead',
} as const;

/** Builds the factory the connector is given: one AshbyApi per (decrypted) API key. */
export function createAshbyApi(options: AshbyClientOptions): AshbyApiFactory {
  const logger = options.logger.child({ feature: 'ashby', component: 'client' });
  const pageSize = options.pageSize ?? 100;
  const perApplicationUpTo = options.offersPerApplicationUpTo ?? 25;
  return (apiKey: string): AshbyApi => {
    const call = createAshbyCall(apiKey, { baseUrl: options.baseUrl, logger, retry: options.retry, sleep: options.sleep, random: options.random });
    return {
      checkKey: () => checkKey(call),
      hiredApplications: (readOptions) => hiredApplications(call, pageSize, readOptions?.syncToken),
      parseApplication: parseApplicationRecord,
      latestOffers: (ids) => latestOffers(call, logger, pageSize, perApplicationUpTo, ids),
      departments: () => departments(call, logger, pageSize),
      customFields: () => customFields(call, logger, pageSize),
    };
  };
}

/**
 * A key is good when Ashby knows it and it may read what imports read. apiKey.info gives the
 * key's title when the key may call it (it needs its own permission, so a 403
 * missing_endpoint_permission there is not a failure); then one small read per endpoint shows
 * any missing permission now rather than at the first import.
 */
async function checkKey(call: AshbyCall): Promise<KeyCheck> {
  let label: string | undefined;
  try {
    const info = await call('apiKey.info', {});
    const title = (info.results as { title?: unknown } | undefined)?.title;
    if (typeof title === 'string') label = title;
  } catch (error) {
    if (!(isAshbyApiError(error) && error.ashbyCode === 'missing_endpoint_permission')) return refusal(error);
  }
  for (const [endpoint, permission] of Object.entries(REQUIRED_PERMISSIONS)) {
    try {
      await call(endpoint, endpoint === 'application.list' ? { status: 'Hired', limit: 1 } : { limit: 1 });
    } catch (error) {
      if (isAshbyApiError(error) && error.ashbyCode === 'missing_endpoint_permission') {
        return { ok: false, kind: 'forbidden', message: `The API key lacks Ashby's ${permission} permission (needed for ${endpoint}).` };
      }
      return refusal(error);
    }
  }
  return label === undefined ? { ok: true } : { ok: true, label };
}

function refusal(error: unknown): KeyCheck {
  if (!isAshbyApiError(error)) throw error;
  const message: Record<typeof error.kind, string> = {
    unauthorized: 'Ashby did not accept the API key.',
    forbidden: 'Ashby refused the API key: it is wrong or has been deactivated.',
    rate_limited: 'Ashby is rate limiting requests; try again in a minute.',
    server: 'Ashby is failing right now; try again later.',
    network: 'Ashby could not be reached; try again later.',
    bad_response: 'Ashby answered in an unexpected way; try again later.',
    sync_token_expired: 'Ashby answered in an unexpected way; try again later.',
  };
  return { ok: false, kind: error.kind, message: message[error.kind] };
}

/**
 * application.list with status Hired, page by page. With a sync token, only changes since the
 * read that returned it; the token of this read comes on its last page. Ashby documents the
 * status filter and syncToken side by side on application.list (see the README).
 */
async function* hiredApplications(call: AshbyCall, pageSize: number, syncToken: string | undefined): AsyncGenerator<ApplicationPage> {
  const base: Record<string, unknown> = { status: 'Hired', limit: pageSize, ...(syncToken !== undefined ? { syncToken } : {}) };
  let cursor: string | undefined;
  for (;;) {
    const envelope = await call('application.list', cursor === undefined ? base : { ...base, cursor });
    const page = listPage('application.list', envelope);
    if (page.nextCursor === undefined) {
      yield { records: page.results, ...(page.syncToken !== undefined ? { syncToken: page.syncToken } : {}) };
      return;
    }
    yield { records: page.results };
    cursor = page.nextCursor;
  }
}

/** Reads every page of a list endpoint. */
async function* allRecords(call: AshbyCall, endpoint: string, body: Record<string, unknown>, pageSize: number): AsyncGenerator<unknown> {
  let cursor: string | undefined;
  for (;;) {
    const envelope = await call(endpoint, { ...body, limit: pageSize, ...(cursor !== undefined ? { cursor } : {}) });
    const page = listPage(endpoint, envelope);
    yield* page.results;
    if (page.nextCursor === undefined) return;
    cursor = page.nextCursor;
  }
}

function listPage(endpoint: string, envelope: Record<string, unknown>): { results: unknown[]; nextCursor?: string; syncToken?: string } {
  const { results, moreDataAvailable, nextCursor, syncToken } = envelope;
  if (!Array.isArray(results)) {
    throw new AshbyApiError({ kind: 'bad_response', endpoint, message: `Ashby ${endpoint} answered without a results list` });
  }
  if (moreDataAvailable === true) {
    if (typeof nextCursor !== 'string' || nextCursor === '') {
      throw new AshbyApiError({ kind: 'bad_response', endpoint, message: `Ashby ${endpoint} said more data is available but gave no cursor` });
    }
    return { results, nextCursor };
  }
  return { results, ...(typeof syncToken === 'string' && syncToken !== '' ? { syncToken } : {}) };
}

/**
 * The latest version of each application's offer. When an application has several offers
 * (a declined one, then a new one), the accepted one wins, then the most recent. A malformed
 * offer is skipped and logged by id.
 */
async function latestOffers(
  call: AshbyCall,
  logger: Logger,
  pageSize: number,
  perApplicationUpTo: number,
  ids: readonly string[],
): Promise<Map<string, AshbyOffer>> {
  const wanted = new Set(ids);
  const best = new Map<string, ParsedOffer>();
  const consider = (record: unknown): void => {
    const parsed = parseOfferRecord(record);
    if (!parsed) {
      logger.warn({ offerId: idOf(record) }, 'Skipped a malformed Ashby offer');
      return;
    }
    if (!wanted.has(parsed.offer.applicationId)) return;
    best.set(parsed.offer.applicationId, preferredOffer(best.get(parsed.offer.applicationId), parsed));
  };
  if (wanted.size === 0) return new Map();
  if (wanted.size <= perApplicationUpTo) {
    for (const applicationId of wanted) {
      for await (const record of allRecords(call, 'offer.list', { applicationId }, pageSize)) consider(record);
    }
  } else {
    for await (const record of allRecords(call, 'offer.list', {}, pageSize)) consider(record);
  }
  return new Map([...best].map(([applicationId, parsed]) => [applicationId, parsed.offer]));
}

/** Department id → name, archived departments included (hires may sit in one). */
async function departments(call: AshbyCall, logger: Logger, pageSize: number): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const record of allRecords(call, 'department.list', { includeArchived: true }, pageSize)) {
    const department = parseDepartmentRecord(record);
    if (department) names.set(department.id, department.name);
    else logger.warn({ departmentId: idOf(record) }, 'Skipped a malformed Ashby department');
  }
  return names;
}

async function customFields(call: AshbyCall, logger: Logger, pageSize: number): Promise<AshbyCustomFieldDefinition[]> {
  const fields: AshbyCustomFieldDefinition[] = [];
  for await (const record of allRecords(call, 'customField.list', {}, pageSize)) {
    const field = parseCustomFieldRecord(record);
    if (field) fields.push(field);
    else logger.warn({ customFieldId: idOf(record) }, 'Skipped a malformed Ashby custom field');
  }
  return fields;
}

function idOf(record: unknown): unknown {
  return typeof record === 'object' && record !== null ? (record as Record<string, unknown>).id : undefined;
}
