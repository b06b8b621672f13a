/** `users.list`, `users.info`, `users.lookupByEmail`. */
import type { SlackUser } from '../state';
import { fail, paginate, requiredString, type MethodTable } from './context';

/** Slack caps a page at 1000 members (and recommends 200 or fewer). */
const USERS_PAGE_MAX = 1000;

/** Slack leaves `profile.email` out unless the token also holds `users:read.email`. */
function asSeenBy(user: SlackUser, scopes: ReadonlySet<string>): SlackUser {
  if (scopes.has('users:read.email') || user.profile.email === undefined) return user;
  const { email: _email, ...profile } = user.profile;
  return { ...user, profile };
}

export const usersMethods: MethodTable = {
  'users.list': {
    token: 'bot',
    userToken: true,
    scope: 'users:read',
    // Deleted users and bots are included, as on Slack.
    handler: ({ args, services: { state }, scopes }) => {
      const page = paginate([...state.users.values()], args, { kind: 'user', keyOf: (user) => user.id, maxLimit: USERS_PAGE_MAX });
      return { members: page.items.map((user) => asSeenBy(user, scopes)), cache_ts: state.nowSeconds(), response_metadata: { next_cursor: page.nextCursor } };
    },
  },
  'users.info': {
    token: 'bot',
    userToken: true,
    scope: 'users:read',
    handler: ({ args, services: { state }, scopes }) => {
      const user = state.users.get(requiredString(args, 'user', 'user_not_found'));
      if (!user) fail('user_not_found');
      return { user: asSeenBy(user, scopes) };
    },
  },
  'users.lookupByEmail': {
    token: 'bot',
    userToken: true,
    scope: 'users:read.email',
    handler: ({ args, services: { state } }) => {
      const email = requiredString(args, 'email', 'users_not_found').toLowerCase();
      // Deactivated users are not found by email.
      const user = [...state.users.values()].find((candidate) => !candidate.deleted && candidate.profile.email?.toLowerCase() === email);
      if (!user) fail('users_not_found');
      return { user };
    },
  },
};
