/**
 * Platform applications over HTTP, against the real connector (HTTP server, router, store):
 * 201 then 200, strict validation with field paths that writes nothing, the picker's list,
 * and 503 while the store is unreachable.
 */
import type { RunningEmbeddedStore } from '../../../src/db/embedded-store';
import { TenantDb } from '../../../src/db/tenant-collection';
import { ApplicationRepository } from '../../../src/features/applications/application.repository';
import { startTestConnector, type TestConnector } from '../../support/connector';
import { TEST_SECRETS } from '../../support/factories';
import { startConnectorOnPrivateStore, type PrivateStoreConnector } from '../../support/private-store';

const AUTH = { authorization: `Bearer ${TEST_SECRETS.apiToken}` };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };

interface Issues {
  issues: Array<{ path: string; message: string }>;
}

describe('platform applications HTTP API', () => {
  let t: TestConnector;
  let repo: ApplicationRepository;
  beforeAll(async () => {
    t = await startTestConnector({ label: 'applicationsapi' });
    repo = new ApplicationRepository(new TenantDb(t.connector.store.db));
  });
  afterAll(async () => {
    await t.stop();
  });

  function put(id: string, body: unknown, headers: Record<string, string> = JSON_AUTH): Promise<Response> {
    return t.fetch(`/api/v1/workspaces/default/applications/${encodeURIComponent(id)}`, {
      method: 'PUT',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  it('creates an application (201), renames it (200), and an unchanged PUT is 200 too', async () => {
    const created = await put('app-hc', { name: '  Headcount planning ' });
    expect(created.status).toBe(201);
    const body = (await created.json()) as Record<string, string>;
    expect(body).toEqual({ id: 'app-hc', name: 'Headcount planning', createdAt: expect.any(String), updatedAt: body.createdAt });

    const renamed = await put('app-hc', { name: 'Headcount 2027' });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ id: 'app-hc', name: 'Headcount 2027', createdAt: body.createdAt });

    const same = await put('app-hc', { name: 'Headcount 2027' });
    expect(same.status).toBe(200);
    expect(await repo.findById('app-hc')).toMatchObject({ id: 'app-hc', name: 'Headcount 2027' });
  });

  it('refuses bad bodies and ids with field paths, writing nothing', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['app-bad1', {}, 'name'],
      ['app-bad2', { name: '   ' }, 'name'],
      ['app-bad3', { name: 42 }, 'name'],
      ['app-bad4', { name: 'x'.repeat(201) }, 'name'],
      ['app-bad5', { name: 'ok', extra: true }, 'extra'],
      ['app-bad6', { name: 'line\nbreak' }, 'name'],
      ['app-bad7', { name: { $ne: null } }, 'name'],
      ['app bad', { name: 'ok' }, 'applicationId'],
      ['a'.repeat(151), { name: 'ok' }, 'applicationId'],
    ];
    for (const [id, body, field] of cases) {
      const res = await put(id, body);
      expect({ id, status: res.status }).toEqual({ id, status: 400 });
      const issues = ((await res.json()) as Issues).issues;
      expect({ id, paths: issues.map((i) => i.path) }).toEqual({ id, paths: [field] });
      expect(issues[0]!.message.length).toBeGreaterThan(3);
      expect(await repo.findById(id)).toBeUndefined();
    }
    const notJson = await put('app-bad8', '{name:');
    expect(notJson.status).toBe(400);
    expect(await repo.findById('app-bad8')).toBeUndefined();
  });

  it('needs the API token', async () => {
    const res = await put('app-noauth', { name: 'No auth' }, { 'content-type': 'application/json' });
    expect(res.status).toBe(401);
    expect(await repo.findById('app-noauth')).toBeUndefined();
  });

  it('lists applications by name for pickers, filtered by name or id', async () => {
    expect((await put('app-z', { name: 'Zebra budget' })).status).toBe(201);
    expect((await put('app-a', { name: 'Annual plan' })).status).toBe(201);
    const names = (await repo.list()).map((a) => a.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['Annual plan', 'Zebra budget', 'Headcount 2027']));
    expect((await repo.list({ text: 'ZEB' })).map((a) => a.id)).toEqual(['app-z']);
    expect((await repo.list({ text: 'app-a' })).map((a) => a.id)).toEqual(['app-a']);
    expect((await repo.list({ text: '.*' })).map((a) => a.id)).toEqual([]);
    expect(await repo.list({ limit: 1 })).toHaveLength(1);
    expect((await repo.findByIds(['app-z', 'app-missing', 'app-a'])).map((a) => a.id)).toEqual(['app-a', 'app-z']);
    expect(await repo.findByIds([])).toEqual([]);
  });
});

describe('platform applications while the store is unreachable', () => {
  let t: TestConnector;
  let store: RunningEmbeddedStore;
  let running: PrivateStoreConnector;

  afterEach(() => running.stop());

  it('answers 503', async () => {
    running = await startConnectorOnPrivateStore('apps503');
    ({ t, store } = running);
    const put = (id: string) =>
      t.fetch(`/api/v1/workspaces/default/applications/${id}`, { method: 'PUT', headers: JSON_AUTH, body: JSON.stringify({ name: id }) });
    expect((await put('app-before')).status).toBe(201);
    await store.stop();
    const res = await put('app-during');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'store_unavailable' });
  });
});
