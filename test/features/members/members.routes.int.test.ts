/**
 * The member directory's HTTP API, against the real connector (HTTP server, router, store).
 */
import { startTestConnector, type TestConnector } from '../../support/connector';
import { TEST_SECRETS } from '../../support/factories';
import { storeRepos } from '../../support/store-repos';

const AUTH = { authorization: `Bearer ${TEST_SECRETS.apiToken}` };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };

interface MemberBody {
  id: string;
  name: string;
  email: string;
  accountType: string;
  status: string;
  groups: string[];
  createdAt: string;
  updatedAt: string;
  mapping?: { status: string; slackUserId?: string; source?: string };
}

describe('member directory HTTP API', () => {
  let t: TestConnector;
  beforeAll(async () => {
    t = await startTestConnector({ label: 'membersapi' });
  });
  afterAll(async () => {
    await t.stop();
  });

  function put(id: string, body: unknown): Promise<Response> {
    return t.fetch(`/api/v1/workspaces/default/members/${encodeURIComponent(id)}`, { method: 'PUT', headers: JSON_AUTH, body: JSON.stringify(body) });
  }
  async function get(path: string): Promise<{ status: number; body: any }> {
    const res = await t.fetch(path, { headers: AUTH });
    return { status: res.status, body: await res.json() };
  }
  const repo = () => storeRepos(t.connector.store.db).members;

  it('creates a member (201, pending), then updates it (200), and an unchanged PUT is 200 too', async () => {
    const created = await put('m-create', { email: '  Ada.Lovelace@Acme.TEST ', name: ' Ada Lovelace ', accountType: 'workspace_admin' });
    expect(created.status).toBe(201);
    const first = (await created.json()) as MemberBody;
    expect(first).toEqual({
      id: 'm-create',
      name: 'Ada Lovelace',
      email: 'Ada.Lovelace@Acme.TEST',
      accountType: 'workspace_admin',
      status: 'pending',
      groups: [],
      createdAt: expect.any(String),
      updatedAt: first.createdAt,
    });
    expect(new Date(first.createdAt).toISOString()).toBe(first.createdAt);
    expect(await repo().findById('m-create')).toMatchObject({ emailKey: 'ada.lovelace@acme.test', source: 'api', status: 'pending' });

    const updated = await put('m-create', {
      email: 'ada.lovelace@acme.test',
      name: 'Ada King',
      accountType: 'workspace_admin',
      status: 'activated',
      groups: ['Finance', 'Finance', 'Ops'],
    });
    expect(updated.status).toBe(200);
    const second = (await updated.json()) as MemberBody;
    expect(second).toMatchObject({ name: 'Ada King', status: 'activated', groups: ['Finance', 'Ops'], createdAt: first.createdAt });

    // Omitted status and groups are kept, not reset.
    const unchanged = await put('m-create', { email: 'ada.lovelace@acme.test', name: 'Ada King', accountType: 'workspace_admin' });
    expect(unchanged.status).toBe(200);
    const third = (await unchanged.json()) as MemberBody;
    expect(third).toEqual(second);
  });

  it('keeps one member per email, compared trimmed and case-insensitively (409 with the owner)', async () => {
    expect((await put('m-owner', { email: 'grace@acme.test', name: 'Grace', accountType: 'standard_member' })).status).toBe(201);
    const clash = await put('m-other', { email: ' GRACE@acme.test', name: 'Not Grace', accountType: 'standard_member' });
    expect(clash.status).toBe(409);
    expect(await clash.json()).toMatchObject({ error: 'email_taken', memberId: 'm-owner' });
    expect(await repo().findById('m-other')).toBeUndefined();

    // An existing member taking someone else's email is refused too, and keeps its own.
    expect((await put('m-second', { email: 'second@acme.test', name: 'Second', accountType: 'standard_member' })).status).toBe(201);
    const steal = await put('m-second', { email: 'Grace@Acme.test', name: 'Second', accountType: 'standard_member' });
    expect(steal.status).toBe(409);
    expect((await repo().findById('m-second'))?.email).toBe('second@acme.test');
  });

  it.each([
    ['a missing field', { name: 'X', accountType: 'standard_member' }, ['email']],
    ['unknown fields', { email: 'x1@acme.test', name: 'X', accountType: 'standard_member', role: 'admin', $where: '1' }, ['role', '$where']],
    ['a bad email', { email: 'not-an-email', name: 'X', accountType: 'standard_member' }, ['email']],
    ['an empty name', { email: 'x2@acme.test', name: '   ', accountType: 'standard_member' }, ['name']],
    ['an unknown account type', { email: 'x3@acme.test', name: 'X', accountType: 'god' }, ['accountType']],
    ['an unknown status', { email: 'x4@acme.test', name: 'X', accountType: 'standard_member', status: 'gone' }, ['status']],
    ['a group that is not a string', { email: 'x5@acme.test', name: 'X', accountType: 'standard_member', groups: ['ok', 3] }, ['groups.1']],
    ['a query operator instead of an email', { email: { $ne: null }, name: 'X', accountType: 'standard_member' }, ['email']],
    ['a query operator instead of a name', { email: 'x6@acme.test', name: { $gt: '' }, accountType: 'standard_member' }, ['name']],
    ['an array body', [{ email: 'x7@acme.test' }], ['(body)']],
  ])('refuses %s with 400, the field paths, and writes nothing', async (_what, body, paths) => {
    const res = await put('m-invalid', body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: string; issues: Array<{ path: string; message: string }> };
    expect(answer.error).toBe('invalid_body');
    expect(answer.issues.map((i) => i.path)).toEqual(paths);
    expect(await repo().findById('m-invalid')).toBeUndefined();
  });

  it('refuses an operator object where an email filter belongs, and a bad member id', async () => {
    const injected = await get('/api/v1/workspaces/default/members?email[$ne]=x');
    expect(injected.status).toBe(400);
    const badId = await put('m bad id', { email: 'y@acme.test', name: 'Y', accountType: 'standard_member' });
    expect(badId.status).toBe(400);
    expect(((await badId.json()) as { issues: Array<{ path: string }> }).issues[0]?.path).toBe('memberId');
  });

  it('answers 400 to a body that is not JSON and 401 without the token, writing nothing', async () => {
    const notJson = await t.fetch('/api/v1/workspaces/default/members/m-nojson', { method: 'PUT', headers: JSON_AUTH, body: '{"email":' });
    expect(notJson.status).toBe(400);
    const noToken = await t.fetch('/api/v1/workspaces/default/members/m-noauth', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'noauth@acme.test', name: 'N', accountType: 'standard_member' }),
    });
    expect(noToken.status).toBe(401);
    const wrongToken = await t.fetch('/api/v1/workspaces/default/members/m-noauth', { headers: { authorization: 'Bearer nope' } });
    expect(wrongToken.status).toBe(401);
    expect((await t.fetch('/api/v1/workspaces/default/members')).status).toBe(401);
    expect(await repo().findById('m-noauth')).toBeUndefined();
    expect(await repo().findById('m-nojson')).toBeUndefined();
  });

  it('pages through members with an opaque cursor and filters by status and email', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const id = `p-${String(i).padStart(2, '0')}`;
      ids.push(id);
      const res = await put(id, {
        email: `page${i}@list.test`,
        name: `Page ${i}`,
        accountType: 'standard_member',
        status: i % 2 === 0 ? 'activated' : 'pending',
      });
      expect(res.status).toBe(201);
    }
    // Only this test's members: ids starting with p- sort together; walk all pages and keep them.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: any } = await get(
        `/api/v1/workspaces/default/members?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.members.length).toBeLessThanOrEqual(3);
      seen.push(...(page.body.members as MemberBody[]).map((m) => m.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(cursor).toBeNull();
    expect(seen.filter((id) => id.startsWith('p-'))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);

    const pending = await get('/api/v1/workspaces/default/members?status=pending&limit=200');
    const pendingIds = (pending.body.members as MemberBody[]).map((m) => m.id).filter((id) => id.startsWith('p-'));
    expect(pendingIds).toEqual(['p-01', 'p-03', 'p-05']);
    expect((pending.body.members as MemberBody[]).every((m) => m.status === 'pending')).toBe(true);

    const byEmail = await get(`/api/v1/workspaces/default/members?email=${encodeURIComponent('  PAGE4@List.Test ')}`);
    expect(byEmail.body).toEqual({ members: [expect.objectContaining({ id: 'p-04', email: 'page4@list.test' })], nextCursor: null });
    expect((await get('/api/v1/workspaces/default/members?email=page4@list.test&status=pending')).body).toEqual({ members: [], nextCursor: null });

    // Exactly one page: no cursor to a page that would be empty.
    const exact = await get('/api/v1/workspaces/default/members?email=page4@list.test&limit=1');
    expect(exact.body.nextCursor).toBeNull();
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
    ['status=gone', 'status'],
    ['cursor=%24%24%24', 'cursor'],
    // "YR" decodes like "YQ" (a valid cursor) but is not what the API writes.
    ['cursor=YR', 'cursor'],
    ['sort=name', 'sort'],
  ])('refuses the query %s with 400 naming %s', async (query, path) => {
    const res = await get(`/api/v1/workspaces/default/members?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual([path]);
  });

  it('reads one member with its mapping status, and 404 for an unknown id', async () => {
    expect((await put('m-mapped', { email: 'mapped@acme.test', name: 'Mapped', accountType: 'standard_member' })).status).toBe(201);
    expect((await put('m-unmapped', { email: 'unmapped@acme.test', name: 'Unmapped', accountType: 'standard_member' })).status).toBe(201);
    const saved = await storeRepos(t.connector.store.db).mappings.save(
      { memberId: 'm-mapped', slackUserId: 'U0MAPPED01', source: 'manual', slackEmail: 'mapped@acme.test', active: true },
      new Date(),
    );
    expect(saved).toMatchObject({ ok: true });

    const mapped = await get('/api/v1/workspaces/default/members/m-mapped');
    expect(mapped.status).toBe(200);
    expect(mapped.body).toMatchObject({
      id: 'm-mapped',
      email: 'mapped@acme.test',
      mapping: { status: 'connected', slackUserId: 'U0MAPPED01', source: 'manual' },
    });

    const unmapped = await get('/api/v1/workspaces/default/members/m-unmapped');
    expect(unmapped.body.mapping).toEqual({ status: 'not_connected' });

    const missing = await get('/api/v1/workspaces/default/members/m-nobody');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('member_not_found');
  });
});
