/**
 * The member service on a test database: API writes and their hooks, and the admin actions
 * (edit, deactivate, reactivate) with server-side authorisation, audit and ownership transfer.
 */
import { ALL_INDEXES } from '../../../src/features/index-registry';
import { ensureIndexes } from '../../../src/db/indexes';

import { createMemberServices, type Actor, type MemberServices, type OwnershipProvider } from '../../../src/features/members';
import type { AccountType, Member, MemberStatus } from '../../../src/features/members/member.types';
import { openTestDatabase, type TestDatabase } from '../../support/store';
import { testFeatureDeps, type TestFeatureDeps } from '../../support/feature-deps';

describe('MembersService', () => {
  let database: TestDatabase;
  let deps: TestFeatureDeps;
  let services: MemberServices;
  let changes: Array<{ member: Member; before: Member | undefined }>;
  let seq = 0;

  beforeAll(async () => {
    database = await openTestDatabase('memberssvc');
    await ensureIndexes(database.db, ALL_INDEXES);
  });
  afterAll(async () => {
    await database.dispose();
  });
  beforeEach(async () => {
    await database.db.collection('members').deleteMany({});
    await database.db.collection('audit_log').deleteMany({});
    await database.db.collection('mappings').deleteMany({});
    // Each reading one second later, so audit entries sort in the order they were written.
    let tick = Date.parse('2030-01-01T00:00:00Z');
    deps = testFeatureDeps(database.db, { clock: { now: () => new Date((tick += 1_000)) } });
    changes = [];
    deps.hooks.memberChanged.push((member, before) => changes.push({ member, before }));
    services = createMemberServices(deps);
  });

  async function member(accountType: AccountType, status: MemberStatus = 'activated', id = `m-${++seq}`): Promise<Member> {
    const result = await deps.repos.members.save(
      { id, name: `Member ${id}`, email: `${id}@acme.test`, emailKey: `${id}@acme.test`, accountType, status, groups: [], source: 'api' },
      new Date(),
    );
    if (!result.ok) throw new Error('seed failed');
    return result.member;
  }
  const actorOf = (m: Member | undefined, slackUserId = 'U0ACTOR001'): Actor => ({ slackUserId, member: m });
  const audit = () => deps.repos.audit.listRecent(100);

  describe('putMember (HTTP API)', () => {
    it('creates pending members and calls the hooks on create, email change and status change only', async () => {
      const created = await services.service.putMember('m-api', { email: ' Ada@Acme.test ', name: 'Ada', accountType: 'standard_member' }, 'api');
      expect(created).toMatchObject({
        ok: true,
        outcome: 'created',
        member: { status: 'pending', email: 'Ada@Acme.test', emailKey: 'ada@acme.test', source: 'api' },
      });
      expect(changes).toHaveLength(1);
      expect(changes[0]!.before).toBeUndefined();

      await services.service.putMember('m-api', { email: 'ada@acme.test', name: 'Ada King', accountType: 'workspace_admin' }, 'api');
      expect(changes).toHaveLength(1); // same email key, same status: nothing for the mapping to do

      await services.service.putMember('m-api', { email: 'ada.king@acme.test', name: 'Ada King', accountType: 'workspace_admin' }, 'api');
      expect(changes).toHaveLength(2);
      expect(changes[1]!.before?.emailKey).toBe('ada@acme.test');
      expect(changes[1]!.member.emailKey).toBe('ada.king@acme.test');

      await services.service.putMember('m-api', { email: 'ada.king@acme.test', name: 'Ada King', accountType: 'workspace_admin', status: 'activated' }, 'api');
      expect(changes).toHaveLength(3);
      expect(changes[2]!.member.status).toBe('activated');

      const unchanged = await services.service.putMember('m-api', { email: 'ada.king@acme.test', name: 'Ada King', accountType: 'workspace_admin' }, 'api');
      expect(unchanged).toMatchObject({ ok: true, outcome: 'unchanged', member: { status: 'activated' } });
      expect(changes).toHaveLength(3);
    });

    it('refuses an email another member has, and a failing hook does not fail the write', async () => {
      deps.hooks.memberChanged.unshift(() => {
        throw new Error('hook bug');
      });
      expect(await services.service.putMember('m-a', { email: 'same@acme.test', name: 'A', accountType: 'standard_member' }, 'api')).toMatchObject({
        ok: true,
      });
      expect(changes).toHaveLength(1);
      expect(await services.service.putMember('m-b', { email: 'SAME@acme.test', name: 'B', accountType: 'standard_member' }, 'api')).toEqual({
        ok: false,
        reason: 'email_taken',
        takenBy: 'm-a',
      });
      expect(await deps.repos.members.findById('m-b')).toBeUndefined();
    });
  });

  describe('authorisation by account type', () => {
    it('refuses a standard member, an unknown user and a deactivated admin, and changes nothing', async () => {
      const target = await member('standard_member');
      const standard = await member('standard_member');
      const deactivatedAdmin = await member('primary_owner', 'deactivated');
      for (const actor of [actorOf(standard), actorOf(undefined), actorOf(deactivatedAdmin)]) {
        expect(await services.service.updateProfile(actor, target.id, { name: 'Hacked' })).toEqual({ ok: false, reason: 'not_allowed' });
        expect(await services.service.deactivate(actor, target.id)).toEqual({ ok: false, reason: 'not_allowed' });
        expect(await services.service.reactivate(actor, target.id)).toEqual({ ok: false, reason: 'not_allowed' });
      }
      expect(await deps.repos.members.findById(target.id)).toEqual(target);
      expect(await audit()).toEqual([]);
      expect(changes).toEqual([]);
    });

    it.each(['workspace_admin', 'security_admin', 'primary_owner'] as const)('lets a %s edit, deactivate and reactivate a standard member', async (type) => {
      const admin = await member(type);
      const target = await member('standard_member');
      expect(await services.service.updateProfile(actorOf(admin), target.id, { name: '  New Name ' })).toMatchObject({
        ok: true,
        changed: true,
        member: { name: 'New Name' },
      });
      expect(await services.service.deactivate(actorOf(admin), target.id)).toMatchObject({ ok: true, member: { status: 'deactivated' }, transferred: [] });
      expect(await services.service.reactivate(actorOf(admin), target.id)).toMatchObject({ ok: true, member: { status: 'activated' } });
    });

    it('stops a workspace admin from touching or creating higher ranks, and anyone from changing their own type', async () => {
      const workspaceAdmin = await member('workspace_admin');
      const securityAdmin = await member('security_admin');
      const standard = await member('standard_member');
      const actor = actorOf(workspaceAdmin);
      expect(await services.service.updateProfile(actor, standard.id, { accountType: 'security_admin' })).toEqual({ ok: false, reason: 'above_own_rank' });
      expect(await services.service.updateProfile(actor, securityAdmin.id, { name: 'X' })).toEqual({ ok: false, reason: 'above_own_rank' });
      expect(await services.service.deactivate(actor, securityAdmin.id)).toEqual({ ok: false, reason: 'above_own_rank' });
      expect(await services.service.updateProfile(actor, workspaceAdmin.id, { accountType: 'standard_member' })).toEqual({
        ok: false,
        reason: 'own_account_type',
      });
      expect(await services.service.updateProfile(actor, standard.id, { accountType: 'workspace_admin' })).toMatchObject({
        ok: true,
        member: { accountType: 'workspace_admin' },
      });
      expect((await deps.repos.members.findById(securityAdmin.id))?.name).toBe(securityAdmin.name);
    });
  });

  describe('updateProfile', () => {
    it('audits before and after of the changed fields only, and does nothing when nothing changes', async () => {
      const admin = await member('security_admin');
      const target = await member('standard_member');
      const result = await services.service.updateProfile(actorOf(admin, 'U0SEC00001'), target.id, { name: 'Renamed', accountType: target.accountType });
      expect(result).toMatchObject({ ok: true, changed: true });
      expect(await audit()).toEqual([
        {
          at: expect.any(Date),
          actor: { slackUserId: 'U0SEC00001', memberId: admin.id },
          action: 'member.update',
          target: { type: 'member', id: target.id },
          before: { name: target.name },
          after: { name: 'Renamed' },
        },
      ]);
      expect(await services.service.updateProfile(actorOf(admin), target.id, { name: 'Renamed' })).toMatchObject({ ok: true, changed: false });
      expect(await audit()).toHaveLength(1);
      expect(await services.service.updateProfile(actorOf(admin), target.id, { name: '   ' })).toEqual({ ok: false, reason: 'invalid_name' });
      expect(await services.service.updateProfile(actorOf(admin), 'm-nobody', { name: 'X' })).toEqual({ ok: false, reason: 'not_found' });
      expect(changes).toEqual([]); // names and account types do not concern the mapping
    });
  });

  describe('deactivate and reactivate', () => {
    it('keeps the member and its mapping, audits, and calls the hooks', async () => {
      const admin = await member('workspace_admin');
      const target = await member('standard_member');
      await deps.repos.mappings.save({ memberId: target.id, slackUserId: 'U0TARGET01', source: 'auto', slackEmail: target.email, active: true }, new Date());

      const result = await services.service.deactivate(actorOf(admin, 'U0ADMIN001'), target.id);
      expect(result).toMatchObject({ ok: true, member: { id: target.id, status: 'deactivated' } });
      expect(await deps.repos.members.findById(target.id)).toMatchObject({ status: 'deactivated', name: target.name });
      expect(await deps.repos.mappings.findByMember(target.id)).toMatchObject({ slackUserId: 'U0TARGET01' });
      expect(changes.map((c) => [c.before?.status, c.member.status])).toEqual([['activated', 'deactivated']]);
      expect(await services.service.deactivate(actorOf(admin), target.id)).toEqual({ ok: false, reason: 'already_deactivated' });

      expect(await services.service.reactivate(actorOf(admin, 'U0ADMIN001'), target.id)).toMatchObject({ ok: true, member: { status: 'activated' } });
      expect(await services.service.reactivate(actorOf(admin), target.id)).toEqual({ ok: false, reason: 'not_deactivated' });
      expect(changes.map((c) => c.member.status)).toEqual(['deactivated', 'activated']);

      const entries = (await audit()).reverse();
      expect(entries.map((e) => [e.action, e.actor, e.target, e.before, e.after])).toEqual([
        [
          'member.deactivate',
          { slackUserId: 'U0ADMIN001', memberId: admin.id },
          { type: 'member', id: target.id },
          { status: 'activated' },
          { status: 'deactivated' },
        ],
        [
          'member.reactivate',
          { slackUserId: 'U0ADMIN001', memberId: admin.id },
          { type: 'member', id: target.id },
          { status: 'deactivated' },
          { status: 'activated' },
        ],
      ]);
    });

    it('refuses to let admins deactivate themselves', async () => {
      const admin = await member('primary_owner');
      expect(await services.service.deactivate(actorOf(admin), admin.id)).toEqual({ ok: false, reason: 'self' });
      expect((await deps.repos.members.findById(admin.id))?.status).toBe('activated');
    });

    describe('with an ownership provider', () => {
      let owned: Map<string, number>;
      let transfers: Array<[string, string]>;
      beforeEach(() => {
        owned = new Map();
        transfers = [];
        const provider: OwnershipProvider = {
          kind: 'scheduled_import',
          countOwnedBy: async (id) => owned.get(id) ?? 0,
          transfer: async (from, to) => {
            const count = owned.get(from) ?? 0;
            owned.delete(from);
            owned.set(to, (owned.get(to) ?? 0) + count);
            transfers.push([from, to]);
            return count;
          },
        };
        services.ownership.register(provider);
      });

      it('refuses a second provider of the same kind', () => {
        expect(() => services.ownership.register({ kind: 'scheduled_import', countOwnedBy: async () => 0, transfer: async () => 0 })).toThrow(
          /already registered/,
        );
      });

      it('deactivates without a successor when the member owns nothing', async () => {
        const admin = await member('workspace_admin');
        const target = await member('standard_member');
        expect(await services.service.deactivate(actorOf(admin), target.id)).toMatchObject({ ok: true, transferred: [] });
        expect(transfers).toEqual([]);
      });

      it('requires an activated successor, other than the member, and transfers everything to them', async () => {
        const admin = await member('workspace_admin');
        const owner = await member('standard_member');
        const pending = await member('standard_member', 'pending');
        const gone = await member('standard_member', 'deactivated');
        const successor = await member('standard_member');
        owned.set(owner.id, 3);
        const actor = actorOf(admin);

        expect(await services.service.deactivate(actor, owner.id)).toEqual({
          ok: false,
          reason: 'successor_required',
          owned: [{ kind: 'scheduled_import', count: 3 }],
        });
        for (const invalid of [pending.id, gone.id, owner.id, 'm-nobody']) {
          expect(await services.service.deactivate(actor, owner.id, { successorId: invalid })).toMatchObject({ ok: false, reason: 'invalid_successor' });
        }
        expect(transfers).toEqual([]);
        expect((await deps.repos.members.findById(owner.id))?.status).toBe('activated');
        expect(await audit()).toEqual([]);
        expect(changes).toEqual([]);

        const done = await services.service.deactivate(actor, owner.id, { successorId: successor.id });
        expect(done).toMatchObject({ ok: true, member: { status: 'deactivated' }, transferred: [{ kind: 'scheduled_import', count: 3 }] });
        expect(transfers).toEqual([[owner.id, successor.id]]);
        expect(owned.get(successor.id)).toBe(3);
        const [entry] = await audit();
        expect(entry).toMatchObject({
          action: 'member.deactivate',
          after: { status: 'deactivated', successorId: successor.id, transferred: [{ kind: 'scheduled_import', count: 3 }] },
        });
      });

      it('leaves the member active when the transfer fails, so the admin can retry', async () => {
        services.ownership.register({
          kind: 'broken',
          countOwnedBy: async () => 1,
          transfer: async () => {
            throw new Error('store down');
          },
        });
        const admin = await member('workspace_admin');
        const owner = await member('standard_member');
        const successor = await member('standard_member');
        await expect(services.service.deactivate(actorOf(admin), owner.id, { successorId: successor.id })).rejects.toThrow('store down');
        expect((await deps.repos.members.findById(owner.id))?.status).toBe('activated');
        expect(await audit()).toEqual([]);
      });
    });
  });
});
