/** `chat.postMessage` and `chat.update`, as the app's bot user. */
import type { SlackMessage, WorkspaceState } from '../state';
import { fail, requiredString, type MethodTable } from './context';
import { resolveMessageChannel } from './conversations';
import { parseMessageContent, warningFields } from './message-content';

/** What the app chooses in a message it posts. */
export type BotMessageFields = Pick<SlackMessage, 'text' | 'blocks' | 'attachments' | 'metadata' | 'thread_ts' | 'files' | 'upload'>;

/** A message from the app's bot user, as Slack stores it. */
export function botMessage(state: WorkspaceState, fields: BotMessageFields): SlackMessage {
  return {
    type: 'message',
    user: state.app.botUserId,
    bot_id: state.app.botId,
    app_id: state.app.appId,
    team: state.team.id,
    ...fields,
    ts: state.nextTs(),
    bot_profile: { id: state.app.botId, app_id: state.app.appId, name: state.app.botName, deleted: false, team_id: state.team.id },
  };
}

export const chatMethods: MethodTable = {
  'chat.postMessage': {
    token: 'bot',
    scope: 'chat:write',
    handler: ({ args, services: { state } }) => {
      const channel = resolveMessageChannel(state, requiredString(args, 'channel', 'channel_not_found'));
      const { warnings, ...content } = parseMessageContent(args);
      const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : undefined;
      const message = botMessage(state, { text: content.text ?? '', ...withoutUndefined({ ...content, thread_ts: threadTs }) });
      state.appendMessage(channel, message);
      return { channel, ts: message.ts, message, ...warningFields(warnings) };
    },
  },
  'chat.update': {
    token: 'bot',
    scope: 'chat:write',
    handler: ({ args, services: { state } }) => {
      const channel = requiredString(args, 'channel', 'channel_not_found');
      if (!state.channels.has(channel)) fail('channel_not_found');
      const message = state.findMessage(channel, requiredString(args, 'ts', 'message_not_found'));
      if (!message) fail('message_not_found');
      if (message.bot_id !== state.app.botId) fail('cant_update_message');
      const content = parseMessageContent(args);
      // Slack replaces the text and blocks; metadata is kept unless new metadata is given.
      message.text = content.text ?? '';
      message.blocks = content.blocks;
      message.attachments = content.attachments;
      if (content.metadata) message.metadata = content.metadata;
      message.edited = { user: state.app.botUserId, ts: state.nextTs() };
      return { channel, ts: message.ts, text: message.text, message, ...warningFields(content.warnings) };
    },
  },
};

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
