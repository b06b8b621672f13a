/** `conversations.open` (1:1 DMs) and `conversations.history`. */
import type { SlackChannel, SlackMessage, WorkspaceState } from '../state';
import { fail, optionalBool, optionalString, paginate, requiredString, type MethodTable, type RawArgs } from './context';

/** Slack's default and maximum page sizes for history. */
const HISTORY_DEFAULT_LIMIT = 100;
const HISTORY_MAX_LIMIT = 999;
/** For a distributed app outside the Marketplace, Slack answers at most 15 messages (and 15 by default). */
const DISTRIBUTED_APP_HISTORY_LIMIT = 15;

/**
 * Opens (or finds) the DM with one user, with the errors Slack documents for
 * conversations.open: `user_not_found`, `user_disabled` for a deactivated user,
 * `user_not_visible` for another app's bot user, and `not_enough_users` for the app's own
 * bot user (Slack adds the caller itself, so no one else is left). Shared with
 * chat.postMessage, which accepts a user id as `channel`.
 */
export function openDirectMessage(state: WorkspaceState, userId: string): { channel: SlackChannel; alreadyOpen: boolean } {
  const user = state.users.get(userId);
  if (!user) fail('user_not_found');
  if (user.deleted) fail('user_disabled');
  if (user.id === state.app.botUserId) fail('not_enough_users');
  if (user.is_bot) fail('user_not_visible');
  return state.openDm(userId);
}

/**
 * The channel a message goes to: a known channel id, or a user id, which Slack turns into
 * the app's DM with that user.
 */
export function resolveMessageChannel(state: WorkspaceState, channel: string): string {
  if (state.channels.has(channel)) return channel;
  if (/^[UW]/.test(channel)) return openDirectMessage(state, channel).channel.id;
  fail('channel_not_found');
}

/**
 * The history scope for a channel, by the kind its id names (D… DMs, G… private channels and
 * group DMs, C… public channels), as Slack decides before it looks the channel up.
 */
export function historyScope(channelId: string | undefined): string {
  if (channelId?.startsWith('D')) return 'im:history';
  if (channelId?.startsWith('G')) return 'groups:history';
  return 'channels:history';
}

/** A ts such as `1732230000.000100` (or `1732230000`) as integer microseconds; undefined if malformed. */
export function tsToMicros(ts: string): number | undefined {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(ts);
  if (!match) return undefined;
  return Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0'));
}

function boundArg(args: RawArgs, name: 'oldest' | 'latest', fallback: number): number {
  const value = optionalString(args, name);
  if (value === undefined || value === 'now') return fallback;
  const micros = tsToMicros(value);
  if (micros === undefined) fail(`invalid_ts_${name}`);
  return micros;
}

function historyOf(state: WorkspaceState, args: RawArgs): SlackMessage[] {
  const channelId = requiredString(args, 'channel', 'channel_not_found');
  if (!state.channels.has(channelId)) fail('channel_not_found');
  const oldest = boundArg(args, 'oldest', 0);
  const latest = boundArg(args, 'latest', Number.MAX_SAFE_INTEGER);
  const inclusive = optionalBool(args, 'inclusive');
  const withMetadata = optionalBool(args, 'include_all_metadata');
  return (state.messages.get(channelId) ?? [])
    .filter((message) => {
      const micros = tsToMicros(message.ts) ?? 0;
      return inclusive ? micros >= oldest && micros <= latest : micros > oldest && micros < latest;
    })
    .reverse()
    .map((message) => {
      // Metadata only reaches readers who ask for it.
      if (withMetadata || message.metadata === undefined) return message;
      const { metadata: _metadata, ...rest } = message;
      return rest as SlackMessage;
    });
}

export const conversationsMethods: MethodTable = {
  'conversations.open': {
    token: 'bot',
    // The emulator opens 1:1 DMs only; channels, private channels and group DMs need other scopes.
    scope: 'im:write',
    handler: ({ args, services: { state } }) => {
      const channelArg = optionalString(args, 'channel');
      const usersArg = optionalString(args, 'users');
      let opened: { channel: SlackChannel; alreadyOpen: boolean };
      if (usersArg !== undefined) {
        const users = usersArg
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== '');
        if (users.length !== 1) fail('invalid_arguments', ['[ERROR] the emulator opens 1:1 DMs only: pass exactly one user']);
        opened = openDirectMessage(state, users[0] as string);
      } else if (channelArg !== undefined) {
        const channel = state.channels.get(channelArg);
        if (!channel?.is_im) fail('channel_not_found');
        opened = { channel, alreadyOpen: true };
      } else {
        fail('users_list_not_supplied');
      }
      const { channel, alreadyOpen } = opened;
      const body = optionalBool(args, 'return_im')
        ? { id: channel.id, created: channel.created, is_im: true, is_org_shared: false, user: channel.user, is_user_deleted: false, priority: 0 }
        : { id: channel.id };
      return alreadyOpen ? { no_op: true, already_open: true, channel: body } : { channel: body };
    },
  },
  'conversations.history': {
    token: 'bot',
    scope: (args) => historyScope(optionalString(args, 'channel')),
    handler: ({ args, services: { state } }) => {
      const messages = historyOf(state, args);
      const distributed = state.team.distributed_app;
      const page = paginate(
        messages,
        { ...args, limit: args.limit ?? (distributed ? DISTRIBUTED_APP_HISTORY_LIMIT : HISTORY_DEFAULT_LIMIT) },
        {
          kind: 'next_ts',
          keyOf: (message) => message.ts,
          maxLimit: distributed ? DISTRIBUTED_APP_HISTORY_LIMIT : HISTORY_MAX_LIMIT,
        },
      );
      const hasMore = page.nextCursor !== '';
      return {
        messages: page.items,
        has_more: hasMore,
        pin_count: 0,
        channel_actions_ts: null,
        channel_actions_count: 0,
        ...(hasMore ? { response_metadata: { next_cursor: page.nextCursor } } : {}),
      };
    },
  },
};
