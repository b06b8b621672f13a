/**
 * The notification hand-off and member preferences over HTTP, against the real connector
 * (HTTP server, router, store): stored before the answer, idempotent per id, strict
 * validation that writes nothing, 503 while the store is unreachable.
 */
import type { RunningEmbeddedStore } from '../../../src/db/embedded-store';
import { createNotificationRepos, type NotificationRepos } from '../../../src/features/notifications';
import { startTestConnector, type TestConnector } from '../../support/connector';
import { TEST_SECRETS } from '../../support/factories';
import { startConnectorOnPrivateStore, type PrivateStoreConnector } from '../../support/private-store';

const AUTH = { authorization: `Bearer ${TEST_SECRETS.apiToken}` };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };
// validEnv's PIGMENT_BASE_URL.
const BASE = 'https://acme.pigment.test';

function notification(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    type: 'conversation',
    subtype: 'comment',
    recipient: { memberId: 'm-ada' },
    title: 'Grace commented on Revenue plan',
    body: 'Can we *double-check* Q3?',
    url: `${BASE}/apps/finance/boards/revenue?comment=${id}`,
    actor: { name: 'Grace Hopper' },
    ...overrides,
  };
}

interface Issues {
  error: string;
  issues: Array<{ path: string; message: string }>;
}

describe('notification hand-off and preferences HTTP API', () => {
  let t: TestConnector;
  let repos: NotificationRepos;
  beforeAll(async () => {
    t = await startTestConnector({ label: 'notifyapi' });
    repos = createNotificationRepos(t.connector.deps);
  });
  afterAll(async () => {
    await t.stop();
  });

  function post(body: unknown): Promise<Response> {
    return t.fetch('/api/v1/workspaces/default/notifications', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify(body) });
  }
  async function get(id: string): Promise<{ status: number; body: any }> {
    const res = await t.fetch(`/api/v1/workspaces/default/notifications/${encodeURIComponent(id)}`, { headers: AUTH });
    return { status: res.status, body: await res.json() };
  }
  function putPreferences(memberId: string, body: unknown): Promise<Response> {
    return t.fetch(`/api/v1/workspaces/default/members/${encodeURIComponent(memberId)}/preferences`, {
      method: 'PUT',
      headers: JSON_AUTH,
      body: JSON.stringify(body),
    });
  }
  const outboxCount = (filter: Record<string, unknown> = {}) => t.connector.deps.db.collection('notification_outbox').countDocuments(filter);

  it('stores the notification before answering 202, then answers 200 with its current status for the same id', async () => {
    const body = notification('n-first');
    const accepted = await post(body);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ id: 'n-first', status: 'queued' });
    // Already stored when the answer arrived: no polling.
    expect(await repos.outbox.findById('n-first')).toMatchObject({
      id: 'n-first',
      type: 'conversation',
      subtype: 'comment',
      recipient: { memberId: 'm-ada' },
      title: 'Grace commented on Revenue plan',
      body: 'Can we *double-check* Q3?',
      url: body.url,
      actor: { name: 'Grace Hopper' },
      status: 'queued',
      attempts: 0,
    });
    expect(await get('n-first')).toEqual({ status: 200, body: { id: 'n-first', status: 'queued' } });

    const again = await post(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: 'n-first', status: 'queued' });

    // What the worker will do; the API then shows the outcome, for GET and a repeated POST alike.
    const claimed = await repos.outbox.claimNext('test-worker', 60_000, new Date());
    expect(claimed?.id).toBe('n-first');
    expect(await get('n-first')).toEqual({ status: 200, body: { id: 'n-first', status: 'delivering' } });
    await repos.outbox.markDelivered('n-first', 'test-worker', { channel: 'D0ADA', ts: '1700000000.000100' }, new Date());
    const opened = new Date('2026-11-21T10:00:00.000Z');
    await repos.outbox.recordOpened('n-first', opened);
    const delivered = { id: 'n-first', status: 'delivered', slack: { channel: 'D0ADA', ts: '1700000000.000100' }, openedInSlackAt: opened.toISOString() };
    expect(await get('n-first')).toEqual({ status: 200, body: delivered });
    const afterDelivery = await post(body);
    expect(afterDelivery.status).toBe(200);
    expect(await afterDelivery.json()).toEqual(delivered);
    expect(await outboxCount({ _id: 'n-first' })).toBe(1);
  });

  it('shows the reason of a skipped notification', async () => {
    expect((await post(notification('n-skipped'))).status).toBe(202);
    let claimed;
    while ((claimed = await repos.outbox.claimNext('test-worker', 60_000, new Date())) && claimed.id !== 'n-skipped') {
      await repos.outbox.release(claimed.id, 'test-worker', new Date(Date.now() + 3_600_000), new Date());
    }
    await repos.outbox.markSkipped('n-skipped', 'test-worker', 'disabled_by_member', new Date());
    expect(await get('n-skipped')).toEqual({ status: 200, body: { id: 'n-skipped', status: 'skipped', reason: 'disabled_by_member' } });
  });

  it('refuses a known id with a different notification (409 id_reused) and changes nothing', async () => {
    expect((await post(notification('n-reused'))).status).toBe(202);
    const before = await repos.outbox.findById('n-reused');
    const reused = await post(notification('n-reused', { title: 'Something else entirely' }));
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({ error: 'id_reused', id: 'n-reused', message: expect.stringContaining('idempotency') });
    expect(await repos.outbox.findById('n-reused')).toEqual(before);
    // The same notification with the email in other case and the same defaults is the same.
    expect((await post(notification('n-email', { recipient: { email: 'Ada@Acme.test' }, body: undefined }))).status).toBe(202);
    expect((await post(notification('n-email', { recipient: { email: ' ada@acme.TEST ' }, body: '' }))).status).toBe(200);
  });

  it('stores one notification when the same id is posted 10 times at once', async () => {
    const body = notification('n-concurrent');
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(body)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    for (const answer of answers) expect(await answer.json()).toMatchObject({ id: 'n-concurrent', status: 'queued' });
    expect(await outboxCount({ _id: 'n-concurrent' })).toBe(1);
    expect(await t.connector.deps.db.collection('notification_queue').countDocuments({ _id: 'n-concurrent' as never })).toBe(1);
  });

  it('accepts email recipients, no body, no actor, the base URL itself, and counts characters rather than bytes', async () => {
    const minimal = {
      id: 'n-minimal',
      type: 'scheduled_import',
      subtype: 'failed',
      recipient: { email: 'grace@acme.test' },
      title: 'Import failed',
      url: BASE,
    };
    expect((await post(minimal)).status).toBe(202);
    expect(await repos.outbox.findById('n-minimal')).toMatchObject({ recipient: { email: 'grace@acme.test' }, body: '', url: BASE });
    expect((await repos.outbox.findById('n-minimal'))?.actor).toBeUndefined();

    const longest = notification('n-longest', {
      title: '📈'.repeat(150),
      body: 'é'.repeat(2_000),
      url: `${BASE}/${'a'.repeat(3_000 - BASE.length - 1)}`,
      actor: { name: 'A'.repeat(200) },
    });
    expect((await post(longest)).status).toBe(202);
    for (const [type, subtype] of [
      ['automation', 'completed'],
      ['async_task', 'duplication'],
      ['conversation', 'other'],
      ['async_task', 'snapshot'],
    ]) {
      expect((await post(notification(`n-${type}-${subtype}`, { type, subtype }))).status).toBe(202);
    }
  });

  it('takes a notification without subtype as subtype other, and the same one with other explicitly as a retry', async () => {
    const withoutSubtype = notification('n-nosubtype', { type: 'automation', subtype: undefined });
    expect(Object.keys(JSON.parse(JSON.stringify(withoutSubtype)))).not.toContain('subtype');
    const accepted = await post(withoutSubtype);
    expect(accepted.status).toBe(202);
    expect(await repos.outbox.findById('n-nosubtype')).toMatchObject({ type: 'automation', subtype: 'other', status: 'queued' });
    // Absent means other: naming it changes nothing, so the same id is a retry (200), not a reused id (409).
    const explicit = await post({ ...withoutSubtype, subtype: 'other' });
    expect(explicit.status).toBe(200);
  });

  const longUrl = `${BASE}/${'a'.repeat(3_000 - BASE.length)}`;
  it.each<[string, Record<string, unknown> | unknown, string[]]>([
    ['an unknown type', notification('v-type', { type: 'billing' }), ['type']],
    ['a subtype the type does not have', notification('v-subtype', { type: 'automation', subtype: 'mention' }), ['subtype']],
    ['an empty subtype', notification('v-emptysubtype', { subtype: '' }), ['subtype']],
    ['a subtype that is not a string', notification('v-nullsubtype', { subtype: null }), ['subtype']],
    ['a missing title', notification('v-notitle', { title: undefined }), ['title']],
    ['a blank title', notification('v-blanktitle', { title: '   ' }), ['title']],
    ['a title over 150 characters', notification('v-longtitle', { title: 'x'.repeat(151) }), ['title']],
    ['a body over 2,000 characters', notification('v-longbody', { body: 'x'.repeat(2_001) }), ['body']],
    ['a url over 3,000 characters', notification('v-longurl', { url: longUrl }), ['url']],
    ['an id over 200 characters', notification('x'.repeat(201)), ['id']],
    ['an empty id', notification(''), ['id']],
    ['an actor name over 200 characters', notification('v-longactor', { actor: { name: 'x'.repeat(201) } }), ['actor.name']],
    ['a link to another site', notification('v-foreign', { url: 'https://evil.test/apps/finance' }), ['url']],
    ['a link to a look-alike host', notification('v-lookalike', { url: `${BASE}.evil.test/apps` }), ['url']],
    ['a link with credentials to another host', notification('v-userinfo', { url: `${BASE}@evil.test/apps` }), ['url']],
    ['a javascript: link', notification('v-js', { url: 'javascript:alert(1)' }), ['url']],
    ['a link with spaces', notification('v-space', { url: `${BASE}/a b` }), ['url']],
    ['a recipient with both memberId and email', notification('v-both', { recipient: { memberId: 'm-ada', email: 'ada@acme.test' } }), ['recipient']],
    ['an empty recipient', notification('v-norecipient', { recipient: {} }), ['recipient']],
    ['a recipient of another shape', notification('v-slackid', { recipient: { slackUserId: 'U123' } }), ['recipient.slackUserId', 'recipient']],
    ['a recipient that is a string', notification('v-string', { recipient: 'm-ada' }), ['recipient']],
    ['a bad email', notification('v-bademail', { recipient: { email: 'not-an-email' } }), ['recipient.email']],
    ['a member id with spaces', notification('v-badmember', { recipient: { memberId: 'm ada' } }), ['recipient.memberId']],
    ['unknown fields', notification('v-unknown', { priority: 'high', $where: '1' }), ['priority', '$where']],
    ['an unknown actor field', notification('v-actor', { actor: { name: 'Grace', email: 'g@acme.test' } }), ['actor.email']],
    ['a query operator instead of a title', notification('v-op-title', { title: { $ne: null } }), ['title']],
    ['a query operator instead of a member id', notification('v-op-member', { recipient: { memberId: { $gt: '' } } }), ['recipient.memberId']],
    ['a query operator instead of an email', notification('v-op-email', { recipient: { email: { $regex: '.*' } } }), ['recipient.email']],
    ['a query operator instead of the id', notification('v-op-id', { id: { $ne: 'x' } }), ['id']],
    ['an array body', [notification('v-array')], ['(body)']],
    [
      'several problems at once',
      notification('v-many', { type: 'conversation', subtype: 'failed', title: '', url: 'http://x.test' }),
      ['title', 'url', 'subtype'],
    ],
  ])('refuses %s with 400, the field paths, and stores nothing', async (_what, body, paths) => {
    const before = await outboxCount();
    const res = await post(body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as Issues;
    expect(answer.error).toBe('invalid_body');
    expect(answer.issues.map((i) => i.path)).toEqual(paths);
    expect(answer.issues.every((i) => i.message.length > 0)).toBe(true);
    expect(await outboxCount()).toBe(before);
  });

  it('names the accepted values in its messages', async () => {
    const res = await post(notification('v-messages', { type: 'scheduled_import', subtype: 'snapshot', url: 'https://evil.test/' }));
    const { issues } = (await res.json()) as Issues;
    expect(issues).toEqual([
      { path: 'url', message: `must be an http(s) link under ${BASE}/` },
      { path: 'subtype', message: 'must be one of completed, failed, other for type scheduled_import' },
    ]);
  });

  it('answers 400 to a body that is not JSON, 401 without the token, and 404 for an unknown id', async () => {
    const before = await outboxCount();
    expect((await t.fetch('/api/v1/workspaces/default/notifications', { method: 'POST', headers: JSON_AUTH, body: '{"id":' })).status).toBe(400);
    expect((await t.fetch('/api/v1/workspaces/default/notifications', { method: 'POST', headers: JSON_AUTH })).status).toBe(400);
    const noToken = await t.fetch('/api/v1/workspaces/default/notifications', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notification('v-noauth')),
    });
    expect(noToken.status).toBe(401);
    expect((await t.fetch('/api/v1/workspaces/default/notifications/n-first')).status).toBe(401);
    expect(await outboxCount()).toBe(before);

    expect(await get('never-sent')).toEqual({ status: 404, body: { error: 'notification_not_found', message: 'No notification never-sent.' } });
    expect((await get('x'.repeat(201))).status).toBe(400);
    // Ids are opaque text: slashes and the like survive the path.
    expect((await post(notification('platform/42?x#y'))).status).toBe(202);
    expect((await get('platform/42?x#y')).body).toEqual({ id: 'platform/42?x#y', status: 'queued' });
  });

  describe('preferences', () => {
    beforeAll(async () => {
      const res = await t.fetch('/api/v1/workspaces/default/members/m-pref', {
        method: 'PUT',
        headers: JSON_AUTH,
        body: JSON.stringify({ email: 'pref@acme.test', name: 'Pref Erence', accountType: 'standard_member' }),
      });
      expect(res.status).toBe(201);
    });
    const stored = () => t.connector.deps.db.collection('member_preferences').find({}).toArray();

    it('has every type on by default', async () => {
      expect(await repos.preferences.get('m-pref')).toEqual({
        memberId: 'm-pref',
        slack: { conversation: true, automation: true, scheduled_import: true, async_task: true },
      });
    });

    it('applies partial updates and answers with all four switches', async () => {
      const first = await putPreferences('m-pref', { slack: { automation: false } });
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ memberId: 'm-pref', slack: { conversation: true, automation: false, scheduled_import: true, async_task: true } });

      const second = await putPreferences('m-pref', { slack: { conversation: false, async_task: true } });
      expect(await second.json()).toEqual({ memberId: 'm-pref', slack: { conversation: false, automation: false, scheduled_import: true, async_task: true } });

      const nothing = await putPreferences('m-pref', { slack: {} });
      expect(nothing.status).toBe(200);
      expect(await nothing.json()).toEqual({ memberId: 'm-pref', slack: { conversation: false, automation: false, scheduled_import: true, async_task: true } });

      const back = await putPreferences('m-pref', { slack: { conversation: true, automation: true, scheduled_import: false, async_task: false } });
      expect(await back.json()).toEqual({ memberId: 'm-pref', slack: { conversation: true, automation: true, scheduled_import: false, async_task: false } });
      expect((await repos.preferences.get('m-pref')).slack).toEqual({ conversation: true, automation: true, scheduled_import: false, async_task: false });
    });

    it('answers 404 for a member the directory does not know, writing nothing', async () => {
      const before = await stored();
      const res = await putPreferences('m-nobody', { slack: { automation: false } });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: 'member_not_found' });
      expect(await stored()).toEqual(before);
    });

    it.each<[string, unknown, string[]]>([
      ['an unknown type', { slack: { billing: false } }, ['slack.billing']],
      ['a value that is not a boolean', { slack: { automation: 'no' } }, ['slack.automation']],
      ['a missing slack object', {}, ['slack']],
      ['an unknown top-level field', { slack: { automation: false }, email: true }, ['email']],
      ['a query operator', { slack: { automation: { $ne: true } } }, ['slack.automation']],
      ['slack as a list', { slack: ['automation'] }, ['slack']],
    ])('refuses %s with 400 and the field paths, writing nothing', async (_what, body, paths) => {
      const before = await stored();
      const res = await putPreferences('m-pref', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as Issues).issues.map((i) => i.path)).toEqual(paths);
      expect(await stored()).toEqual(before);
    });

    it('refuses a bad member id with 400', async () => {
      const res = await putPreferences('m bad', { slack: {} });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Issues).issues[0]?.path).toBe('memberId');
    });
  });
});

describe('notification hand-off while the store is unreachable', () => {
  let t: TestConnector;
  let store: RunningEmbeddedStore;
  let running: PrivateStoreConnector;

  afterEach(() => running.stop());

  it('answers 503 and leaves nothing half-written', async () => {
    running = await startConnectorOnPrivateStore('notify503');
    ({ t, store } = running);
    const post = (id: string) =>
      t.fetch('/api/v1/workspaces/default/notifications', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify(notification(id)) });
    expect((await post('n-before')).status).toBe(202);

    await store.stop();
    const res = await post('n-during');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'store_unavailable' });
    expect((await t.fetch('/api/v1/workspaces/default/notifications/n-before', { headers: AUTH })).status).toBe(503);
  });
});
