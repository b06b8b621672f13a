/**
 * The three Slack calls a delivery makes, on the worker's own WebClient (no SDK retries: a
 * retried chat.postMessage after a timeout could post twice, so the worker decides, after
 * looking in the DM's history). Errors are thrown as the SDK throws them; `classifySlackError`
 * reads them.
 */
import type { WebClient } from '@slack/web-api';
import type { NotificationMessage } from '../messages';
import { NOTIFICATION_EVENT_TYPE } from '../messages';
import type { SlackMessageRef } from '../notification.types';

/** Messages asked for per history page (Slack may answer fewer). */
const HISTORY_PAGE = 200;

export interface HistoryPage {
  messages: Array<{ ts: string; notificationId?: string }>;
  /** Undefined on the last page. */
  nextCursor?: string;
}

export class SlackDm {
  /** `client`: the current tenant's delivery client (TenantSlack). */
  constructor(private readonly client: () => Promise<WebClient>) {}

  /** Opens (or finds) the app's DM with a Slack user: the channel id. */
  async open(slackUserId: string): Promise<string> {
    const result = await (await this.client()).conversations.open({ users: slackUserId });
    const id = result.channel?.id;
    if (!id) throw new Error('conversations.open answered without a channel id');
    return id;
  }

  /** Posts the notification's message; where it landed. */
  async post(channel: string, message: NotificationMessage): Promise<SlackMessageRef> {
    const result = await (await this.client()).chat.postMessage({ channel, text: message.text, blocks: message.blocks, metadata: message.metadata });
    if (!result.channel || !result.ts) throw new Error('chat.postMessage answered without channel and ts');
    return { channel: result.channel, ts: result.ts };
  }

  /**
   * One page of the DM's history since `oldest` (newest first), each message with the
   * notification id its metadata carries, if any. Slack decides the page size (at most 15 for
   * a distributed app outside the Marketplace, whatever `limit` asks).
   */
  async historyPage(channel: string, oldest: string, cursor: string | undefined): Promise<HistoryPage> {
    const result = await (await this.client()).conversations.history({
      channel,
      oldest,
      limit: HISTORY_PAGE,
      include_all_metadata: true,
      ...(cursor ? { cursor } : {}),
    });
    const messages = (result.messages ?? []).flatMap((message) => {
      if (!message.ts) return [];
      const metadata = message.metadata as { event_type?: string; event_payload?: { notification_id?: unknown } } | undefined;
      const id = metadata?.event_type === NOTIFICATION_EVENT_TYPE ? metadata.event_payload?.notification_id : undefined;
      return [{ ts: message.ts, ...(typeof id === 'string' ? { notificationId: id } : {}) }];
    });
    const next = result.response_metadata?.next_cursor || undefined;
    return { messages, ...(result.has_more && next ? { nextCursor: next } : {}) };
  }

  /** Whether the bot token works again (auth.test), while delivery is paused. */
  async tokenWorks(): Promise<boolean> {
    try {
      return (await (await this.client()).auth.test()).ok === true;
    } catch {
      return false;
    }
  }
}
