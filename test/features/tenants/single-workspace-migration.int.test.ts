/**
 * Upgrading from the single-workspace version (issue 13, "Moving existing data"): a store as
 * the old version wrote it (no `tenantId`, unprefixed `_id`s, its unprefixed indexes) is
 * written on a raw Db with the repositories themselves (a plain Db is what they ran on then),
 * and the new version, started on it, finds everything in DEFAULT_WORKSPACE_ID. The move is
 * also run twice, concurrently, beside another tenant and on a store that is already new.
 */
import type { Db, Document } from 'mongodb';
import { ensureIndexes } from '../../../src/db/indexes';
import { TenantDb } from '../../../src/db/tenant-collection';
import { moveIntoTenant, tenantCollections, UNTENANTED } from '../../../src/db/tenant-migration';
import { ALL_INDEXES } from '../../../src/features/index-registry';
import { MappingRepository } from '../../../src/features/mapping/mapping.repository';
import { MemberRepository } from '../../../src/features/members/member.repository';
import type { Member } from '../../../src/features/members/member.types';
import { OutboxReads } from '../../../src/features/notifications/outbox/outbox-reads.repository';
import { openOutboxCollections } from '../../../src/features/notifications/outbox/outbox-collections.repository';
import { PreferencesRepository } from '../../../src/features/notifications/preferences.repository';
import { SyncRunRepository } from '../../../src/features/provisioning/sync-run.repository';
import { migrateSingleWorkspaceStore } from '../../../src/features/tenants/single-workspace-migration';
import { TenantRegistry } from '../../../src/features/tenants/tenant-registry';
import { TenantRepository } from '../../../src/features/tenants/tenant.repository';
import { WorkspaceRepository } from '../../../src/features/workspace/workspace.repository';
import { JobRunRepository } from '../../../src/platform/scheduler/job-run.repository';
import { systemClock } from '../../../src/platform/clock';
import { createLogger } from '../../../src/platform/logger';
import { runInTenant } from '../../../src/tenancy/tenant-scope';
import { startTestConnector } from '../../support/connector';
import { openTestDatabase, type TestDatabase } from '../../support/store';

const DEFAULT = 'default';
const BASE_URL = 'https://acme.pigment.test';
const NOW = new Date('2026-11-01T10:00:00Z');
const EMULATED_TEAM = { id: 'T0EMULATOR', name: 'Emulated Workspace' };
const COLLECTIONS = tenantCollections(ALL_INDEXES);
const silent = createLogger({ level: 'silent' }).logger;

function member(i: number): Member {
  return {
    id: `m${String(i).padStart(6, '0')}`,
    name: `Member ${i}`,
    email: `member${i}@acme.test`,
    emailKey: `member${i}@acme.test`,
    accountType: i === 0 ? 'security_admin' : 'standard_member',
    status: 'activated',
    groups: [],
    source: 'api',
    createdAt: NOW,
    updatedAt: NOW,
  };
}

/** The old version's indexes: the definitions without the tenant prefix. */
async function createOldIndexes(db: Db): Promise<void> {
  for (const definition of ALL_INDEXES.filter((d) => !d.global)) {
    for (const index of definition.indexes) await db.collection(definition.collection).createIndexes([index]);
  }
}

/** Notifications in each status, as the old outbox held them. */
async function writeOldNotifications(db: Db): Promise<void> {
  const content = (id: string) => ({
    _id: id,
    type: 'conversation',
    subtype: 'mention',
    recipient: { memberId: 'm000001' },
    title: `Title ${id}`,
    body: '',
    url: `${BASE_URL}/n/${id}`,
    createdAt: NOW,
    fingerprint: `fp-${id}`,
  });
  await db.collection('notification_outbox').insertMany(['n-delivered', 'n-skipped', 'n-failed', 'n-queued'].map(content) as never[]);
  const outcome = (id: string, status: string, extra: Document = {}) => ({ _id: id, status, memberId: 'm000001', attempts: 1, finishedAt: NOW, ...extra });
  await db
    .collection('notification_outcomes')
    .insertMany([
      outcome('n-delivered', 'delivered', { slack: { channel: 'D0001', ts: '1700000000.000100' } }),
      outcome('n-skipped', 'skipped', { reason: 'preference_off' }),
      outcome('n-failed', 'failed', { reason: 'channel_not_found' }),
    ] as never[]);
  await db.collection('notification_opens').insertOne({ _id: 'n-delivered', at: NOW } as never);
  const { _id, ...queued } = content('n-queued');
  // Due in a day: the test reads it as the old version left it, before the worker may deliver it.
  await db
    .collection('notification_queue')
    .insertOne({ _id, dueAt: new Date(Date.now() + 86_400_000), attempts: 0, recipient: 'member:m000001', content: queued, updatedAt: NOW } as never);
}

/** Mapping repositories that record no Home count deltas (reads and the old version's writes). */
const NO_COUNTS = { clock: systemClock, memberCounted: async () => false };

/** A store as the single-workspace version left it. */
async function writeOldStore(db: Db, members: number): Promise<{ syncRunId: string }> {
  await createOldIndexes(db);
  const memberRepo = new MemberRepository(db);
  for (let from = 0; from < members; from += 1_000) {
    await memberRepo.insertNew(Array.from({ length: Math.min(1_000, members - from) }, (_, k) => member(from + k)));
  }
  // The old version kept no maintained counts: its mapping writes record none.
  const mappings = new MappingRepository(db, NO_COUNTS);
  expect(
    await mappings.save({ memberId: 'm000000', slackUserId: 'U0ADMIN001', source: 'auto', slackEmail: 'member0@acme.test', active: true }, NOW),
  ).toMatchObject({
    ok: true,
  });
  expect(
    await mappings.save({ memberId: 'm000001', slackUserId: 'U0MEMBER01', source: 'manual', slackEmail: 'member1@acme.test', active: true }, NOW),
  ).toMatchObject({
    ok: true,
  });
  await new WorkspaceRepository(db).createIfAbsent({
    teamId: EMULATED_TEAM.id,
    teamName: EMULATED_TEAM.name,
    status: 'live',
    connectedAt: NOW,
    acknowledgedAt: NOW,
    acknowledgedBy: { slackUserId: 'U0ADMIN001', memberId: 'm000000' },
  });
  await new PreferencesRepository(db).set('m000001', { automation: false }, NOW);
  await writeOldNotifications(db);
  const runs = new SyncRunRepository(db);
  const run = await runs.start('sync', 'schedule', NOW);
  await runs.update(run.id, { status: 'completed', finishedAt: NOW, counts: { create: 3 } as never });
  await new JobRunRepository(db).record({
    job: 'provisioning-sync',
    holder: 'old-host',
    trigger: 'schedule',
    startedAt: NOW,
    finishedAt: NOW,
    status: 'completed',
  });
  return { syncRunId: run.id };
}

async function untenantedCount(db: Db): Promise<number> {
  let count = 0;
  for (const name of COLLECTIONS) count += await db.collection(name).countDocuments(UNTENANTED);
  return count;
}

const inDefault = <T>(work: () => Promise<T>) => runInTenant({ tenantId: DEFAULT, baseUrl: BASE_URL }, work);

describe('upgrading a single-workspace store', () => {
  it('the new version, started on a store the old one wrote, finds every member, mapping, notification status and run in the default workspace', async () => {
    const old = await openTestDatabase('migrate-start');
    const { syncRunId } = await writeOldStore(old.db, 1_200);
    await old.client.close();

    const t = await startTestConnector({ label: 'migrate-start', env: { MONGODB_DB: old.dbName, PIGMENT_BASE_URL: BASE_URL }, multiTenant: true });
    try {
      const db = t.connector.store.db;
      expect(await untenantedCount(db)).toBe(0);
      const scoped = new TenantDb(db);
      await inDefault(async () => {
        const members = new MemberRepository(scoped);
        let found = 0;
        for await (const m of members.streamAll()) if (/^m\d{6}$/.test(m.id)) found += 1;
        expect(found).toBe(1_200);
        expect(await members.findById('m000042')).toMatchObject({ email: 'member42@acme.test', status: 'activated' });
        expect(await members.findByEmailKey('member1199@acme.test')).toMatchObject({ id: 'm001199' });
        const mappings = new MappingRepository(scoped, NO_COUNTS);
        expect(await mappings.counts()).toEqual({ active: 2, inactive: 0 });
        expect(await new WorkspaceRepository(scoped).get()).toMatchObject({ teamId: EMULATED_TEAM.id, status: 'live', acknowledgedAt: NOW });
        expect((await new PreferencesRepository(scoped).get('m000001')).slack).toMatchObject({ automation: false });
        const reads = new OutboxReads(openOutboxCollections(scoped));
        expect(await reads.findById('n-delivered')).toMatchObject({ status: 'delivered' });
        expect(await reads.findById('n-skipped')).toMatchObject({ status: 'skipped' });
        expect(await reads.findById('n-failed')).toMatchObject({ status: 'failed' });
        expect(await reads.findById('n-queued')).toMatchObject({ status: 'queued' });
        expect(await new SyncRunRepository(scoped).findById(syncRunId)).toMatchObject({ status: 'completed', counts: { create: 3 } });
        expect(await new JobRunRepository(scoped).latest('provisioning-sync')).toEqual([expect.objectContaining({ holder: 'old-host', status: 'completed' })]);
      });
      // Registered, named after the Slack workspace, with the old links' base URL.
      expect(await t.connector.deps.tenants.get(DEFAULT)).toMatchObject({ name: EMULATED_TEAM.name, baseUrl: BASE_URL });
      // The queue is looked at for the default workspace.
      expect(await db.collection('delivery_tenants').findOne({ _id: DEFAULT as never })).not.toBeNull();
      // One member per email per tenant now: the old unique index is gone.
      const indexNames = (await db.collection('members').listIndexes().toArray()).map((i) => i.name);
      expect(indexNames).toContain('tenantId_emailKey_unique');
      expect(indexNames).not.toContain('emailKey_unique');
      expect(t.logs.some((line) => line.includes('single-workspace store migrated'))).toBe(true);
      expect(await db.collection('store_migrations').findOne({ _id: 'single-workspace' as never })).not.toBeNull();
    } finally {
      await t.stop();
    }
  }, 240_000);

  describe('the move', () => {
    let t: TestDatabase;
    beforeEach(async () => {
      t = await openTestDatabase('migrate-move');
    });
    afterEach(() => t.dispose());

    it('run twice at once and then again, leaves every document exactly once', async () => {
      await writeOldStore(t.db, 600);
      const before = new Map<string, number>();
      for (const name of COLLECTIONS) before.set(name, await t.db.collection(name).countDocuments());
      await ensureIndexes(t.db, ALL_INDEXES);
      // Small batches, so the two interleave over many of them.
      const [a, b] = await Promise.all([moveIntoTenant(t.db, COLLECTIONS, DEFAULT, 100), moveIntoTenant(t.db, COLLECTIONS, DEFAULT, 100)]);
      const again = await moveIntoTenant(t.db, COLLECTIONS, DEFAULT, 100);
      expect(again.every((r) => r.moved + r.alreadyMoved + r.conflicts === 0)).toBe(true);
      for (const name of COLLECTIONS) {
        const docs = await t.db.collection(name).find({}).toArray();
        expect({ name, count: docs.length }).toEqual({ name, count: before.get(name) });
        expect(docs.every((doc) => doc.tenantId === DEFAULT)).toBe(true);
        expect(docs.every((doc) => typeof doc._id !== 'string' || String(doc._id).startsWith(`${DEFAULT}/`))).toBe(true);
        // Each copy was inserted by exactly one of the two. (An in-place update, for ObjectId
        // `_id`s, may be counted by both: FerretDB 1.24 does not apply update filters
        // atomically. Setting the same tenant twice changes nothing, as the counts above show.)
        const moved = [...a, ...b].filter((r) => r.collection === name).reduce((sum, r) => sum + r.moved, 0);
        if (docs.every((doc) => typeof doc._id === 'string')) expect({ name, moved }).toEqual({ name, moved: before.get(name) });
      }
      expect([...a, ...b].every((r) => r.conflicts === 0)).toBe(true);
    }, 240_000);

    it('two starts migrating at once both succeed, and register the default workspace once', async () => {
      await writeOldStore(t.db, 300);
      await ensureIndexes(t.db, ALL_INDEXES);
      const start = () => {
        const tenants = new TenantRegistry(new TenantRepository(t.db), systemClock);
        return migrateSingleWorkspaceStore({
          db: t.db,
          definitions: ALL_INDEXES,
          tenants,
          defaultWorkspaceId: DEFAULT,
          baseUrl: BASE_URL,
          logger: silent,
          now: () => NOW,
        });
      };
      const results = await Promise.all([start(), start()]);
      expect(results.every((r) => r.migrated)).toBe(true);
      expect(await untenantedCount(t.db)).toBe(0);
      expect(await t.db.collection('platform_workspaces').find({}).toArray()).toEqual([expect.objectContaining({ _id: DEFAULT, name: EMULATED_TEAM.name })]);
      expect(await t.db.collection('members').countDocuments({ tenantId: DEFAULT })).toBe(300);
      expect(await start()).toEqual({ migrated: false });
    }, 240_000);

    it("leaves another tenant's documents as they were, and does nothing on a store that is already new", async () => {
      await ensureIndexes(t.db, ALL_INDEXES);
      const tenants = new TenantRegistry(new TenantRepository(t.db), systemClock);
      await tenants.put('other', { name: 'Other', baseUrl: 'https://other.pigment.test' });
      await tenants.run('other', () => new MemberRepository(new TenantDb(t.db)).insertNew([member(0), member(1)]));
      const deps = { db: t.db, definitions: ALL_INDEXES, tenants, defaultWorkspaceId: DEFAULT, baseUrl: BASE_URL, logger: silent, now: () => NOW };
      expect(await migrateSingleWorkspaceStore(deps)).toEqual({ migrated: false });
      expect(await tenants.get(DEFAULT)).toBeUndefined();
      // Nothing to move is recorded: later starts read only that. An old backup restored has no record.
      expect(await t.db.collection('store_migrations').findOne({ _id: 'single-workspace' as never })).toMatchObject({ at: NOW });
      await t.db.collection('store_migrations').deleteMany({});

      const othersBefore = await t.db.collection('members').find({}).sort({ _id: 1 }).toArray();
      // Same ids and emails as the other tenant's, from the old version.
      await new MemberRepository(t.db).insertNew([member(0), member(1), member(2)]);
      const result = await migrateSingleWorkspaceStore(deps);
      expect(result).toMatchObject({ migrated: true, tenantId: DEFAULT, registered: true });
      expect(await t.db.collection('members').find({ tenantId: 'other' }).sort({ _id: 1 }).toArray()).toEqual(othersBefore);
      expect(await tenants.run(DEFAULT, () => new MemberRepository(new TenantDb(t.db)).findById('m000002'))).toMatchObject({ email: 'member2@acme.test' });
      // No workspace document: the tenant is named by default.
      expect(await tenants.get(DEFAULT)).toMatchObject({ name: 'Default workspace', baseUrl: BASE_URL });
      expect(await migrateSingleWorkspaceStore(deps)).toEqual({ migrated: false });
      // Recorded as done: an untenanted document written now (by an old process still running) waits.
      await t.db.collection('members').insertOne({ _id: 'late', tenantIdless: true } as never);
      expect(await migrateSingleWorkspaceStore(deps)).toEqual({ migrated: false });
    });

    it('never drops a document the default workspace refuses, and says why the indexes go first', async () => {
      // Before ensureIndexes, the old unique index on emailKey alone refuses every copy: each stays in place.
      await new MemberRepository(t.db).insertNew([member(0), member(1)]);
      await createOldIndexes(t.db);
      const refused = await moveIntoTenant(t.db, ['members'], DEFAULT);
      expect(refused).toEqual([{ collection: 'members', moved: 0, alreadyMoved: 0, conflicts: 2 }]);
      expect(await t.db.collection('members').countDocuments(UNTENANTED)).toBe(2);

      // After it, a member of the default workspace that already has the email keeps it, and the old one stays.
      await ensureIndexes(t.db, ALL_INDEXES);
      await runInTenant({ tenantId: DEFAULT, baseUrl: BASE_URL }, () =>
        new MemberRepository(new TenantDb(t.db)).insertNew([{ ...member(1), id: 'new-member' }]),
      );
      const moved = await moveIntoTenant(t.db, ['members'], DEFAULT);
      expect(moved).toEqual([{ collection: 'members', moved: 1, alreadyMoved: 0, conflicts: 1 }]);
      expect(await t.db.collection('members').findOne(UNTENANTED)).toMatchObject({ _id: 'm000001' });
      expect(await t.db.collection('members').countDocuments()).toBe(3);
    });
  });
});
