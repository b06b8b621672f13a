/**
 * The manual mapping service on a test database: pages that stay full although mapped members
 * are filtered out, and every outcome of connecting and removing, with the audit log.
 * The Slack directory is a small in-memory stand-in for our own SlackDirectory interface.
 */
import { ALL_INDEXES } from '../../../../src/features/index-registry';
import { ensureIndexes } from '../../../../src/db/indexes';

import { ManualMappingService, withTimeout, type ReviewRow } from '../../../../src/features/mapping/manual/manual-mapping.service';
import type { SlackUserSummary } from '../../../../src/features/mapping/mapping.types';
import type { Actor } from '../../../../src/features/members/actor.service';
import type { AccountType, Member, MemberStatus } from '../../../../src/features/members/member.types';
import { testFeatureDeps, type TestFeatureDeps } from '../../../support/feature-deps';
import { openTestDatabase, type TestDatabase } from '../../../support/store';
import { createMemberServices } from '../../../../src/features/members';

function slackUser(id: string, email: string, patch: Partial<SlackUserSummary> = {}): SlackUserSummary {
  return { id, email, emailKey: email.toLowerCase(), deleted: false, isBot: false, isStranger: false, isGuest: false, name: id, ...patch };
}

describe('ManualMappingService', () => {
  let database: TestDatabase;
  let deps: TestFeatureDeps;
  let service: ManualMappingService;
  let slackUsers: Map<string, SlackUserSummary>;
  let lookup: (email: string) => Promise<SlackUserSummary | undefined>;
  let admin: Actor;

  beforeAll(async () => {
    database = await openTestDatabase('manualmap');
    await ensureIndexes(database.db, ALL_INDEXES);
  });
  afterAll(async () => {
    await database.dispose();
  });
  beforeEach(async () => {
    for (const name of ['members', 'mappings', 'mapping_exclusions', 'audit_log']) await database.db.collection(name).deleteMany({});
    deps = testFeatureDeps(database.db, { clock: { now: () => new Date('2030-01-01T00:00:00Z') } });
    slackUsers = new Map();
    lookup = async (email) => slackUsers.get(email.toLowerCase());
    service = new ManualMappingService({
      members: createMemberServices(deps).directory,
      mappings: deps.repos.mappings,
      audit: deps.repos.audit,
      clock: deps.clock,
      directory: { lookupByEmail: (email) => lookup(email) },
    });
    admin = { slackUserId: 'U0ADMIN001', member: await member('m-admin', 'Admin', 'security_admin') };
  });

  async function member(id: string, name: string, accountType: AccountType = 'standard_member', status: MemberStatus = 'activated'): Promise<Member> {
    const email = `${id}@pigment.test`;
    const result = await deps.repos.members.save({ id, name, email, emailKey: email, accountType, status, groups: [], source: 'api' }, new Date());
    if (!result.ok) throw new Error('seed failed');
    return result.member;
  }

  async function map(memberId: string, slackUserId: string, source: 'auto' | 'manual' = 'auto'): Promise<void> {
    const result = await deps.repos.mappings.save({ memberId, slackUserId, source, slackEmail: `${memberId}@slack.test`, active: true }, new Date());
    if (!result.ok) throw new Error('mapping seed failed');
  }

  const names = (rows: ReviewRow[]) => rows.map((r) => r.member.name);
  const pad = (i: number) => String(i).padStart(3, '0');

  describe('listPage', () => {
    it('fills each page although most members are mapped, and ends exactly at the last one', async () => {
      // 130 members; only every fifth is not connected: 26 to list, by name.
      for (let i = 0; i < 130; i += 1) {
        await member(`m-${pad(i)}`, `Person ${pad(i)}`);
        if (i % 5 !== 0) await map(`m-${pad(i)}`, `U0P${pad(i)}`);
      }
      await map('m-admin', 'U0ADMIN001');
      await member('m-gone', 'Person 000 gone', 'standard_member', 'deactivated');

      const first = await service.listPage({ tab: 'unconnected', text: '', limit: 20, budgetMs: 10_000 });
      expect(first.rows).toHaveLength(20);
      expect(first.partial).toBe(false);
      expect(names(first.rows)[0]).toBe('Person 000');
      expect(names(first.rows)[19]).toBe('Person 095');
      expect(first.nextAfter).toBe('m-095');
      expect(first.rows.every((r) => r.mapping === undefined)).toBe(true);

      const second = await service.listPage({ tab: 'unconnected', text: '', after: first.nextAfter, limit: 20, budgetMs: 10_000 });
      expect(names(second.rows)).toEqual(['Person 100', 'Person 105', 'Person 110', 'Person 115', 'Person 120', 'Person 125']);
      expect(second.nextAfter).toBeUndefined();

      // Exactly a page left: no "Next" to an empty page.
      const exact = await service.listPage({ tab: 'unconnected', text: '', after: 'm-025', limit: 20, budgetMs: 10_000 });
      expect(exact.rows).toHaveLength(20);
      expect(exact.nextAfter).toBeUndefined();
    });

    it('lists connected members with their mapping, and searches names and emails', async () => {
      await member('m-ana', 'Ana Lima');
      await member('m-bea', 'Bea Costa');
      await member('m-cid', 'Cid Ana');
      await map('m-bea', 'U0BEA00001', 'manual');
      await map('m-cid', 'U0CID00001');

      const connected = await service.listPage({ tab: 'connected', text: '', limit: 20, budgetMs: 10_000 });
      expect(names(connected.rows)).toEqual(['Bea Costa', 'Cid Ana']);
      expect(connected.rows[0]!.mapping).toMatchObject({ slackUserId: 'U0BEA00001', source: 'manual' });

      const ana = await service.listPage({ tab: 'unconnected', text: 'ANA', limit: 20, budgetMs: 10_000 });
      expect(names(ana.rows)).toEqual(['Ana Lima']);
      const byEmail = await service.listPage({ tab: 'connected', text: 'm-cid@pigment', limit: 20, budgetMs: 10_000 });
      expect(names(byEmail.rows)).toEqual(['Cid Ana']);
      const regexLooking = await service.listPage({ tab: 'unconnected', text: '.*', limit: 20, budgetMs: 10_000 });
      expect(regexLooking.rows).toEqual([]);
    });

    it('returns a partial page that continues where it stopped when the time budget runs out', async () => {
      for (let i = 0; i < 120; i += 1) {
        await member(`m-${pad(i)}`, `Person ${pad(i)}`);
        if (i !== 119) await map(`m-${pad(i)}`, `U0P${pad(i)}`);
      }
      await map('m-admin', 'U0ADMIN001');
      const page = await service.listPage({ tab: 'unconnected', text: '', limit: 20, budgetMs: 0 });
      expect(page.partial).toBe(true);
      expect(page.rows).toEqual([]);
      // The first batch of 50: "Admin", then Person 000 to 048.
      expect(page.nextAfter).toBe('m-048');
      const rest = await service.listPage({ tab: 'unconnected', text: '', after: page.nextAfter, limit: 20, budgetMs: 10_000 });
      expect(names(rest.rows)).toEqual(['Person 119']);
    });
  });

  describe('connect', () => {
    beforeEach(async () => {
      await member('m-ana', 'Ana Lima');
      await member('m-bea', 'Bea Costa');
      slackUsers.set('ana.slack@acme.test', slackUser('U0ANA00001', 'Ana.Slack@acme.test'));
      slackUsers.set('bea@acme.test', slackUser('U0BEA00001', 'bea@acme.test'));
      slackUsers.set('gone@acme.test', slackUser('U0GONE0001', 'gone@acme.test', { deleted: true }));
      slackUsers.set('bot@acme.test', slackUser('U0BOT00001', 'bot@acme.test', { isBot: true }));
      slackUsers.set('guest@other.test', slackUser('U0EXT00001', 'guest@other.test', { isStranger: true }));
    });

    it('connects as a manual mapping and audits who, what, when, before and after', async () => {
      const result = await service.connect(admin, { memberId: 'm-ana', email: ' ana.slack@acme.test ' }, { lookupTimeoutMs: 1_000 });
      expect(result).toMatchObject({
        ok: true,
        mapping: { memberId: 'm-ana', slackUserId: 'U0ANA00001', source: 'manual', active: true, slackEmail: 'Ana.Slack@acme.test' },
      });
      expect(await deps.repos.mappings.findByMember('m-ana')).toMatchObject({ slackUserId: 'U0ANA00001', source: 'manual' });
      const [entry, ...others] = await deps.repos.audit.listForTarget('m-ana');
      expect(others).toEqual([]);
      expect(entry).toMatchObject({
        at: new Date('2030-01-01T00:00:00Z'),
        actor: { slackUserId: 'U0ADMIN001', memberId: 'm-admin' },
        action: 'mapping.set_up',
        target: { type: 'mapping', id: 'm-ana' },
        after: { slackUserId: 'U0ANA00001', source: 'manual' },
      });
      expect(entry).not.toHaveProperty('before');
    });

    it('edits: replaces an automatic mapping with a manual one, auditing the one before', async () => {
      await map('m-ana', 'U0OLD00001', 'auto');
      const result = await service.connect(admin, { memberId: 'm-ana', email: 'ana.slack@acme.test' }, { lookupTimeoutMs: 1_000 });
      expect(result).toMatchObject({ ok: true, before: { slackUserId: 'U0OLD00001', source: 'auto' } });
      expect(await deps.repos.mappings.findByMember('m-ana')).toMatchObject({ slackUserId: 'U0ANA00001', source: 'manual' });
      const [entry] = await deps.repos.audit.listForTarget('m-ana');
      expect(entry).toMatchObject({
        action: 'mapping.edit',
        before: { slackUserId: 'U0OLD00001', source: 'auto' },
        after: { slackUserId: 'U0ANA00001', source: 'manual' },
      });
    });

    it.each([
      ['nobody@acme.test', 'email_not_found'],
      ['gone@acme.test', 'slack_user_deleted'],
      ['bot@acme.test', 'slack_user_bot'],
      ['guest@other.test', 'slack_user_stranger'],
      ['not an email', 'invalid_email'],
      ['', 'invalid_email'],
    ])('refuses %j (%s) and writes nothing', async (email, reason) => {
      const result = await service.connect(admin, { memberId: 'm-ana', email }, { lookupTimeoutMs: 1_000 });
      expect(result).toMatchObject({ ok: false, reason });
      expect(await deps.repos.mappings.findByMember('m-ana')).toBeUndefined();
      expect(await deps.repos.audit.listRecent()).toEqual([]);
    });

    it('names the member a Slack user is already connected to', async () => {
      await map('m-bea', 'U0BEA00001', 'auto');
      const result = await service.connect(admin, { memberId: 'm-ana', email: 'bea@acme.test' }, { lookupTimeoutMs: 1_000 });
      expect(result).toEqual({ ok: false, reason: 'slack_user_taken', takenBy: { id: 'm-bea', name: 'Bea Costa', email: 'm-bea@pigment.test' } });
      expect(await deps.repos.mappings.findByMember('m-ana')).toBeUndefined();
    });

    it('gives up on a Slack lookup that takes too long, writing nothing', async () => {
      // A lookup that never answers: getting a result at all proves the timeout.
      lookup = () => new Promise(() => undefined);
      const result = await service.connect(admin, { memberId: 'm-ana', email: 'ana.slack@acme.test' }, { lookupTimeoutMs: 200 });
      expect(result).toEqual({ ok: false, reason: 'slack_timeout' });
      expect(await deps.repos.mappings.findByMember('m-ana')).toBeUndefined();
    });

    it('reports a Slack error as a result', async () => {
      lookup = () =>
        Promise.reject(
          Object.assign(new Error('An API error occurred: internal_error'), {
            code: 'slack_webapi_platform_error',
            data: { ok: false, error: 'internal_error' },
          }),
        );
      expect(await service.connect(admin, { memberId: 'm-ana', email: 'ana.slack@acme.test' }, { lookupTimeoutMs: 1_000 })).toMatchObject({
        ok: false,
        reason: 'slack_error',
        code: 'internal_error',
      });
    });

    it('refuses members that are gone or deactivated, and actors that may not manage mappings', async () => {
      await member('m-old', 'Old', 'standard_member', 'deactivated');
      expect(await service.connect(admin, { memberId: 'm-old', email: 'ana.slack@acme.test' }, { lookupTimeoutMs: 1_000 })).toEqual({
        ok: false,
        reason: 'member_unavailable',
      });
      expect(await service.connect(admin, { memberId: 'm-none', email: 'ana.slack@acme.test' }, { lookupTimeoutMs: 1_000 })).toEqual({
        ok: false,
        reason: 'member_unavailable',
      });
      for (const accountType of ['standard_member', 'workspace_admin'] as const) {
        const actor = { slackUserId: 'U0X', member: await member(`m-${accountType}`, accountType, accountType) };
        expect(await service.connect(actor, { memberId: 'm-ana', email: 'ana.slack@acme.test' }, { lookupTimeoutMs: 1_000 })).toEqual({
          ok: false,
          reason: 'not_allowed',
        });
      }
      expect(await service.connect({ slackUserId: 'U0NOBODY' }, { memberId: 'm-ana', email: 'ana.slack@acme.test' }, { lookupTimeoutMs: 1_000 })).toEqual({
        ok: false,
        reason: 'not_allowed',
      });
      expect(await deps.repos.mappings.findByMember('m-ana')).toBeUndefined();
      expect(await deps.repos.audit.listRecent()).toEqual([]);
    });
  });

  describe('remove', () => {
    it('removes a mapping and audits what it was', async () => {
      await member('m-bea', 'Bea Costa');
      await map('m-bea', 'U0BEA00001', 'auto');
      const result = await service.remove(admin, 'm-bea');
      expect(result).toMatchObject({ ok: true, removed: { slackUserId: 'U0BEA00001' }, member: { name: 'Bea Costa' } });
      expect(await deps.repos.mappings.findByMember('m-bea')).toBeUndefined();
      const [entry] = await deps.repos.audit.listForTarget('m-bea');
      expect(entry).toMatchObject({
        action: 'mapping.remove',
        actor: { slackUserId: 'U0ADMIN001', memberId: 'm-admin' },
        before: { slackUserId: 'U0BEA00001', source: 'auto' },
      });
      expect(await service.remove(admin, 'm-bea')).toMatchObject({ ok: false, reason: 'not_connected', member: { name: 'Bea Costa' } });
    });

    it('refuses an actor who may not manage mappings', async () => {
      await member('m-bea', 'Bea Costa');
      await map('m-bea', 'U0BEA00001');
      const standard = { slackUserId: 'U0STD00001', member: await member('m-std', 'Std') };
      expect(await service.remove(standard, 'm-bea')).toEqual({ ok: false, reason: 'not_allowed' });
      expect(await deps.repos.mappings.findByMember('m-bea')).toBeDefined();
      expect(await deps.repos.audit.listRecent()).toEqual([]);
    });
  });
});

describe('withTimeout', () => {
  it('returns the value, the error, or a timeout', async () => {
    expect(await withTimeout(Promise.resolve(1), 100)).toEqual({ kind: 'value', value: 1 });
    const error = new Error('boom');
    expect(await withTimeout(Promise.reject(error), 100)).toEqual({ kind: 'error', error });
    expect(await withTimeout(new Promise(() => undefined), 20)).toEqual({ kind: 'timeout' });
  });
});
