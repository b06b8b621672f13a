/** `users.list`, `users.info`, `users.lookupByEmail`. */
import { fail, paginate, requiredString, type MethodTable } from './context';

/** Slack caps a page at 1000 members (and recommends 200 or fewer). */
const USERS_PAGE_MAX = 1000;

export const usersMethods: MethodTable = {
  'users.list': {
    token: 'bot',
    // Deleted users and bots are included, as on Slack.
    handler: ({ args, services: { state } }) => {
      const page = paginate([...state.users.values()], args, { kind: 'user', keyOf: (user) => user.id, maxLimit: USERS_PAGE_MAX });
      return { members: page.items, cache_ts: state.nowSeconds(), response_metadata: { next_cursor: page.nextCursor } };
    },
  },
  'users.info': {
    token: 'bot',
    handler: ({ args, services: { state } }) => {
      const user = state.users.get(requiredString(args, 'user', 'user_not_found'));
      if (!user) fail('user_not_found');
      return { user };
    },
  },
  'users.lookupByEmail': {
    token: 'bot',
    handler: ({ args, services: { state } }) => {
      const email = requiredString(args, 'email', 'users_not_found').toLowerCase();
      // Deactivated users are not found by email.
      const user = [...state.users.values()].find((candidate) => !candidate.deleted && candidate.profile.email?.toLowerCase() === email);
      if (!user) fail('users_not_found');
      return { user };
    },
  },
};
