/**
 * The real Ashby client against the real Ashby emulator over HTTP: paging, sync tokens and
 * their expiry, authentication and permission errors, retries of 429/5xx/network failures,
 * malformed records, offers/departments/custom fields, and the key never in an error or a log.
 * Waits between retries go through an injected sleep that records the delay and returns at once.
 */
import { createAshbyEmulator, type AshbyEmulator } from '../../../../scripts/ashby-emulator';
import { createLogger } from '../../../../src/platform/logger';
import type { AshbyApi, ApplicationPage } from '../../../../src/features/ashby/ashby-api.types';
import { AshbyApiError, createAshbyApi, type AshbyClientOptions } from '../../../../src/features/ashby/client';

const KEY = 'ashby-live-Zq81kW3vT0pXy77r';

let ashby: AshbyEmulator;
let sleeps: number[];
let logLines: string[];

function clientFor(key: string = KEY, options: Partial<AshbyClientOptions> = {}): AshbyApi {
  const { logger } = createLogger({ level: 'debug', pretty: false, destination: { write: (line: string) => void logLines.push(line) } });
  return createAshbyApi({
    baseUrl: ashby.url,
    logger,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  })(key);
}

async function readAll(api: AshbyApi, syncToken?: string): Promise<{ pages: ApplicationPage[]; records: unknown[] }> {
  const pages: ApplicationPage[] = [];
  for await (const page of api.hiredApplications(syncToken === undefined ? undefined : { syncToken })) pages.push(page);
  return { pages, records: pages.flatMap((p) => p.records) };
}

async function failureOf(promise: Promise<unknown>): Promise<AshbyApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AshbyApiError);
    return error as AshbyApiError;
  }
  throw new Error('expected the call to fail');
}

const idsOf = (records: unknown[]): string[] => records.map((r) => (r as { id: string }).id);

beforeEach(async () => {
  sleeps = [];
  logLines = [];
  ashby = await createAshbyEmulator({ keys: { [KEY]: { title: 'Pigment headcount' } } });
});

afterEach(async () => {
  await ashby.close();
});

describe('checkKey', () => {
  it('accepts a known key and gives its title', async () => {
    expect(await clientFor().checkKey()).toEqual({ ok: true, label: 'Pigment headcount' });
  });

  it('refuses a missing, unknown or revoked key without throwing', async () => {
    expect(await clientFor('').checkKey()).toMatchObject({ ok: false, kind: 'unauthorized' });
    expect(await clientFor('not-a-known-key-123').checkKey()).toMatchObject({ ok: false, kind: 'forbidden' });
    ashby.keys.revoke(KEY);
    expect(await clientFor().checkKey()).toEqual({ ok: false, kind: 'forbidden', message: 'Ashby refused the API key: it is wrong or has been deactivated.' });
  });

  it('names a permission the imports need and the key lacks', async () => {
    ashby.keys.setPermissions(KEY, ['candidatesRead', 'organizationRead', 'hiringProcessMetadataRead', 'apiKeysRead']);
    expect(await clientFor().checkKey()).toEqual({
      ok: false,
      kind: 'forbidden',
      message: "The API key lacks Ashby's offersRead permission (needed for offer.list).",
    });
  });

  it('accepts a key that may not call apiKey.info, without a label', async () => {
    ashby.keys.setPermissions(KEY, ['candidatesRead', 'offersRead', 'organizationRead', 'hiringProcessMetadataRead']);
    expect(await clientFor().checkKey()).toEqual({ ok: true });
  });

  it('reports an unreachable Ashby as a network failure', async () => {
    ashby.failNext({ network: 'reset', count: 4 });
    expect(await clientFor().checkKey()).toMatchObject({ ok: false, kind: 'network' });
  });
});

describe('hiredApplications', () => {
  it('reads every hired application page by page, with the sync token on the last page only', async () => {
    for (let i = 0; i < 5; i += 1) ashby.applications.add({ candidateName: `Hire ${i}` });
    ashby.applications.add({ candidateName: 'Interviewing', status: 'Active' });

    const { pages, records } = await readAll(clientFor(KEY, { pageSize: 2 }));
    expect(pages.map((p) => p.records.length)).toEqual([2, 2, 1]);
    expect(pages.slice(0, 2).every((p) => p.syncToken === undefined)).toBe(true);
    expect(pages[2]!.syncToken).toEqual(expect.any(String));
    expect(records.map((r) => (r as { candidate: { name: string } }).candidate.name)).toEqual(['Hire 0', 'Hire 1', 'Hire 2', 'Hire 3', 'Hire 4']);

    const calls = ashby.calls();
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatchObject({
      endpoint: 'application.list',
      body: { status: 'Hired', limit: 2 },
      key: KEY,
      password: '',
      accept: 'application/json; version=1',
      contentType: 'application/json',
    });
    expect(calls[1]!.body).toEqual({ status: 'Hired', limit: 2, cursor: expect.any(String) });
  });

  it('reads only the changes since a sync token, and the next token', async () => {
    const ada = ashby.applications.add({ candidateName: 'Ada' });
    const grace = ashby.applications.add({ candidateName: 'Grace' });
    const api = clientFor();
    const first = await readAll(api);
    const token = first.pages.at(-1)!.syncToken!;

    ashby.applications.update(grace.id, { jobTitle: 'Staff Engineer' });
    const linus = ashby.applications.add({ candidateName: 'Linus' });
    const second = await readAll(api, token);
    expect(idsOf(second.records).sort()).toEqual([grace.id, linus.id].sort());
    expect(idsOf(second.records)).not.toContain(ada.id);
    expect(ashby.calls().at(-1)!.body).toEqual({ status: 'Hired', limit: 100, syncToken: token });

    const third = await readAll(api, second.pages.at(-1)!.syncToken);
    expect(third.records).toEqual([]);
  });

  it('signals a full read when Ashby no longer accepts the sync token', async () => {
    ashby.applications.add({ candidateName: 'Ada' });
    const api = clientFor();
    const token = (await readAll(api)).pages.at(-1)!.syncToken!;
    ashby.syncTokens.expireAll();

    const error = await failureOf(readAll(api, token));
    expect(error).toMatchObject({ kind: 'sync_token_expired', ashbyCode: 'sync_token_expired', endpoint: 'application.list' });
    expect((await readAll(api)).records).toHaveLength(1);
  });

  it('treats incremental_sync_too_large as a full-read signal too', async () => {
    await ashby.close();
    ashby = await createAshbyEmulator({ keys: { [KEY]: {} }, maxIncrementalPages: 1 });
    const api = clientFor(KEY, { pageSize: 1 });
    const token = (await readAll(api)).pages.at(-1)!.syncToken!;
    ashby.applications.add({ candidateName: 'A' });
    ashby.applications.add({ candidateName: 'B' });
    expect(await failureOf(readAll(api, token))).toMatchObject({ kind: 'sync_token_expired', ashbyCode: 'incremental_sync_too_large' });
  });

  it('fails with unauthorized, forbidden and the missing permission as Ashby names them', async () => {
    expect(await failureOf(readAll(clientFor('')))).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(await failureOf(readAll(clientFor('not-a-known-key-123')))).toMatchObject({ kind: 'forbidden', status: 403, ashbyCode: 'invalid_api_key' });

    ashby.keys.setPermissions(KEY, ['offersRead']);
    const missing = await failureOf(readAll(clientFor()));
    expect(missing).toMatchObject({ kind: 'forbidden', status: 403, ashbyCode: 'missing_endpoint_permission' });
    expect(missing.message).toContain('candidatesRead');

    ashby.keys.setPermissions(KEY, ['candidatesRead']);
    ashby.keys.revoke(KEY);
    expect(await failureOf(readAll(clientFor()))).toMatchObject({ kind: 'forbidden', status: 403, ashbyCode: 'api_key_deactivated' });
    expect(sleeps).toEqual([]);
  });
});

describe('retries', () => {
  it('retries a 429 after the delay in Retry-After', async () => {
    ashby.applications.add({ candidateName: 'Ada' });
    ashby.failNext({ status: 429, retryAfterS: 7, endpoint: 'application.list' });
    const { records } = await readAll(clientFor());
    expect(records).toHaveLength(1);
    expect(sleeps).toEqual([7000]);
    expect(ashby.calls().map((c) => c.status)).toEqual([429, 200]);
    expect(logLines.some((line) => line.includes('Ashby rate limit'))).toBe(true);
  });

  it('gives up as rate_limited when Ashby keeps limiting, or asks for too long a wait', async () => {
    ashby.failNext({ status: 429, retryAfterS: 1, count: 4 });
    expect(await failureOf(clientFor().departments())).toMatchObject({ kind: 'rate_limited', status: 429, ashbyCode: 'rate_limit_exceeded' });
    expect(sleeps).toEqual([1000, 1000, 1000]);

    sleeps = [];
    ashby.failNext({ status: 429, retryAfterS: 3600 });
    const error = await failureOf(clientFor().departments());
    expect(error.kind).toBe('rate_limited');
    expect(error.message).toContain('3600 s');
    expect(sleeps).toEqual([]);
  });

  it('retries 5xx with growing backoff, then succeeds', async () => {
    ashby.departments.add({ id: 'dep-1', name: 'Engineering' });
    ashby.failNext({ status: 503, count: 2 });
    const names = await clientFor(KEY, { retry: { baseDelayMs: 100 } }).departments();
    expect(names).toEqual(new Map([['dep-1', 'Engineering']]));
    // Equal jitter with random() = 0.5: 3/4 of 100 ms, then of 200 ms.
    expect(sleeps).toEqual([75, 150]);
  });

  it('fails as server after the last attempt, an HTML error page included', async () => {
    ashby.failNext({ status: 502, count: 3, body: '<html><body>Bad gateway</body></html>' });
    const error = await failureOf(clientFor(KEY, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 15 } }).customFields());
    expect(error).toMatchObject({ kind: 'server', status: 502, endpoint: 'customField.list' });
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms <= 15)).toBe(true);
  });

  it('retries a dropped connection, and fails as network when it keeps dropping', async () => {
    ashby.customFields.add({ title: 'Level' });
    ashby.failNext({ network: 'reset' });
    expect(await clientFor().customFields()).toHaveLength(1);
    expect(sleeps).toHaveLength(1);

    ashby.failNext({ network: 'reset', count: 4 });
    expect(await failureOf(clientFor().customFields())).toMatchObject({ kind: 'network' });
  });

  it('fails as bad_response for an answer that is not Ashby JSON', async () => {
    ashby.failNext({ status: 200, body: '<html>captive portal</html>' });
    expect(await failureOf(clientFor().departments())).toMatchObject({ kind: 'bad_response', status: 200 });
  });
});

describe('records', () => {
  it('parses good applications and reports a malformed one with its id', async () => {
    ashby.customFields.add({ id: 'cf-level', title: 'Level' });
    ashby.customFields.add({ id: 'cf-remote', title: 'Remote', fieldType: 'Boolean' });
    const good = ashby.applications.add({
      candidateName: 'Ada Lovelace',
      email: 'ada@example.com',
      jobId: 'job-1',
      jobTitle: 'Engineer',
      departmentId: 'dep-eng',
      customFields: { 'cf-level': 'L5', 'cf-remote': true, 'cf-tags': ['a', 'b'] },
    });
    ashby.applications.addMalformed({ id: 'app-broken', candidate: { name: 42 } });
    ashby.applications.addMalformed('not even an object');
    const api = clientFor();
    const parsed = (await readAll(api)).records.map((r) => api.parseApplication(r));

    expect(parsed[0]).toEqual({
      ok: true,
      application: {
        id: good.id,
        candidateName: 'Ada Lovelace',
        email: 'ada@example.com',
        jobId: 'job-1',
        jobTitle: 'Engineer',
        departmentId: 'dep-eng',
        customFields: { 'cf-level': 'L5', 'cf-remote': true, 'cf-tags': 'a, b' },
        updatedAt: good.updatedAt,
      },
    });
    expect(parsed[1]).toEqual({ ok: false, id: 'app-broken', error: expect.stringContaining('candidate.name') });
    expect(parsed[2]).toEqual({ ok: false, error: expect.stringContaining('malformed Ashby application') });
  });

  it.each([
    ['one call per application', 25],
    ['one read of every offer', 1],
  ])('gives the latest version of each hire’s offer (%s)', async (_label, perApplicationUpTo) => {
    const ada = ashby.applications.add({ candidateName: 'Ada' });
    const grace = ashby.applications.add({ candidateName: 'Grace' });
    const other = ashby.applications.add({ candidateName: 'Not asked for' });
    const offer = ashby.offers.add({ applicationId: ada.id, versions: [{ startDate: '2025-03-01', salary: { currencyCode: 'EUR', value: 70000 } }] });
    ashby.offers.addVersion(offer.id, { startDate: '2025-04-01T00:00:00.000Z', salary: { currencyCode: 'EUR', value: 75000 } });
    ashby.offers.add({
      applicationId: grace.id,
      acceptanceStatus: 'Declined',
      offerStatus: 'CandidateRejected',
      versions: [{ startDate: '2025-01-01', salary: { currencyCode: 'USD', value: 1 } }],
    });
    ashby.offers.add({ applicationId: grace.id, versions: [{ startDate: '2025-02-01', salary: { currencyCode: 'USD', value: 120000 } }] });
    ashby.offers.add({ applicationId: other.id, versions: [{ startDate: '2025-05-01' }] });
    ashby.offers.addMalformed({ id: 'offer-broken', applicationId: 7 });

    const offers = await clientFor(KEY, { offersPerApplicationUpTo: perApplicationUpTo }).latestOffers([ada.id, grace.id, 'no-offer-yet']);
    expect(offers).toEqual(
      new Map([
        [ada.id, { applicationId: ada.id, startDate: '2025-04-01', salary: 75000, salaryCurrency: 'EUR' }],
        [grace.id, { applicationId: grace.id, startDate: '2025-02-01', salary: 120000, salaryCurrency: 'USD' }],
      ]),
    );
    const offerCalls = ashby.calls().filter((c) => c.endpoint === 'offer.list');
    expect(offerCalls).toHaveLength(perApplicationUpTo === 25 ? 3 : 1);
  });

  it('gives department names (archived ones too) and custom field definitions', async () => {
    ashby.departments.add({ id: 'dep-eng', name: 'Engineering' });
    ashby.departments.add({ id: 'dep-old', name: 'Old team', isArchived: true });
    ashby.customFields.add({ id: 'cf-level', title: 'Level', fieldType: 'ValueSelect' });
    ashby.customFields.add({ id: 'cf-gone', title: 'Gone', isArchived: true });
    const api = clientFor(KEY, { pageSize: 1 });
    expect(await api.departments()).toEqual(
      new Map([
        ['dep-eng', 'Engineering'],
        ['dep-old', 'Old team'],
      ]),
    );
    expect(await api.customFields()).toEqual([{ id: 'cf-level', title: 'Level', objectType: 'Application', fieldType: 'ValueSelect' }]);
  });
});

describe('the API key', () => {
  it('is in no error message and no log line, whatever fails', async () => {
    const errors: AshbyApiError[] = [];
    ashby.failNext({
      status: 429,
      retryAfterS: 2,
      body: { success: false, errors: ['rate_limit_exceeded'], errorInfo: { code: 'rate_limit_exceeded', message: `Key ${KEY} is over its limit` } },
    });
    ashby.failNext({ status: 500, count: 3, body: { success: false, errorInfo: { code: 'boom', message: `failed for ${KEY}` } } });
    errors.push(await failureOf(clientFor().departments()));
    ashby.failNext({ network: 'reset', count: 4 });
    errors.push(await failureOf(clientFor().departments()));
    ashby.keys.setPermissions(KEY, []);
    errors.push(await failureOf(clientFor().customFields()));
    ashby.keys.revoke(KEY);
    errors.push(await failureOf(readAll(clientFor())));
    const checks = [await clientFor().checkKey()];

    expect(errors.map((e) => e.kind)).toEqual(['server', 'network', 'forbidden', 'forbidden']);
    expect(errors[0]!.message).toContain('[redacted]');
    const texts = [...errors.flatMap((e) => [e.message, JSON.stringify(e.context), String(e.stack)]), ...checks.map((c) => JSON.stringify(c)), ...logLines];
    expect(logLines.length).toBeGreaterThan(0);
    for (const text of texts) expect(text).not.toContain(KEY);
  });
});
