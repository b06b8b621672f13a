/**
 * Property-based tests of the HTTP API's bodies and path parameters (issue 7): whatever a
 * caller sends, the connector answers with a success or a clear 400/404, never a 5xx, and a
 * refused request (400, 404, 409) writes nothing. Bodies are valid ones with fields swapped for hostile values
 * (MongoDB operators, wrong types, huge strings, mrkdwn control sequences), extra fields added
 * or fields dropped, plus arbitrary JSON.
 */
import fc from 'fast-check';
import { startTestConnector, type TestConnector } from '../support/connector';
import { TEST_SECRETS } from '../support/factories';
import { storeRepos } from '../support/store-repos';
import { SCHEDULER_COLLECTIONS } from '../support/scheduler-collections';

const JSON_AUTH = { authorization: `Bearer ${TEST_SECRETS.apiToken}`, 'content-type': 'application/json' };
const BASE_URL = 'https://pigment.test';

/** Values a hostile caller would try in place of any field. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>({ $ne: null }, { $gt: '' }, { $where: 'sleep(1000)' }, { $regex: '.*' }, [{ $ne: null }], null, [], {}, true, 0, -1, 1e308, ''),
  // Names of Object.prototype's members: a lookup by user input must not find them.
  fc.constantFrom('valueOf', '__proto__', 'constructor', 'toString', 'hasOwnProperty'),
  fc.constantFrom('<!channel>', '<https://evil.test|click>', '&lt;', '\u202Eevil', '=cmd|/c calc', 'x'.repeat(5_000), '\u0000', '💥'.repeat(500)),
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A valid body with each field kept, swapped for a hostile value, or dropped, and maybe extra fields. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const fields = Object.fromEntries(
    Object.entries(valid).map(([key, value]) => [
      key,
      fc.oneof(
        { weight: 2, arbitrary: fc.constant<unknown>(value) },
        { weight: 1, arbitrary: hostileValue },
        { weight: 1, arbitrary: fc.constant<unknown>(undefined) },
      ),
    ]),
  );
  const extra = fc.dictionary(
    fc.oneof(fc.constantFrom('$set', '__proto__', 'constructor', '$where', 'extra'), fc.string({ minLength: 1, maxLength: 8 })),
    hostileValue,
    { maxKeys: 2 },
  );
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.record(fields), fc.oneof(fc.constant({}), extra)).map(([body, more]) => ({ ...body, ...more })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

/** Path segments as a hostile caller would write them. */
const hostileId = fc.oneof(
  fc.constantFrom('m-valid', '$ne', '{"$ne":null}', '..', '%2e%2e', 'a'.repeat(300), ' ', '💥', 'm-valid?x=1#y'),
  fc.string({ minLength: 1, maxLength: 30 }),
);

describe('HTTP API under arbitrary input', () => {
  let t: TestConnector;
  beforeAll(async () => {
    t = await startTestConnector({ label: 'httpprops', env: { PIGMENT_BASE_URL: BASE_URL } });
    // A member the valid bodies can name.
    const put = await send('PUT', '/api/v1/workspaces/default/members/m-valid', {
      email: 'valid@acme.test',
      name: 'Valid Member',
      accountType: 'standard_member',
    });
    expect(put.status).toBe(201);
  });
  afterAll(async () => {
    await t.stop();
  });

  async function send(method: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
    const res = await t.fetch(path, { method, headers: JSON_AUTH, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  /**
   * Documents per collection: what a refused request must leave as it was. The scheduler's
   * own bookkeeping (jobs run in the background whatever the requests) is left out.
   */
  async function counts(): Promise<Record<string, number>> {
    const db = t.connector.store.db;
    const names = (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((name) => !SCHEDULER_COLLECTIONS.includes(name))
      .sort();
    return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await db.collection(name).countDocuments()] as const)));
  }

  /** Sends each generated request; 5xx fails the property, a 400 must name its fields and write nothing. */
  async function holds(requests: fc.Arbitrary<{ method: string; path: string; body: unknown }>, accepted: number[]): Promise<void> {
    await fc.assert(
      fc.asyncProperty(requests, async ({ method, path, body }) => {
        const before = await counts();
        const { status, json } = await send(method, path, body);
        expect([...accepted, 400, 404, 409]).toContain(status);
        if (status === 400) {
          expect(json.error).toMatch(/^invalid_/);
          if (json.error === 'invalid_body') {
            expect(json.issues.length).toBeGreaterThan(0);
            for (const issue of json.issues) expect(typeof issue.path === 'string' && issue.message.length > 0).toBe(true);
          }
        }
        if (status >= 400) expect(await counts()).toEqual(before);
      }),
      { numRuns: 60 },
    );
  }

  it('PUT /api/v1/workspaces/default/members/:memberId', async () => {
    const valid = { email: 'ada@acme.test', name: 'Ada', accountType: 'workspace_admin', status: 'activated', groups: ['Finance'] };
    await holds(
      fc
        .record({ id: hostileId, body: mutated(valid) })
        .map(({ id, body }) => ({ method: 'PUT', path: `/api/v1/workspaces/default/members/${encodeURIComponent(id)}`, body })),
      [200, 201],
    );
    // Whatever was accepted holds plain values, never an operator object.
    for await (const member of storeRepos(t.connector.store.db).members.streamAll()) {
      expect(typeof member.name).toBe('string');
      expect(typeof member.email).toBe('string');
      expect(member.groups.every((g) => typeof g === 'string')).toBe(true);
    }
  });

  it('PUT /api/v1/workspaces/default/members/:memberId/preferences', async () => {
    const valid = { slack: { conversation: false, automation: true, scheduled_import: true, async_task: false } };
    await holds(
      fc
        .record({
          id: fc.oneof(fc.constant('m-valid'), hostileId),
          body: fc.oneof(
            mutated(valid),
            mutated({ slack: { conversation: true } }).map((b) => ({ slack: b })),
          ),
        })
        .map(({ id, body }) => ({
          method: 'PUT',
          path: `/api/v1/workspaces/default/members/${encodeURIComponent(id)}/preferences`,
          body,
        })),
      [200],
    );
  });

  it('POST /api/v1/workspaces/default/notifications', async () => {
    let n = 0;
    const valid = () => ({
      id: `prop-${(n += 1)}`,
      type: 'conversation',
      subtype: 'comment',
      recipient: { memberId: 'm-valid' },
      title: 'A title',
      body: 'A *body*',
      url: `${BASE_URL}/board/1`,
      actor: { name: 'Ada' },
    });
    await holds(
      fc
        .constant(null)
        .chain(() => mutated(valid()))
        .map((body) => ({ method: 'POST', path: '/api/v1/workspaces/default/notifications', body })),
      [200, 202],
    );
    // Accepted notifications hold plain strings (no operator object reached the outbox).
    const stored = await t.connector.deps.db.collection('notification_outbox').find({}).toArray();
    for (const doc of stored) for (const field of ['title', 'body', 'url', 'type', 'subtype']) expect(typeof doc[field]).toBe('string');
  });

  it('refuses a notification type named after an Object.prototype member (found by this suite: it was a 500)', async () => {
    for (const type of ['valueOf', '__proto__', 'constructor', 'toString']) {
      const answer = await send('POST', '/api/v1/workspaces/default/notifications', {
        id: `proto-${type}`,
        type,
        subtype: 'comment',
        recipient: { memberId: 'm-valid' },
        title: 'T',
        url: `${BASE_URL}/x`,
      });
      expect([type, answer.status, answer.json.issues?.[0]?.path]).toEqual([type, 400, 'type']);
    }
  });

  it('GET routes with hostile ids and queries', async () => {
    await holds(
      fc.oneof(
        hostileId.map((id) => ({ method: 'GET', path: `/api/v1/workspaces/default/notifications/${encodeURIComponent(id)}`, body: undefined })),
        hostileId.map((id) => ({ method: 'GET', path: `/api/v1/workspaces/default/members/${encodeURIComponent(id)}`, body: undefined })),
        fc
          .record({
            email: fc.oneof(hostileId, fc.constant('[$ne]')),
            limit: fc.oneof(fc.constantFrom('0', '-1', '1e9', 'abc', '50', ''), fc.string({ maxLength: 5 })),
            cursor: hostileId,
          })
          .map((q) => ({ method: 'GET', path: `/api/v1/workspaces/default/members?${new URLSearchParams(q).toString()}`, body: undefined })),
      ),
      [200],
    );
    // The process still answers.
    expect((await t.fetch('/healthz')).status).toBe(200);
  });
});
