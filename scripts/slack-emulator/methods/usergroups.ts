/** `usergroups.list`, `usergroups.users.list`. */
import type { SlackUsergroup, WorkspaceState } from '../state';
import { fail, optionalBool, requiredString, type MethodTable } from './context';

/** User groups are a paid feature: Slack refuses both methods on the Free plan. */
function requirePaidPlan(state: WorkspaceState): void {
  if (state.team.plan === 'free') fail('plan_upgrade_required');
}

function present(group: SlackUsergroup, includeUsers: boolean, includeCount: boolean): Record<string, unknown> {
  const { users, ...fields } = group;
  return {
    ...fields,
    ...(includeUsers ? { users: [...users] } : {}),
    ...(includeCount ? { user_count: users.length } : {}),
  };
}

export const usergroupsMethods: MethodTable = {
  'usergroups.list': {
    token: 'bot',
    userToken: true,
    scope: 'usergroups:read',
    handler: ({ args, services: { state } }) => {
      requirePaidPlan(state);
      const includeDisabled = optionalBool(args, 'include_disabled');
      const groups = [...state.usergroups.values()].filter((group) => includeDisabled || group.date_delete === 0);
      return { usergroups: groups.map((group) => present(group, optionalBool(args, 'include_users'), optionalBool(args, 'include_count'))) };
    },
  },
  'usergroups.users.list': {
    token: 'bot',
    userToken: true,
    scope: 'usergroups:read',
    handler: ({ args, services: { state } }) => {
      requirePaidPlan(state);
      const group = state.usergroups.get(requiredString(args, 'usergroup', 'no_such_subteam'));
      if (!group || (group.date_delete !== 0 && !optionalBool(args, 'include_disabled'))) fail('no_such_subteam');
      return { users: [...group.users] };
    },
  },
};
