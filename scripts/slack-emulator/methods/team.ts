/** `team.info`, `team.billableInfo`, `team.accessLogs`. */
import { fail, optionalInt, optionalString, paginate, type MethodTable, type RawArgs } from './context';
import type { AccessLogEntry, WorkspaceState } from '../state';

/** Classic paging limits of team.accessLogs. */
const ACCESS_LOGS_DEFAULT_COUNT = 100;
const ACCESS_LOGS_MAX_COUNT = 1000;
const ACCESS_LOGS_MAX_PAGE = 100;

function accessLogsPage(state: WorkspaceState, args: RawArgs): Record<string, unknown> {
  const beforeArg = optionalString(args, 'before');
  const before = beforeArg === undefined || beforeArg === 'now' ? Number.POSITIVE_INFINITY : Number(beforeArg);
  if (Number.isNaN(before)) fail('invalid_arguments', ['[ERROR] before must be a unix timestamp or now']);
  // Newest sign-ins first, as Slack lists them.
  const logins = state.accessLogs.filter((entry) => entry.date_first <= before).sort((a, b) => b.date_last - a.date_last);
  if (args.cursor !== undefined || optionalInt(args, 'limit', 0) > 0) {
    const page = paginate(logins, args, { kind: 'login', keyOf: loginKey, maxLimit: ACCESS_LOGS_MAX_COUNT });
    return { logins: page.items, response_metadata: { next_cursor: page.nextCursor } };
  }
  const count = optionalInt(args, 'count', ACCESS_LOGS_DEFAULT_COUNT);
  const page = optionalInt(args, 'page', 1);
  if (count > ACCESS_LOGS_MAX_COUNT || page > ACCESS_LOGS_MAX_PAGE) fail('over_pagination_limit');
  if (count < 1 || page < 1) fail('invalid_arguments', ['[ERROR] count and page must be positive']);
  return {
    logins: logins.slice((page - 1) * count, page * count),
    paging: { count, total: logins.length, page, pages: Math.max(1, Math.ceil(logins.length / count)) },
  };
}

function loginKey(entry: AccessLogEntry): string {
  return `${entry.user_id}:${entry.ip}:${entry.user_agent}`;
}

export const teamMethods: MethodTable = {
  'team.info': {
    token: 'bot',
    userToken: true,
    scope: 'team:read',
    // `plan`, `distributed_app` and `app_approval_required` are the emulator's own fields: team.info does not tell them.
    handler: ({ services: { state } }) => {
      const { plan: _plan, distributed_app: _distributed, app_approval_required: _approval, ...team } = state.team;
      return { team: { ...team, is_verified: false } };
    },
  },
  'team.billableInfo': {
    token: 'bot',
    userToken: true,
    // Only an admin's user token can hold `admin`: a bot token is always refused.
    scope: 'admin',
    handler: ({ args, services: { state } }) => {
      const userId = optionalString(args, 'user');
      const humans = [...state.users.values()].filter((user) => !user.is_bot && (userId === undefined || user.id === userId));
      if (userId !== undefined && humans.length === 0) fail('user_not_found');
      const page = paginate(humans, args, { kind: 'user', keyOf: (user) => user.id, maxLimit: 1000 });
      const billableInfo = Object.fromEntries(page.items.map((user) => [user.id, { billing_active: state.isBillingActive(user) }]));
      return { billable_info: billableInfo, response_metadata: { next_cursor: page.nextCursor } };
    },
  },
  'team.accessLogs': {
    token: 'bot',
    userToken: true,
    // Only an admin's user token can hold `admin`: a bot token is always refused. Access logs are a paid feature too.
    scope: 'admin',
    handler: ({ args, services: { state } }) => (state.team.plan === 'free' ? fail('paid_only') : accessLogsPage(state, args)),
  },
};
