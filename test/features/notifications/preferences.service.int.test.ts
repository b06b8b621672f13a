/**
 * Notification preferences on the embedded store: defaults, partial changes, and who may
 * change what (a member only their own, through `preferences.own`).
 */
import { MemberRepository } from '../../../src/features/members/member.repository';
import type { AccountType, MemberStatus } from '../../../src/features/members/member.types';
import { PreferencesRepository } from '../../../src/features/notifications/preferences.repository';
import { PreferencesService } from '../../../src/features/notifications/preferences.service';
import { openTestDatabase, type TestDatabase } from '../../support/store';

const ALL_ON = { conversation: true, automation: true, scheduled_import: true, async_task: true };

describe('PreferencesService (embedded store)', () => {
  let t: TestDatabase;
  let members: MemberRepository;
  let repo: PreferencesRepository;
  let service: PreferencesService;
  let now = new Date('2026-11-21T10:00:00Z');

  beforeAll(async () => {
    t = await openTestDatabase('preferences');
    members = new MemberRepository(t.db);
    repo = new PreferencesRepository(t.db);
    service = new PreferencesService({ preferences: repo, members, clock: { now: () => now } });
  });
  afterAll(() => t.dispose());

  async function member(id: string, accountType: AccountType = 'standard_member', status: MemberStatus = 'activated') {
    const result = await members.save(
      { id, name: id, email: `${id}@acme.test`, emailKey: `${id}@acme.test`, accountType, status, groups: [], source: 'api' },
      now,
    );
    if (!result.ok) throw new Error('member not saved');
    return result.member;
  }

  it('gives every member every type by default, without storing anything', async () => {
    await member('m-default');
    expect(await service.getForMember('m-default')).toEqual({ ok: true, preferences: { memberId: 'm-default', slack: ALL_ON } });
    expect(await service.allowsSlack('m-default', 'automation')).toBe(true);
    expect(await t.db.collection('member_preferences').countDocuments()).toBe(0);
  });

  it('changes only the switches given, and stamps the change', async () => {
    await member('m-partial');
    const first = await service.setForMember('m-partial', { automation: false });
    expect(first).toEqual({ ok: true, preferences: { memberId: 'm-partial', slack: { ...ALL_ON, automation: false }, updatedAt: now } });
    now = new Date(now.getTime() + 60_000);
    const second = await service.setForMember('m-partial', { async_task: false, automation: undefined });
    expect(second).toEqual({ ok: true, preferences: { memberId: 'm-partial', slack: { ...ALL_ON, automation: false, async_task: false }, updatedAt: now } });
    expect(await service.allowsSlack('m-partial', 'automation')).toBe(false);
    expect(await service.allowsSlack('m-partial', 'conversation')).toBe(true);
  });

  it('refuses members the directory does not know', async () => {
    expect(await service.getForMember('m-ghost')).toEqual({ ok: false, reason: 'member_not_found' });
    expect(await service.setForMember('m-ghost', { automation: false })).toEqual({ ok: false, reason: 'member_not_found' });
    expect(await repo.get('m-ghost')).toEqual({ memberId: 'm-ghost', slack: ALL_ON });
  });

  it('lets every active member change their own preferences, whatever their account type', async () => {
    for (const accountType of ['standard_member', 'workspace_admin', 'security_admin', 'primary_owner'] as const) {
      const self = await member(`m-own-${accountType}`, accountType);
      const result = await service.setForActor({ slackUserId: 'U1', member: self }, { conversation: false });
      expect(result).toMatchObject({ ok: true, preferences: { memberId: self.id, slack: { ...ALL_ON, conversation: false } } });
      expect(await service.getForActor({ slackUserId: 'U1', member: self })).toMatchObject({ ok: true, preferences: { memberId: self.id } });
    }
  });

  it('refuses Slack users who are not members, and deactivated members, changing nothing', async () => {
    const gone = await member('m-deactivated', 'primary_owner', 'deactivated');
    expect(await service.setForActor({ slackUserId: 'U2' }, { automation: false })).toEqual({ ok: false, reason: 'not_allowed' });
    expect(await service.getForActor({ slackUserId: 'U2' })).toEqual({ ok: false, reason: 'not_allowed' });
    expect(await service.setForActor({ slackUserId: 'U3', member: gone }, { automation: false })).toEqual({ ok: false, reason: 'not_allowed' });
    expect(await repo.get('m-deactivated')).toEqual({ memberId: 'm-deactivated', slack: ALL_ON });
  });

  it('keeps one document per member when first changes arrive together', async () => {
    await member('m-race');
    const results = await Promise.all(Array.from({ length: 5 }, () => service.setForMember('m-race', { scheduled_import: false })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await t.db.collection('member_preferences').countDocuments({ _id: 'm-race' as never })).toBe(1);
    expect((await repo.get('m-race')).slack).toEqual({ ...ALL_ON, scheduled_import: false });
  });
});
