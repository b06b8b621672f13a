/**
 * The provisioning plan: every action kind, the group filter, several groups to one team, the
 * safety limit, and the members the sync must never touch.
 */
import {
  DEFAULT_MAX_DEACTIVATION_SHARE,
  type ProvisioningConfig,
  type SlackUserRecord,
  type SyncedMember,
} from '../../../src/features/provisioning/provisioning.types';
import { planSync, type PlanInput } from '../../../src/features/provisioning/sync-planner';

const everyone: ProvisioningConfig = {
  scope: 'everyone',
  groupIds: [],
  teamMapping: { enabled: false, groupToTeam: {} },
  includeGuests: false,
  inviteNewMembers: false,
  maxDeactivationShare: DEFAULT_MAX_DEACTIVATION_SHARE,
};

const user = (id: string, fields: Partial<SlackUserRecord> = {}): SlackUserRecord => ({
  id,
  email: `${id.toLowerCase()}@acme.test`,
  name: `User ${id}`,
  deleted: false,
  isBot: false,
  isStranger: false,
  isGuest: false,
  ...fields,
});
const member = (id: string, email: string, fields: Partial<SyncedMember> = {}): SyncedMember => ({
  id,
  name: `User ${id.slice(2).toUpperCase()}`,
  email,
  emailKey: email.toLowerCase(),
  status: 'activated',
  groups: [],
  source: 'provisioning',
  ...fields,
});

function plan(fields: Partial<PlanInput>) {
  return planSync({
    config: everyone,
    slackUsers: [],
    groupMembers: new Map(),
    members: [],
    mappedMemberOf: new Map(),
    newMemberId: (id) => `slack-${id}`,
    ...fields,
  });
}

describe('planSync', () => {
  it('creates pending members for new people, and leaves bots and strangers out', () => {
    const result = plan({
      slackUsers: [user('U1', { avatarUrl: 'https://avatars.test/u1.png' }), user('U2'), user('UBOT', { isBot: true }), user('UEXT', { isStranger: true })],
    });
    expect(result.actions).toEqual([
      {
        kind: 'created',
        memberId: 'slack-U1',
        slackUserId: 'U1',
        memberName: 'User U1',
        memberEmail: 'u1@acme.test',
        changes: [
          { field: 'name', after: 'User U1' },
          { field: 'email', after: 'u1@acme.test' },
          { field: 'avatarUrl', after: 'https://avatars.test/u1.png' },
          { field: 'status', after: 'pending' },
        ],
      },
      {
        kind: 'created',
        memberId: 'slack-U2',
        slackUserId: 'U2',
        memberName: 'User U2',
        memberEmail: 'u2@acme.test',
        changes: [
          { field: 'name', after: 'User U2' },
          { field: 'email', after: 'u2@acme.test' },
          { field: 'status', after: 'pending' },
        ],
      },
    ]);
  });

  it('updates names, emails and pictures of known members, found by mapping first, then by email', () => {
    const result = plan({
      slackUsers: [user('U1', { name: 'Ada L.', email: 'ada.new@acme.test', avatarUrl: 'https://a/1.png' }), user('U2', { email: 'Bob@Acme.test' })],
      members: [member('m-ada', 'ada@acme.test', { name: 'Ada' }), member('m-bob', 'bob@acme.test', { name: 'User U2' })],
      mappedMemberOf: new Map([['U1', 'm-ada']]),
    });
    expect(result.actions).toEqual([
      {
        kind: 'updated',
        memberId: 'm-ada',
        slackUserId: 'U1',
        // Who the line is about, as it will be once updated: the report needs no lookup.
        memberName: 'Ada L.',
        memberEmail: 'ada.new@acme.test',
        changes: [
          { field: 'name', before: 'Ada', after: 'Ada L.' },
          { field: 'email', before: 'ada@acme.test', after: 'ada.new@acme.test' },
          { field: 'avatarUrl', after: 'https://a/1.png' },
        ],
      },
    ]);
  });

  it('deactivates members it created whose Slack user was deleted, left the groups or is gone, and reactivates the ones who came back', () => {
    const config: ProvisioningConfig = { ...everyone, scope: 'groups', groupIds: ['S1'], maxDeactivationShare: 1 };
    const result = plan({
      config,
      slackUsers: [user('U1', { deleted: true }), user('U2'), user('U3')],
      groupMembers: new Map([['S1', new Set(['U3'])]]),
      members: [
        member('m-1', 'u1@acme.test'),
        member('m-2', 'u2@acme.test'),
        member('m-3', 'u3@acme.test', { name: 'User U3', status: 'deactivated' }),
        member('m-4', 'u4@acme.test'),
      ],
    });
    expect(result.actions.map((a) => [a.kind, a.memberId, a.detail])).toEqual([
      ['deactivated', 'm-1', 'the Slack user was deleted'],
      ['deactivated', 'm-2', 'no longer in a synced group'],
      ['reactivated', 'm-3', undefined],
      ['deactivated', 'm-4', 'no longer in Slack'],
    ]);
    // A deactivated member is shown as the directory knows it (no Slack user to read it from).
    expect(result.actions.find((a) => a.memberId === 'm-4')).toMatchObject({ memberName: 'User 4', memberEmail: 'u4@acme.test' });
  });

  it('never deactivates or reactivates members created by hand, through the API or by CSV', () => {
    const result = plan({
      config: { ...everyone, scope: 'groups', groupIds: ['S1'] },
      slackUsers: [user('U1', { deleted: true }), user('U2'), user('U3')],
      groupMembers: new Map([['S1', new Set(['U3'])]]),
      members: [
        member('m-1', 'u1@acme.test', { source: 'api' }),
        member('m-2', 'u2@acme.test', { source: 'csv' }),
        member('m-3', 'u3@acme.test', { source: 'csv', status: 'deactivated', name: 'User U3' }),
        member('m-4', 'gone@acme.test', { source: 'api' }),
      ],
    });
    expect(result.actions).toEqual([
      {
        kind: 'skipped',
        memberId: 'm-3',
        slackUserId: 'U3',
        memberName: 'User U3',
        memberEmail: 'u3@acme.test',
        changes: [],
        detail: 'deactivated in Pigment by hand; the sync does not reactivate it',
      },
    ]);
  });

  it('syncs only the chosen groups, and maps several groups to one team, leaving other teams alone', () => {
    const config: ProvisioningConfig = {
      ...everyone,
      scope: 'groups',
      groupIds: ['SENG', 'SOPS'],
      teamMapping: { enabled: true, groupToTeam: { SENG: 'Engineering', SOPS: 'Engineering', SFIN: 'Finance' } },
    };
    const result = plan({
      config,
      slackUsers: [user('U1'), user('U2'), user('U3'), user('UOUT')],
      groupMembers: new Map([
        ['SENG', new Set(['U1', 'U2'])],
        ['SOPS', new Set(['U2'])],
        ['SFIN', new Set(['U3', 'UOUT'])],
      ]),
      members: [member('m-2', 'u2@acme.test', { name: 'User U2', groups: ['Finance', 'Board'] })],
    });
    expect(result.actions.map((a) => [a.kind, a.memberId, a.changes.map((c) => c.after ?? c.before).join()])).toEqual([
      ['created', 'slack-U1', 'User U1,u1@acme.test,pending'],
      ['added_to_team', 'slack-U1', 'Engineering'],
      ['added_to_team', 'm-2', 'Engineering'],
      ['removed_from_team', 'm-2', 'Finance'],
    ]);
    // U3 and UOUT are only in SFIN, which maps a team but is not synced.
    expect(result.actions.some((a) => a.slackUserId === 'U3' || a.slackUserId === 'UOUT')).toBe(false);
  });

  it('reports users it cannot sync without an email', () => {
    const result = plan({ slackUsers: [user('U1', { email: undefined })] });
    expect(result.actions).toEqual([
      { kind: 'skipped', memberId: 'slack-U1', slackUserId: 'U1', memberName: 'User U1', changes: [], detail: 'Slack shows no email for this user' },
    ]);
  });

  it('asks for review when it would deactivate more than the configured share of synced members', () => {
    const members = Array.from({ length: 20 }, (_, i) => member(`m-${i}`, `u${i}@acme.test`, { name: `User U${i}` }));
    const stillThere = (n: number) => Array.from({ length: n }, (_, i) => user(`U${i}`));
    const twoGone = plan({ slackUsers: stillThere(18), members });
    expect(twoGone).toMatchObject({ syncedMembers: 20, deactivations: 2, needsReview: false });
    const threeGone = plan({ slackUsers: stillThere(17), members });
    expect(threeGone).toMatchObject({ syncedMembers: 20, deactivations: 3, needsReview: true });
    // Nothing synced yet: nothing to protect.
    expect(plan({ slackUsers: stillThere(3) })).toMatchObject({ syncedMembers: 0, deactivations: 0, needsReview: false });
  });
});

describe('planSync: team mapping follows everyone the sync sees (issue 17)', () => {
  // Sync only @eng, mapped to Engineering; @sales is neither synced nor mapped.
  const engOnly: ProvisioningConfig = {
    ...everyone,
    scope: 'groups',
    groupIds: ['SENG'],
    teamMapping: { enabled: true, groupToTeam: { SENG: 'Engineering' } },
  };
  const teamLines = (result: ReturnType<typeof planSync>) =>
    result.actions.filter((a) => a.kind === 'added_to_team' || a.kind === 'removed_from_team').map((a) => [a.kind, a.memberId, a.changes[0]]);

  it('takes a member the sync created out of the team when they leave the synced group, as it deactivates them', () => {
    const result = plan({
      config: engOnly,
      slackUsers: [user('U1')],
      groupMembers: new Map([
        ['SENG', new Set<string>()],
        ['SSALES', new Set(['U1'])],
      ]),
      members: [member('m-u1', 'u1@acme.test', { groups: ['Engineering', 'Finance'] })],
    });
    expect(result.actions.map((a) => a.kind)).toEqual(['deactivated', 'removed_from_team']);
    // Finance is not a team the mapping names: left alone.
    expect(teamLines(result)).toEqual([['removed_from_team', 'm-u1', { field: 'team', before: 'Engineering' }]]);
  });

  it('takes a member from the API out of the team too, without deactivating them', () => {
    const result = plan({
      config: engOnly,
      slackUsers: [user('U2')],
      groupMembers: new Map([['SENG', new Set<string>()]]),
      members: [member('m-u2', 'u2@acme.test', { source: 'api', groups: ['Engineering'] })],
    });
    expect(result.actions.map((a) => a.kind)).toEqual(['removed_from_team']);
    expect(teamLines(result)).toEqual([['removed_from_team', 'm-u2', { field: 'team', before: 'Engineering' }]]);
  });

  it('takes a deleted Slack user out of every team the mapping names', () => {
    const result = plan({
      config: engOnly,
      slackUsers: [user('U3', { deleted: true })],
      // Slack may still list a deleted user in a group: a deleted user is in none.
      groupMembers: new Map([['SENG', new Set(['U3'])]]),
      members: [member('m-u3', 'u3@acme.test', { source: 'api', groups: ['Engineering'] })],
    });
    expect(teamLines(result)).toEqual([['removed_from_team', 'm-u3', { field: 'team', before: 'Engineering' }]]);
  });

  it('keeps a member in a team while one of the two groups mapped to it still has them', () => {
    const twoToOne: ProvisioningConfig = {
      ...engOnly,
      groupIds: ['SENG', 'SPLAT'],
      teamMapping: { enabled: true, groupToTeam: { SENG: 'Engineering', SPLAT: 'Engineering' } },
    };
    const result = plan({
      config: twoToOne,
      slackUsers: [user('U4')],
      groupMembers: new Map([
        ['SENG', new Set<string>()],
        ['SPLAT', new Set(['U4'])],
      ]),
      members: [member('m-u4', 'u4@acme.test', { name: 'User U4', groups: ['Engineering'] })],
    });
    expect(result.actions).toEqual([]);
  });
});

describe('planSync: guests (issue 12)', () => {
  const withGuests: ProvisioningConfig = { ...everyone, includeGuests: true };
  // Multi-channel guests carry is_restricted, single-channel ones is_ultra_restricted too: both are isGuest.
  const guests = [user('UMULTI', { isGuest: true }), user('USINGLE', { isGuest: true })];
  const kinds = (result: ReturnType<typeof planSync>) => result.actions.map((a) => [a.kind, a.memberId]);

  it('leaves guests out by default, creating only the members', () => {
    expect(everyone.includeGuests).toBe(false);
    const result = plan({ slackUsers: [user('U1'), ...guests] });
    expect(kinds(result)).toEqual([['created', 'slack-U1']]);
  });

  it('creates guests like members when the configuration includes them', () => {
    const result = plan({ config: withGuests, slackUsers: [user('U1'), ...guests] });
    expect(kinds(result)).toEqual([
      ['created', 'slack-U1'],
      ['created', 'slack-UMULTI'],
      ['created', 'slack-USINGLE'],
    ]);
  });

  it('leaves a guest out even in a synced group', () => {
    const engOnly: ProvisioningConfig = { ...everyone, scope: 'groups', groupIds: ['SENG'] };
    const result = plan({ config: engOnly, slackUsers: [user('U1'), ...guests], groupMembers: new Map([['SENG', new Set(['U1', 'UMULTI', 'USINGLE'])]]) });
    expect(kinds(result)).toEqual([['created', 'slack-U1']]);
    expect(kinds(plan({ config: { ...engOnly, includeGuests: true }, slackUsers: guests, groupMembers: new Map([['SENG', new Set(['UMULTI'])]]) }))).toEqual([
      ['created', 'slack-UMULTI'],
    ]);
  });

  it('deactivates a guest it created when guests are left out, as any user out of scope, and never one from the API', () => {
    const result = plan({
      slackUsers: guests,
      members: [member('slack-UMULTI', 'umulti@acme.test', { name: 'Gus Guest' }), member('m-single', 'usingle@acme.test', { source: 'api' })],
    });
    expect(result.actions).toEqual([
      {
        kind: 'deactivated',
        memberId: 'slack-UMULTI',
        slackUserId: 'UMULTI',
        memberName: 'Gus Guest',
        memberEmail: 'umulti@acme.test',
        changes: [{ field: 'status', before: 'activated', after: 'deactivated' }],
        detail: 'a Slack guest, and guests are not synced',
      },
    ]);
    // It counts against the safety share like any deactivation: 1 of 1 synced member.
    expect(result).toMatchObject({ syncedMembers: 1, deactivations: 1, needsReview: true });
    // Included, the same guests are kept and nothing changes.
    expect(
      plan({ config: withGuests, slackUsers: [guests[0]!], members: [member('slack-UMULTI', 'umulti@acme.test', { name: 'User UMULTI' })] }).actions,
    ).toEqual([]);
  });

  it('still makes a guest left out follow their groups into and out of the mapped teams', () => {
    const mapped: ProvisioningConfig = { ...everyone, teamMapping: { enabled: true, groupToTeam: { SENG: 'Engineering', SOPS: 'Operations' } } };
    const result = plan({
      config: mapped,
      slackUsers: [user('UMULTI', { isGuest: true })],
      groupMembers: new Map([
        ['SENG', new Set(['UMULTI'])],
        ['SOPS', new Set<string>()],
      ]),
      members: [member('m-guest', 'umulti@acme.test', { source: 'api', groups: ['Operations'] })],
    });
    expect(result.actions.map((a) => [a.kind, a.memberId, a.changes])).toEqual([
      ['added_to_team', 'm-guest', [{ field: 'team', after: 'Engineering' }]],
      ['removed_from_team', 'm-guest', [{ field: 'team', before: 'Operations' }]],
    ]);
  });

  it('reads a staged user without the guest flag (a run resumed across the upgrade) as no guest', () => {
    const { isGuest: _dropped, ...staged } = user('U9');
    expect(kinds(plan({ slackUsers: [staged] }))).toEqual([['created', 'slack-U9']]);
  });
});
