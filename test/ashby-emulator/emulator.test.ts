/**
 * The Ashby emulator on the wire, with plain fetch: authentication, permissions, paging, sync
 * tokens, faults and call recording, so the client tests can trust what it answers.
 */
import { createAshbyEmulator, type AshbyEmulator } from '../../scripts/ashby-emulator';

const KEY = 'emulated-key-0001';

let ashby: AshbyEmulator;

beforeEach(async () => {
  ashby = await createAshbyEmulator({ keys: { [KEY]: { title: 'Headcount import' } } });
});

afterEach(async () => {
  await ashby.close();
});

async function post(endpoint: string, body: unknown, key: string | null = KEY): Promise<{ status: number; headers: Headers; json: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json; version=1' };
  if (key !== null) headers.authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const response = await fetch(`${ashby.url}/${endpoint}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

async function readAll(endpoint: string, body: Record<string, unknown>): Promise<{ results: any[]; syncToken: string; pages: number }> {
  const results: any[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const { json } = await post(endpoint, { ...body, ...(cursor ? { cursor } : {}) });
    expect(json.success).toBe(true);
    pages += 1;
    results.push(...json.results);
    if (!json.moreDataAvailable) return { results, syncToken: json.syncToken, pages };
    cursor = json.nextCursor;
  }
}

describe('authentication', () => {
  it('answers 401 without a key, 403 for an unknown key, 403 once the key is revoked', async () => {
    const none = await post('apiKey.info', {}, null);
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ success: false, errorInfo: { code: 'unauthenticated' } });

    const unknown = await post('apiKey.info', {}, 'not-a-key-999');
    expect(unknown.status).toBe(403);
    expect(unknown.json.errors).toEqual(['invalid_api_key']);

    expect((await post('apiKey.info', {})).json).toMatchObject({ success: true, results: { title: 'Headcount import' } });
    ashby.keys.revoke(KEY);
    const revoked = await post('apiKey.info', {});
    expect(revoked.status).toBe(403);
    expect(revoked.json.errorInfo.code).toBe('api_key_deactivated');
  });

  it('names the missing permission in a 403 missing_endpoint_permission', async () => {
    ashby.keys.setPermissions(KEY, ['candidatesRead']);
    expect((await post('application.list', {})).status).toBe(200);
    const offers = await post('offer.list', {});
    expect(offers.status).toBe(403);
    expect(offers.json.errors).toEqual(['missing_endpoint_permission']);
    expect(offers.json.errorInfo.message).toContain('offersRead');
    expect(offers.json.errorInfo.meta).toEqual({ requiredPermission: 'offersRead' });
  });

  it('lists the scopes of the key in apiKey.info', async () => {
    ashby.keys.add('second-key-0002', { permissions: ['candidatesRead', 'offersRead', 'apiKeysRead'] });
    const info = await post('apiKey.info', {}, 'second-key-0002');
    expect(info.json.results.scopes).toEqual(['candidates:read', 'offers:read', 'apiKeys:read']);
  });
});

describe('application.list', () => {
  it('pages with limit and cursor, filters by status and ends with a sync token', async () => {
    for (let i = 0; i < 5; i += 1) ashby.applications.add({ candidateName: `Hire ${i}` });
    ashby.applications.add({ candidateName: 'Still interviewing', status: 'Active' });

    const { results, syncToken, pages } = await readAll('application.list', { status: 'Hired', limit: 2 });
    expect(pages).toBe(3);
    expect(results.map((r) => r.candidate.name)).toEqual(['Hire 0', 'Hire 1', 'Hire 2', 'Hire 3', 'Hire 4']);
    expect(typeof syncToken).toBe('string');
    const first = await post('application.list', { status: 'Hired', limit: 2 });
    expect(first.json.syncToken).toBeUndefined();
    expect(first.json.nextCursor).toEqual(expect.any(String));
  });

  it('returns only what changed since the sync token, and refuses an expired token', async () => {
    const kept = ashby.applications.add({ candidateName: 'Ada' });
    const changed = ashby.applications.add({ candidateName: 'Grace' });
    const { syncToken } = await readAll('application.list', { status: 'Hired' });

    ashby.applications.update(changed.id, { jobTitle: 'Staff Engineer' });
    const added = ashby.applications.add({ candidateName: 'Linus' });
    ashby.applications.add({ candidateName: 'Not hired', status: 'Lead' });
    const incremental = await readAll('application.list', { status: 'Hired', syncToken });
    expect(incremental.results.map((r) => r.id).sort()).toEqual([changed.id, added.id].sort());
    expect(incremental.results.map((r) => r.id)).not.toContain(kept.id);

    const nothing = await readAll('application.list', { status: 'Hired', syncToken: incremental.syncToken });
    expect(nothing.results).toEqual([]);

    ashby.syncTokens.expireAll();
    const expired = await post('application.list', { status: 'Hired', syncToken: incremental.syncToken });
    expect(expired.status).toBe(200);
    expect(expired.json).toMatchObject({ success: false, errors: ['sync_token_expired'] });
  });

  it('refuses an incremental read that would take too many pages', async () => {
    await ashby.close();
    ashby = await createAshbyEmulator({ keys: { [KEY]: {} }, maxIncrementalPages: 1 });
    const { syncToken } = await readAll('application.list', {});
    ashby.applications.add({ candidateName: 'A' });
    ashby.applications.add({ candidateName: 'B' });
    const tooLarge = await post('application.list', { syncToken, limit: 1 });
    expect(tooLarge.json.errorInfo.code).toBe('incremental_sync_too_large');
  });

  it('returns a malformed record verbatim beside good ones', async () => {
    ashby.applications.add({ candidateName: 'Good' });
    ashby.applications.addMalformed({ id: 42, candidate: 'nope' });
    const { results } = await readAll('application.list', { status: 'Hired' });
    expect(results).toHaveLength(2);
    expect(results[1]).toEqual({ id: 42, candidate: 'nope' });
  });

  it('puts custom field titles, candidate email and the job department on the record', async () => {
    ashby.customFields.add({ id: 'cf-level', title: 'Level' });
    ashby.departments.add({ id: 'dep-eng', name: 'Engineering' });
    ashby.applications.add({
      candidateName: 'Ada',
      email: 'ada@example.com',
      departmentId: 'dep-eng',
      jobId: 'job-1',
      jobTitle: 'Engineer',
      customFields: { 'cf-level': 'L5' },
    });
    const { results } = await readAll('application.list', {});
    expect(results[0]).toMatchObject({
      status: 'Hired',
      candidate: { name: 'Ada', primaryEmailAddress: { value: 'ada@example.com', isPrimary: true } },
      job: { id: 'job-1', title: 'Engineer', departmentId: 'dep-eng' },
      customFields: [{ id: 'cf-level', title: 'Level', value: 'L5' }],
    });
  });

  it('answers invalid_input for a bad status or a non-object body', async () => {
    expect((await post('application.list', { status: 'Employed' })).json.errorInfo.code).toBe('invalid_input');
    expect((await post('application.list', [1, 2])).json.errorInfo.code).toBe('invalid_input');
    expect((await post('application.list', { cursor: 'made-up' })).json.errorInfo.code).toBe('invalid_next_cursor');
  });
});

describe('offers, departments, custom fields', () => {
  it('gives each offer its latest version', async () => {
    const app = ashby.applications.add({ candidateName: 'Ada' });
    const offer = ashby.offers.add({ applicationId: app.id, versions: [{ startDate: '2025-03-01', salary: { currencyCode: 'EUR', value: 70000 } }] });
    ashby.offers.addVersion(offer.id, { startDate: '2025-04-01', salary: { currencyCode: 'EUR', value: 75000 } });
    const { json } = await post('offer.list', { applicationId: app.id });
    expect(json.results).toHaveLength(1);
    expect(json.results[0]).toMatchObject({
      applicationId: app.id,
      acceptanceStatus: 'Accepted',
      latestVersion: { startDate: '2025-04-01', salary: { currencyCode: 'EUR', value: 75000 } },
    });
    expect(ashby.offers.versions(offer.id)).toHaveLength(2);
    expect((await post('offer.list', { applicationId: 'someone-else' })).json.results).toEqual([]);
  });

  it('lists departments and custom fields without the archived ones unless asked', async () => {
    ashby.departments.add({ name: 'Engineering' });
    ashby.departments.add({ name: 'Old', isArchived: true });
    ashby.customFields.add({ title: 'Level', fieldType: 'ValueSelect' });
    expect((await post('department.list', {})).json.results.map((d: any) => d.name)).toEqual(['Engineering']);
    expect((await post('department.list', { includeArchived: true })).json.results).toHaveLength(2);
    expect((await post('customField.list', {})).json.results[0]).toMatchObject({ title: 'Level', objectType: 'Application', fieldType: 'ValueSelect' });
  });
});

describe('faults and recording', () => {
  it('answers a queued 429 with Retry-After, then normally', async () => {
    ashby.failNext({ status: 429, retryAfterS: 7 });
    const limited = await post('apiKey.info', {});
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.json.errorInfo.code).toBe('rate_limit_exceeded');
    expect((await post('apiKey.info', {})).status).toBe(200);
  });

  it('fails only the endpoint named, count times, with the body given', async () => {
    ashby.failNext({ status: 502, count: 2, endpoint: 'offer.list', body: '<html>Bad gateway</html>' });
    expect((await post('department.list', {})).status).toBe(200);
    const first = await post('offer.list', {});
    expect(first.status).toBe(502);
    expect(first.json).toBe('<html>Bad gateway</html>');
    expect((await post('offer.list', {})).status).toBe(502);
    expect((await post('offer.list', {})).status).toBe(200);
  });

  it('drops the connection for a network fault', async () => {
    ashby.failNext({ network: 'reset' });
    await expect(post('apiKey.info', {})).rejects.toThrow();
    expect(ashby.calls()[0]).toMatchObject({ endpoint: 'apiKey.info', status: 0 });
  });

  it('records endpoint, body, key, headers and status of every call', async () => {
    await post('application.list', { status: 'Hired', limit: 10 });
    await post('apiKey.info', {}, null);
    expect(ashby.calls()).toEqual([
      {
        endpoint: 'application.list',
        body: { status: 'Hired', limit: 10 },
        key: KEY,
        password: '',
        accept: 'application/json; version=1',
        contentType: 'application/json',
        status: 200,
      },
      { endpoint: 'apiKey.info', body: {}, key: null, password: null, accept: 'application/json; version=1', contentType: 'application/json', status: 401 },
    ]);
    ashby.clearCalls();
    expect(ashby.calls()).toEqual([]);
  });

  it('answers 404 for an endpoint it does not know and 405 for GET', async () => {
    expect((await post('candidate.list', {})).status).toBe(404);
    const get = await fetch(`${ashby.url}/application.list`, { headers: { authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}` } });
    expect(get.status).toBe(405);
  });
});
