/**
 * The notification outbox on the embedded store (FerretDB 1.24): idempotent enqueue, claims
 * that stay exclusive under concurrent claimers in separate connections (as separate
 * processes would be), lease expiry, outcomes written only by the holder, and retention.
 */
import { MongoClient } from 'mongodb';
import { ensureIndexes } from '../../../src/db/indexes';
import {
  NOTIFICATION_CLAIM_INDEXES,
  NOTIFICATION_OPEN_INDEXES,
  NOTIFICATION_OUTCOME_INDEXES,
  NOTIFICATION_QUEUE_INDEXES,
  OUTBOX_INDEXES,
  OutboxRepository,
} from '../../../src/features/notifications/outbox.repository';
import { notificationFingerprint } from '../../../src/features/notifications/notification.schema';
import type { NotificationRequest } from '../../../src/features/notifications/notification.types';
import { DeliveryTenants } from '../../../src/features/notifications/outbox/delivery-tenants.repository';
import { useSingleTenantScopeInTests } from '../../../src/tenancy/tenant-scope';
import { openTestDatabase, type TestDatabase } from '../../support/store';

const t0 = new Date('2026-11-21T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const LEASE = 60_000;
/** How long after a lease ran out another claimer may take it over (the outbox's LEASE_SAFETY_MS). */
const TAKEOVER_DELAY = 5_000;

function request(id: string, overrides: Partial<NotificationRequest> = {}): NotificationRequest {
  return {
    id,
    type: 'conversation',
    subtype: 'comment',
    recipient: { memberId: 'm-ada' },
    title: `Comment ${id}`,
    body: 'Looks good',
    url: `https://acme.pigment.test/board/${id}`,
    actor: { name: 'Grace' },
    ...overrides,
  };
}

describe('OutboxRepository (embedded store)', () => {
  let t: TestDatabase;
  let outbox: OutboxRepository;
  let counter = 0;
  /** A fresh id per test, so tests never see each other's notifications. */
  const nextId = (prefix: string) => `${prefix}-${(counter += 1)}`;

  beforeAll(async () => {
    // The outbox on its own (no tenant-scoped wrapper); a hand-off still marks its tenant due.
    useSingleTenantScopeInTests({ tenantId: 'default', baseUrl: 'https://acme.pigment.test' });
    t = await openTestDatabase('outbox');
    await ensureIndexes(t.db, [
      OUTBOX_INDEXES,
      NOTIFICATION_QUEUE_INDEXES,
      NOTIFICATION_CLAIM_INDEXES,
      NOTIFICATION_OUTCOME_INDEXES,
      NOTIFICATION_OPEN_INDEXES,
    ]);
    outbox = new OutboxRepository(t.db, new DeliveryTenants(t.db));
  });
  afterAll(() => t.dispose());
  // Each test starts from an empty outbox, since claimNext looks at everything due.
  beforeEach(async () => {
    await t.db.collection(OUTBOX_INDEXES.collection).deleteMany({});
    await t.db.collection(NOTIFICATION_CLAIM_INDEXES.collection).deleteMany({});
    await t.db.collection(NOTIFICATION_QUEUE_INDEXES.collection).deleteMany({});
    await t.db.collection(NOTIFICATION_OUTCOME_INDEXES.collection).deleteMany({});
    await t.db.collection(NOTIFICATION_OPEN_INDEXES.collection).deleteMany({});
  });
  const queueIds = async () => (await t.db.collection(NOTIFICATION_QUEUE_INDEXES.collection).find({}).toArray()).map((d) => String(d._id)).sort();

  async function enqueue(req: NotificationRequest, now = t0) {
    return outbox.enqueue(req, notificationFingerprint(req), now);
  }

  it('stores a queued notification once per id and returns the existing one for a repeat', async () => {
    const req = request(nextId('n'));
    const created = await enqueue(req);
    expect(created.outcome).toBe('created');
    const stored = await outbox.findById(req.id);
    expect(stored).toEqual({
      ...req,
      status: 'queued',
      attempts: 0,
      createdAt: t0,
      updatedAt: t0,
      availableAt: t0,
      fingerprint: notificationFingerprint(req),
    });

    const again = await enqueue({ ...req, title: 'Something else' }, at(5_000));
    expect(again).toEqual({ outcome: 'duplicate', existing: stored });
    expect(await outbox.findById(req.id)).toEqual(stored);
    expect(await outbox.findById('nope')).toBeUndefined();
  });

  it('stores one notification when the same id is enqueued concurrently', async () => {
    const req = request(nextId('race'));
    const results = await Promise.all(Array.from({ length: 10 }, () => enqueue(req)));
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(9);
    expect(await t.db.collection(OUTBOX_INDEXES.collection).countDocuments({ _id: req.id as never })).toBe(1);
  });

  it('claims only due notifications, sets the lease and counts the attempt', async () => {
    const first = request(nextId('first'), { recipient: { memberId: 'm-1' } });
    const second = request(nextId('second'), { recipient: { memberId: 'm-2' } });
    const future = request(nextId('future'), { recipient: { memberId: 'm-3' } });
    await enqueue(first, at(1_000));
    await enqueue(second, at(2_000));
    await enqueue(future, at(60_000));

    const claimed = await outbox.claimNext('p1', LEASE, at(10_000));
    expect([first.id, second.id]).toContain(claimed?.id);
    expect(claimed).toMatchObject({ status: 'delivering', attempts: 1, lease: { holder: 'p1', expiresAt: at(10_000 + LEASE) }, updatedAt: at(10_000) });
    expect(await outbox.findById(claimed!.id)).toEqual(claimed);
    const next = await outbox.claimNext('p1', LEASE, at(10_000));
    expect([claimed?.id, next?.id].sort()).toEqual([first.id, second.id].sort());
    // Not available yet, and the others are held.
    expect(await outbox.claimNext('p2', LEASE, at(10_000))).toBeUndefined();
    expect((await outbox.claimNext('p2', LEASE, at(60_000)))?.id).toBe(future.id);
  });

  it('claims in the order notifications were enqueued, beyond a window of candidates', async () => {
    for (let i = 0; i < 40; i += 1) await enqueue(request(`fifo-${String(i).padStart(2, '0')}`, { recipient: { memberId: `m-${i}` } }), at(i));
    const order: string[] = [];
    for (let i = 0; i < 40; i += 1) order.push((await outbox.claimNext('p1', LEASE, at(1_000)))!.id);
    // Each claim comes from the 16 oldest still queued.
    order.forEach((id, i) => expect(Number(id.slice(5))).toBeLessThan(i + 16));
    expect([...order].sort()).toEqual(Array.from({ length: 40 }, (_, i) => `fifo-${String(i).padStart(2, '0')}`));
  });

  it("gives out one member's notifications one at a time and in order, in every process", async () => {
    const ada = [0, 1, 2].map((i) => request(`ada-${i}`));
    const grace = request('grace-0', { recipient: { memberId: 'm-grace' } });
    // Enqueued out of order: the order is the creation time, not where the store keeps them.
    await enqueue(ada[2]!, at(30));
    await enqueue(ada[0]!, at(10));
    await enqueue(ada[1]!, at(20));
    await enqueue(grace, at(40));
    const firstTwo = [await outbox.claimNext('p1', LEASE, at(100)), await outbox.claimNext('p1', LEASE, at(100))].map((n) => n?.id).sort();
    expect(firstTwo).toEqual(['ada-0', 'grace-0']);
    // Ada's first is held: nobody may take her second meanwhile, here or elsewhere.
    expect(await outbox.claimNext('p2', LEASE, at(100))).toBeUndefined();
    // Released for later (say, a rate limit), it still comes first.
    expect(await outbox.release('ada-0', 'p1', at(5_000), at(200))).toBe(true);
    expect(await outbox.claimNext('p2', LEASE, at(1_000))).toBeUndefined();
    expect((await outbox.claimNext('p2', LEASE, at(5_000)))?.id).toBe('ada-0');
    await outbox.markDelivered('ada-0', 'p2', { channel: 'D1', ts: '1.1' }, at(5_001));
    expect((await outbox.claimNext('p1', LEASE, at(5_002)))?.id).toBe('ada-1');
  });

  it('does not let one member with a long backlog hold up the others', async () => {
    for (let i = 0; i < 100; i += 1) await enqueue(request(`busy-${String(i).padStart(3, '0')}`), at(i));
    for (let i = 0; i < 5; i += 1) await enqueue(request(`quiet-${i}`, { recipient: { memberId: `m-quiet-${i}` } }), at(1_000 + i));
    const batch = await outbox.claimBatch('p1', LEASE, at(2_000), 8);
    expect(batch.map((n) => n.id).sort()).toEqual(['busy-000', 'quiet-0', 'quiet-1', 'quiet-2', 'quiet-3', 'quiet-4']);
  });

  it('gives each of 200 notifications to exactly one of 4 concurrent claimers, each on its own connection', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
    for (const [i, id] of ids.entries()) await enqueue(request(id, { recipient: { memberId: `m-${i % 40}` } }));
    const clients = await Promise.all([0, 1, 2, 3].map(() => new MongoClient(t.uri).connect()));
    const claimedBy = new Map<string, string[]>();
    try {
      await Promise.all(
        clients.map(async (client, k) => {
          const repo = new OutboxRepository(client.db(t.dbName), new DeliveryTenants(client.db(t.dbName)));
          const holder = `worker-${k}`;
          for (;;) {
            const claimed = await repo.claimNext(holder, LEASE, at(1_000));
            if (!claimed) {
              // Lost every race of a long round: only stop when nothing is queued any more.
              if ((await repo.countByStatus()).queued === 0) return;
              continue;
            }
            claimedBy.set(claimed.id, [...(claimedBy.get(claimed.id) ?? []), holder]);
            expect(await repo.markDelivered(claimed.id, holder, { channel: 'D1', ts: `1.${claimed.id}` }, at(2_000))).toBe(true);
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
    expect([...claimedBy.keys()].sort()).toEqual(ids);
    expect([...claimedBy.values()].filter((holders) => holders.length !== 1)).toEqual([]);
    // Every claimer took part (the race was real), and every notification was claimed once.
    expect(new Set([...claimedBy.values()].flat()).size).toBeGreaterThan(1);
    expect(await outbox.countByStatus()).toEqual({ queued: 0, delivering: 0, delivered: 200, skipped: 0, failed: 0 });
    const attempts = await t.db.collection(NOTIFICATION_OUTCOME_INDEXES.collection).distinct('attempts');
    expect(attempts).toEqual([1]);
  });

  it('claims a delivery again once its lease expired, and only the new holder can finish it', async () => {
    const req = request(nextId('lease'));
    await enqueue(req);
    const first = await outbox.claimNext('dead', 1_000, at(0));
    expect(first?.attempts).toBe(1);
    expect(await outbox.claimNext('p2', 1_000, at(999))).toBeUndefined();
    // Expired, but a takeover waits a few seconds more (clock skew, a holder finishing late).
    expect(await outbox.claimNext('p2', 1_000, at(1_000 + TAKEOVER_DELAY - 1))).toBeUndefined();

    const second = await outbox.claimNext('p2', LEASE, at(1_000 + TAKEOVER_DELAY));
    expect(second).toMatchObject({ id: req.id, status: 'delivering', attempts: 2, lease: { holder: 'p2', expiresAt: at(1_000 + TAKEOVER_DELAY + LEASE) } });
    // The process that lost its lease cannot write an outcome any more.
    expect(await outbox.markDelivered(req.id, 'dead', { channel: 'D1', ts: '1.1' }, at(7_500))).toBe(false);
    expect(await outbox.release(req.id, 'dead', at(9_000), at(7_500))).toBe(false);
    expect(await outbox.markDelivered(req.id, 'p2', { channel: 'D2', ts: '2.2' }, at(8_000))).toBe(true);
    expect(await outbox.findById(req.id)).toMatchObject({ status: 'delivered', slack: { channel: 'D2', ts: '2.2' }, finishedAt: at(8_000), attempts: 2 });
    expect((await outbox.findById(req.id))?.lease).toBeUndefined();
  });

  it('lets 4 concurrent claimers re-claim 50 expired deliveries exactly once each', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `expired-${String(i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) await enqueue(request(id, { recipient: { memberId: `m-${i}` } }));
    for (let i = 0; i < ids.length; i += 1) expect(await outbox.claimNext('crashed', 1_000, at(0))).toBeDefined();
    const clients = await Promise.all([0, 1, 2, 3].map(() => new MongoClient(t.uri).connect()));
    const claims: string[] = [];
    try {
      await Promise.all(
        clients.map(async (client, k) => {
          const repo = new OutboxRepository(client.db(t.dbName), new DeliveryTenants(client.db(t.dbName)));
          for (;;) {
            const claimed = await repo.claimNext(`w${k}`, LEASE, at(1_000 + TAKEOVER_DELAY));
            if (!claimed) {
              if ((await repo.countByStatus()).delivering === 0) return;
              continue;
            }
            claims.push(claimed.id);
            expect(claimed.attempts).toBe(2);
            await repo.markSkipped(claimed.id, `w${k}`, 'not_connected', at(2_000 + TAKEOVER_DELAY));
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
    expect(claims.sort()).toEqual(ids);
  });

  it('recovers a notification whose claimer died between taking the ticket and updating it', async () => {
    const req = request(nextId('halfway'));
    await enqueue(req);
    // What a claimer leaves when it dies right after its ticket insert.
    await t.db.collection(NOTIFICATION_CLAIM_INDEXES.collection).insertOne({
      _id: `${req.id}#1` as never,
      notificationId: req.id,
      attempt: 1,
      holder: 'dead',
      claimedAt: at(0),
      expiresAt: at(1_000),
    });
    // While that claim's lease runs, nobody else takes the notification.
    expect(await outbox.claimNext('p2', LEASE, at(500))).toBeUndefined();
    expect((await outbox.findById(req.id))?.status).toBe('queued');
    // After it, the next claimer takes the following attempt.
    expect(await outbox.claimNext('p2', LEASE, at(1_000))).toMatchObject({ id: req.id, attempts: 2, lease: { holder: 'p2' } });
  });

  it('releases a delivery for a later retry, keeping the attempts and the error', async () => {
    const req = request(nextId('retry'));
    await enqueue(req);
    await outbox.claimNext('p1', LEASE, at(0));
    expect(await outbox.release(req.id, 'p1', at(30_000), at(100), { error: 'internal_error', failures: 1 })).toBe(true);
    const released = await outbox.findById(req.id);
    expect(released).toMatchObject({ status: 'queued', availableAt: at(30_000), attempts: 1, lastError: 'internal_error', failures: 1, updatedAt: at(100) });
    expect(released?.lease).toBeUndefined();
    expect(await outbox.claimNext('p2', LEASE, at(29_999))).toBeUndefined();
    expect(await outbox.claimNext('p2', LEASE, at(30_000))).toMatchObject({ id: req.id, attempts: 2, lease: { holder: 'p2' }, sendUncertain: false });
  });

  it('marks a notification taken over from an expired lease as possibly sent, and keeps an uncertain release so', async () => {
    const crashed = request(nextId('crashed'));
    const uncertain = request(nextId('uncertain'), { recipient: { memberId: 'm-grace' } });
    await enqueue(crashed, at(0));
    // Not due yet when the first claim is made, so each claim below takes the one meant.
    await enqueue(uncertain, at(12));
    expect(await outbox.claimNext('dead', 1_000, at(10))).toMatchObject({ id: crashed.id, sendUncertain: false });
    expect(await outbox.claimNext('p1', LEASE, at(12))).toMatchObject({ id: uncertain.id, sendUncertain: false });
    await outbox.release(uncertain.id, 'p1', at(20), at(15), { error: 'request_timeout', failures: 1, sendUncertain: true });
    // The dead holder never wrote an outcome: whoever takes it over must look in Slack first.
    const takenOver = [await outbox.claimNext('p2', LEASE, at(1_010 + TAKEOVER_DELAY)), await outbox.claimNext('p2', LEASE, at(1_010 + TAKEOVER_DELAY))];
    expect(takenOver.map((n) => [n?.id, n?.sendUncertain]).sort()).toEqual(
      [
        [crashed.id, true],
        [uncertain.id, true],
      ].sort(),
    );
    // An outcome clears it.
    await outbox.markDelivered(crashed.id, 'p2', { channel: 'D1', ts: '1.0' }, at(1_100 + TAKEOVER_DELAY));
    expect((await outbox.findById(crashed.id))?.sendUncertain).toBeUndefined();
  });

  it('says by when an uncertain earlier attempt had posted, and keeps that bound through a give-back without an outcome', async () => {
    const crashed = request(nextId('bound'));
    await enqueue(crashed, at(0));
    await outbox.claimNext('dead', 1_000, at(10));
    // Taken over: the dead holder could post until its lease ran out (at 1,010).
    const taken = await outbox.claimNext('p1', LEASE, at(1_010 + TAKEOVER_DELAY));
    expect(taken).toMatchObject({ id: crashed.id, sendUncertain: true, uncertainUntil: at(1_010) });
    // Given back before it read the DM (stopping): it posted nothing, so the bound stays the dead lease's end,
    // not the release time, and a DM read begun in between is not trusted for it by mistake either way.
    await outbox.release(crashed.id, 'p1', at(7_000), at(7_000));
    expect(await outbox.claimNext('p2', LEASE, at(8_000))).toMatchObject({ id: crashed.id, sendUncertain: true, uncertainUntil: at(1_010) });
    // A release that says its own attempt may have posted moves the bound to that attempt.
    await outbox.release(crashed.id, 'p2', at(9_500), at(9_000), { sendUncertain: true, uncertainUntil: at(8_900) });
    expect(await outbox.claimNext('p3', LEASE, at(9_500))).toMatchObject({ sendUncertain: true, uncertainUntil: at(8_900) });
  });

  it('writes skips and failures with their reason, and the resolved member', async () => {
    const skipped = request(nextId('skip'), { recipient: { email: 'ada@acme.test' } });
    const failed = request(nextId('fail'), { recipient: { memberId: 'm-grace' } });
    await enqueue(skipped, at(1));
    await enqueue(failed, at(2));
    await outbox.claimNext('p1', LEASE, at(10));
    await outbox.claimNext('p1', LEASE, at(10));
    expect(await outbox.markSkipped(skipped.id, 'p2', 'disabled_by_member', at(20))).toBe(false);
    expect(await outbox.markSkipped(skipped.id, 'p1', 'disabled_by_member', at(20), { memberId: 'm-ada' })).toBe(true);
    expect(await outbox.markFailed(failed.id, 'p1', 'user_not_visible', at(20))).toBe(true);
    expect(await outbox.findById(skipped.id)).toMatchObject({
      status: 'skipped',
      reason: 'disabled_by_member',
      recipient: { email: 'ada@acme.test', memberId: 'm-ada' },
      finishedAt: at(20),
    });
    expect(await outbox.findById(failed.id)).toMatchObject({ status: 'failed', reason: 'user_not_visible', finishedAt: at(20) });
    // Finished notifications are never claimed again.
    expect(await outbox.claimNext('p3', LEASE, at(10 * LEASE))).toBeUndefined();
  });

  it('extends a lease only while it runs', async () => {
    const req = request(nextId('extend'));
    await enqueue(req);
    await outbox.claimNext('p1', 1_000, at(0));
    expect(await outbox.extendLease(req.id, 'p2', at(5_000), at(500))).toBe(false);
    expect(await outbox.extendLease(req.id, 'p1', at(5_000), at(500))).toBe(true);
    expect(await outbox.claimNext('p2', LEASE, at(4_999))).toBeUndefined();
    expect(await outbox.extendLease(req.id, 'p1', at(9_000), at(5_000))).toBe(false);
    expect((await outbox.claimNext('p2', LEASE, at(5_000 + TAKEOVER_DELAY)))?.lease?.holder).toBe('p2');
  });

  it('records the first opening from Slack only, and changes nothing else', async () => {
    const req = request(nextId('open'));
    await enqueue(req);
    await outbox.claimNext('p1', LEASE, at(0));
    await outbox.markDelivered(req.id, 'p1', { channel: 'D1', ts: '1.1' }, at(10));
    const before = await outbox.findById(req.id);
    expect(await outbox.recordOpened(req.id, at(100))).toBe('recorded');
    expect(await outbox.recordOpened(req.id, at(200))).toBe('already_recorded');
    expect(await outbox.findById(req.id)).toEqual({ ...before, openedInSlackAt: at(100) });
    expect(await outbox.recordOpened('missing', at(100))).toBe('not_found');
    expect(await outbox.findById('missing')).toBeUndefined();
  });

  it("lists a member's recent notifications, newest first, including ones addressed by email once resolved", async () => {
    for (let i = 0; i < 12; i += 1) await enqueue(request(`recent-${String(i).padStart(2, '0')}`), at(i * 1_000));
    await enqueue(request('recent-other', { recipient: { memberId: 'm-grace' } }), at(50_000));
    const byEmail = request('recent-email', { recipient: { email: 'Ada@acme.test' } });
    await enqueue(byEmail, at(60_000));
    const recent = await outbox.listRecentForMember('m-ada', 10);
    expect(recent.map((n) => n.id)).toEqual(Array.from({ length: 10 }, (_, i) => `recent-${String(11 - i).padStart(2, '0')}`));

    // The worker resolves the email to the member when it delivers (or skips).
    let claimed;
    while ((claimed = await outbox.claimNext('p1', LEASE, at(70_000))) && claimed.id !== byEmail.id) {
      await outbox.release(claimed.id, 'p1', at(1_000_000), at(70_000));
    }
    expect(claimed?.id).toBe(byEmail.id);
    await outbox.markDelivered(byEmail.id, 'p1', { channel: 'D1', ts: '9.9' }, at(70_001), { memberId: 'm-ada' });
    expect((await outbox.listRecentForMember('m-ada', 2)).map((n) => n.id)).toEqual(['recent-email', 'recent-11']);
    expect((await outbox.listRecentForMember('m-grace', 10)).map((n) => n.id)).toEqual(['recent-other']);
  });

  it('keeps only unfinished notifications in the work queue', async () => {
    const a = request(nextId('q'));
    const b = request(nextId('q'));
    await enqueue(a, at(1));
    await enqueue(b, at(2));
    expect(await queueIds()).toEqual([a.id, b.id].sort());
    expect(await outbox.backlog()).toBe(2);
    // FerretDB returns the queue in its natural order, not guaranteed to be insertion order.
    const claimed = await outbox.claimNext('p1', LEASE, at(10));
    expect([a.id, b.id]).toContain(claimed?.id);
    const other = claimed?.id === a.id ? b.id : a.id;
    await outbox.markDelivered(claimed!.id, 'p1', { channel: 'D1', ts: '1.1' }, at(20));
    expect(await queueIds()).toEqual([other]);
  });

  it('restores a lost queue entry when the same notification is posted again, or by requeueOrphans', async () => {
    const retried = request(nextId('orphan'));
    const silent = request(nextId('orphan'), { recipient: { memberId: 'm-grace' } });
    await enqueue(retried, at(0));
    await enqueue(silent, at(0));
    // What a process that died between the two inserts of enqueue leaves.
    await t.db.collection(NOTIFICATION_QUEUE_INDEXES.collection).deleteMany({});
    expect(await outbox.claimNext('p1', LEASE, at(10))).toBeUndefined();

    expect((await enqueue(retried, at(5))).outcome).toBe('duplicate');
    expect((await outbox.claimNext('p1', LEASE, at(10)))?.id).toBe(retried.id);

    // Too recent: an enqueue may still be between its two inserts.
    expect(await outbox.requeueOrphans(at(0))).toBe(0);
    expect(await outbox.requeueOrphans(at(1))).toBe(1);
    expect(await outbox.requeueOrphans(at(1))).toBe(0);
    expect((await outbox.claimNext('p1', LEASE, at(10)))?.id).toBe(silent.id);
  });

  it('drops a queue entry left behind by a finished notification when it comes due', async () => {
    const req = request(nextId('leftover'));
    await enqueue(req);
    await outbox.claimNext('p1', 1_000, at(0));
    // The outcome was written, then the process died before removing the queue entry.
    await t.db
      .collection(NOTIFICATION_OUTCOME_INDEXES.collection)
      .insertOne({ _id: req.id as never, status: 'delivered', slack: { channel: 'D1', ts: '1.1' }, attempts: 1, finishedAt: at(10) });
    expect(await queueIds()).toEqual([req.id]);
    expect(await outbox.claimNext('p2', LEASE, at(1_000 + TAKEOVER_DELAY))).toBeUndefined();
    expect(await queueIds()).toEqual([]);
    expect(await outbox.findById(req.id)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('deletes delivered and skipped notifications finished before a date, with their claim tickets', async () => {
    const make = async (id: string, outcome: 'delivered' | 'skipped' | 'failed' | 'queued', finishedAt: Date) => {
      await enqueue(request(id), at(0));
      if (outcome === 'queued') return;
      const claimed = await outbox.claimNext('p1', LEASE, at(0));
      expect(claimed?.id).toBe(id);
      if (outcome === 'delivered') await outbox.markDelivered(id, 'p1', { channel: 'D1', ts: '1.1' }, finishedAt);
      if (outcome === 'skipped') await outbox.markSkipped(id, 'p1', 'not_connected', finishedAt);
      if (outcome === 'failed') await outbox.markFailed(id, 'p1', 'user_not_found', finishedAt);
    };
    await make('old-delivered', 'delivered', at(1_000));
    await make('old-skipped', 'skipped', at(1_000));
    await make('old-failed', 'failed', at(1_000));
    await make('new-delivered', 'delivered', at(10_000));
    await make('still-queued', 'queued', at(0));

    expect(await outbox.deleteFinishedBefore(at(5_000))).toBe(2);
    const left = (await t.db.collection(OUTBOX_INDEXES.collection).find({}).toArray()).map((d) => d._id).sort();
    expect(left).toEqual(['new-delivered', 'old-failed', 'still-queued']);
    const tickets = (await t.db.collection(NOTIFICATION_CLAIM_INDEXES.collection).find({}).toArray()).map((d) => d.notificationId).sort();
    expect(tickets).toEqual(['new-delivered', 'old-failed']);
    expect(await outbox.deleteFinishedBefore(at(5_000))).toBe(0);
  });
});
