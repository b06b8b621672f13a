/**
 * The member repository on the embedded store: email uniqueness and writes that race.
 */
import { ALL_INDEXES } from '../../../src/features/index-registry';
import { ensureIndexes } from '../../../src/db/indexes';
import { TenantDb } from '../../../src/db/tenant-collection';
import { MemberRepository } from '../../../src/features/members/member.repository';
import { runInTenant } from '../../../src/tenancy/tenant-scope';
import { openTestDatabase, type TestDatabase } from '../../support/store';

describe('MemberRepository', () => {
  let t: TestDatabase;
  let members: MemberRepository;
  beforeAll(async () => {
    t = await openTestDatabase('memberrepo');
    await ensureIndexes(t.db, ALL_INDEXES);
    // As in the connector: tenant-scoped collections, inside a tenant's scope.
    members = new MemberRepository(new TenantDb(t.db));
  });
  afterAll(() => t.dispose());
  const asTenant = <T>(tenantId: string, work: () => Promise<T>) => runInTenant({ tenantId, baseUrl: `https://${tenantId}.pigment.test` }, work);

  const base = (id: string) => ({
    id,
    name: id,
    email: `${id}@acme.test`,
    emailKey: `${id}@acme.test`,
    accountType: 'standard_member' as const,
    source: 'api' as const,
  });

  it('creates pending members without groups, and keeps status and groups when they are left out', () =>
    asTenant('acme', async () => {
      const created = await members.save(base('keep'), new Date());
      expect(created).toMatchObject({ ok: true, outcome: 'created', member: { status: 'pending', groups: [] } });
      await members.save({ ...base('keep'), status: 'activated', groups: ['Finance'] }, new Date());
      const renamed = await members.save({ ...base('keep'), name: 'Renamed' }, new Date());
      expect(renamed).toMatchObject({ ok: true, outcome: 'updated', member: { name: 'Renamed', status: 'activated', groups: ['Finance'] } });
    }));

  it('refuses an email another member has', () =>
    asTenant('acme', async () => {
      await members.save(base('owner'), new Date());
      expect(await members.save({ ...base('thief'), email: 'owner@acme.test', emailKey: 'owner@acme.test' }, new Date())).toEqual({
        ok: false,
        reason: 'email_taken',
        takenBy: 'owner',
      });
    }));

  it('inserts many new members at once, refusing only those whose id or email is taken', () =>
    asTenant('acme', async () => {
      await members.save(base('bulk-existing'), new Date());
      const now = new Date();
      const member = (id: string, email = `${id}@acme.test`) => ({
        ...base(id),
        email,
        emailKey: email,
        status: 'pending' as const,
        groups: [],
        source: 'provisioning' as const,
        createdAt: now,
        updatedAt: now,
      });
      const result = await members.insertNew([
        member('bulk-1'),
        member('bulk-2', 'bulk-existing@acme.test'),
        member('bulk-existing', 'other@acme.test'),
        member('bulk-3'),
      ]);
      expect(result.inserted.map((m) => m.id)).toEqual(['bulk-1', 'bulk-3']);
      expect(result.refused.map((r) => r.member.id)).toEqual(['bulk-2', 'bulk-existing']);
      expect(await members.findById('bulk-3')).toMatchObject({ source: 'provisioning', status: 'pending' });
      expect(await members.findById('bulk-2')).toBeUndefined();
      expect((await members.findById('bulk-existing'))?.email).toBe('bulk-existing@acme.test');
    }));

  it('keeps a deactivation made after the caller read the member, when the save leaves status out', () =>
    asTenant('acme', async () => {
      await members.save({ ...base('late'), status: 'activated' }, new Date(Date.now() - 60_000));
      const seenByCaller = await members.findById('late');
      expect(seenByCaller?.status).toBe('activated');
      // An admin deactivates the member while, say, a CSV import prepared its update.
      await members.setStatus('late', 'deactivated', new Date());
      const saved = await members.save({ ...base('late'), name: 'Late renamed', accountType: seenByCaller!.accountType }, new Date());
      expect(saved).toMatchObject({ ok: true, member: { name: 'Late renamed', status: 'deactivated' } });
    }));

  it('keeps emails and ids unique per tenant: another tenant may use the same ones', async () => {
    await asTenant('acme', () => members.save(base('shared'), new Date()));
    const other = await asTenant('globex', () => members.save(base('shared'), new Date()));
    expect(other).toMatchObject({ ok: true, outcome: 'created' });
    await asTenant('globex', () => members.save({ ...base('shared'), name: 'Globex Shared' }, new Date()));
    expect((await asTenant('acme', () => members.findById('shared')))?.name).toBe('shared');
    expect((await asTenant('globex', () => members.findById('shared')))?.name).toBe('Globex Shared');
  });
});
