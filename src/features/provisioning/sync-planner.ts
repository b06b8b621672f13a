/**
 * What a provisioning sync would do, as a pure function of the Slack users, the configured
 * groups' memberships, the directory and the mappings. Preview shows this plan; a run checks
 * its safety limit on it before writing anything, then applies it line by line.
 *
 * Rules (issue 5):
 * - Bots and Slack Connect strangers are never synced; deleted users are not created.
 * - In scope: everyone, or the members of the configured groups; guests (single- and
 *   multi-channel) only when the config includes them. A guest left out is treated as any
 *   user out of scope: not created, deactivated if the sync created them (an earlier run that
 *   included guests), and their teams still follow their groups.
 * - A Slack user matches the member it is mapped to, else the member with its email.
 * - New in-scope users become `pending` members (source `provisioning`); known ones get their
 *   name, email and picture updated; members the sync deactivated come back (`reactivated`).
 * - Only members the sync created (source `provisioning`) are ever deactivated: when their
 *   Slack user was deleted, left the synced groups, or is gone from Slack. Members created by
 *   hand, through the API or by CSV are never deactivated, nor reactivated, by the sync.
 * - With team mapping on, every member the sync sees is in exactly the teams its groups map to,
 *   among the teams the mapping names, in scope or not, deleted or not (a deleted Slack user is
 *   in no group): someone who leaves a mapped group leaves its team, even when the sync does not
 *   deactivate them. Teams the mapping does not name are left alone.
 */
import { emailKey } from '../members/member.types';
import type { FieldChange, ProvisioningConfig, SlackUserRecord, SyncAction, SyncedMember, SyncPlan } from './provisioning.types';

export interface PlanInput {
  config: ProvisioningConfig;
  slackUsers: readonly SlackUserRecord[];
  /** The members of every group the config names (scope and team mapping), by group id. */
  groupMembers: ReadonlyMap<string, ReadonlySet<string>>;
  members: readonly SyncedMember[];
  /** Slack user id → member id, from the mappings. */
  mappedMemberOf: ReadonlyMap<string, string>;
  /** The id a member created for this Slack user gets. */
  newMemberId(slackUserId: string): string;
}

export function planSync(input: PlanInput): SyncPlan {
  const { config } = input;
  const memberById = new Map(input.members.map((m) => [m.id, m]));
  const memberByEmail = new Map(input.members.map((m) => [m.emailKey, m]));
  const teamMapping = config.teamMapping.enabled ? config.teamMapping.groupToTeam : {};
  const managedTeams = new Set(Object.values(teamMapping));
  const actions: SyncAction[] = [];
  const seen = new Set<string>();

  const groupsOf = (userId: string, groupIds: Iterable<string>): string[] => [...groupIds].filter((g) => input.groupMembers.get(g)?.has(userId));
  /** Who a line is about, as the report shows it. */
  const who = (name: string, email: string | undefined) => ({ memberName: name, ...(email ? { memberEmail: email } : {}) });
  const deactivate = (member: SyncedMember, slackUserId: string | undefined, detail: string) => {
    if (member.source !== 'provisioning' || member.status === 'deactivated') return;
    actions.push({
      kind: 'deactivated',
      memberId: member.id,
      ...(slackUserId ? { slackUserId } : {}),
      ...who(member.name, member.email),
      changes: [{ field: 'status', before: member.status, after: 'deactivated' }],
      detail,
    });
  };

  /** The teams a Slack user's groups map to (none for a deleted user). */
  const teamsOf = (user: SlackUserRecord): string[] =>
    user.deleted ? [] : [...new Set(groupsOf(user.id, Object.keys(teamMapping)).map((g) => teamMapping[g]!))].sort();
  /** Lines that bring a known member's managed teams to `teams`. */
  const followTeams = (member: SyncedMember, slackUserId: string, teams: readonly string[], shown: ReturnType<typeof who>) => {
    const current = member.groups.filter((team) => managedTeams.has(team));
    for (const team of teams.filter((t) => !current.includes(t)))
      actions.push({ kind: 'added_to_team', memberId: member.id, slackUserId, ...shown, changes: [{ field: 'team', after: team }] });
    for (const team of current.filter((t) => !teams.includes(t)).sort())
      actions.push({ kind: 'removed_from_team', memberId: member.id, slackUserId, ...shown, changes: [{ field: 'team', before: team }] });
  };

  for (const user of [...input.slackUsers].sort((a, b) => a.id.localeCompare(b.id))) {
    if (user.isBot || user.isStranger) continue;
    const mappedId = input.mappedMemberOf.get(user.id);
    const member = (mappedId !== undefined ? memberById.get(mappedId) : undefined) ?? (user.email ? memberByEmail.get(emailKey(user.email)) : undefined);
    if (member) seen.add(member.id);
    const teams = teamsOf(user);
    if (user.deleted) {
      if (member) {
        deactivate(member, user.id, 'the Slack user was deleted');
        followTeams(member, user.id, teams, who(member.name, member.email));
      }
      continue;
    }
    const guestLeftOut = user.isGuest === true && !config.includeGuests;
    const inScope = !guestLeftOut && (config.scope === 'everyone' || groupsOf(user.id, config.groupIds).length > 0);
    if (!inScope) {
      if (member) {
        deactivate(member, user.id, guestLeftOut ? 'a Slack guest, and guests are not synced' : 'no longer in a synced group');
        followTeams(member, user.id, teams, who(member.name, member.email));
      }
      continue;
    }
    if (!user.email) {
      actions.push({
        kind: 'skipped',
        memberId: member?.id ?? input.newMemberId(user.id),
        slackUserId: user.id,
        ...who(member?.name ?? user.name, member?.email),
        changes: [],
        detail: 'Slack shows no email for this user',
      });
      if (member) followTeams(member, user.id, teams, who(member.name, member.email));
      continue;
    }
    // The member as it is after this run: Slack's name and email.
    const shown = who(user.name, user.email);
    if (!member) {
      const memberId = input.newMemberId(user.id);
      actions.push({
        kind: 'created',
        memberId,
        slackUserId: user.id,
        ...shown,
        changes: [
          { field: 'name', after: user.name },
          { field: 'email', after: user.email },
          ...(user.avatarUrl ? [{ field: 'avatarUrl' as const, after: user.avatarUrl }] : []),
          { field: 'status', after: 'pending' },
        ],
      });
      for (const team of teams) actions.push({ kind: 'added_to_team', memberId, slackUserId: user.id, ...shown, changes: [{ field: 'team', after: team }] });
      continue;
    }
    if (member.status === 'deactivated') {
      if (member.source !== 'provisioning') {
        actions.push({
          kind: 'skipped',
          memberId: member.id,
          slackUserId: user.id,
          ...who(member.name, member.email),
          changes: [],
          detail: 'deactivated in Pigment by hand; the sync does not reactivate it',
        });
        followTeams(member, user.id, teams, who(member.name, member.email));
        continue;
      }
      actions.push({
        kind: 'reactivated',
        memberId: member.id,
        slackUserId: user.id,
        ...shown,
        changes: [{ field: 'status', before: 'deactivated', after: 'activated' }],
      });
    }
    const changes = fieldChanges(member, user);
    if (changes.length > 0) actions.push({ kind: 'updated', memberId: member.id, slackUserId: user.id, ...shown, changes });
    followTeams(member, user.id, teams, shown);
  }

  // Members the sync created whose Slack user is not in Slack any more.
  for (const member of [...input.members].sort((a, b) => a.id.localeCompare(b.id))) {
    if (!seen.has(member.id)) deactivate(member, undefined, 'no longer in Slack');
  }

  const syncedMembers = input.members.filter((m) => m.source === 'provisioning' && m.status !== 'deactivated').length;
  const deactivations = actions.filter((a) => a.kind === 'deactivated').length;
  return { actions, syncedMembers, deactivations, needsReview: deactivations > 0 && deactivations > config.maxDeactivationShare * syncedMembers };
}

function fieldChanges(member: SyncedMember, user: SlackUserRecord): FieldChange[] {
  const changes: FieldChange[] = [];
  if (member.name !== user.name) changes.push({ field: 'name', before: member.name, after: user.name });
  if (user.email && member.emailKey !== emailKey(user.email)) changes.push({ field: 'email', before: member.email, after: user.email });
  if (user.avatarUrl && member.avatarUrl !== user.avatarUrl)
    changes.push({ field: 'avatarUrl', ...(member.avatarUrl ? { before: member.avatarUrl } : {}), after: user.avatarUrl });
  return changes;
}
