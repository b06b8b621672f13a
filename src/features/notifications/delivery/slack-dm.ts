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

/** History pages read when looking for an earlier attempt's message (200 messages each). */
const HISTORY_PAGE = 200;
const HISTORY_MAX_PAGES = 5;
/** Slack's clock and ours may differ; look a little before the notification was created. */
const HISTORY_SKEW_SECONDS = 300;

export class SlackDm {
  constructor(private readonly client: WebClient) {}

  /** Opens (or finds) the app's DM with a Slack user: the channel id. */
  async open(slackUserId: string): Promise<string> {
    const result = await this.client.conversations.open({ users: slackUserId });
    const id = result.channel?.id;
    if (!id) throw new Error('conversations.open answered without a channel id');
    return id;
  }

  /** Posts the notification's message; where it landed. */
  async post(channel: string, message: NotificationMessage): Promise<SlackMessageRef> {
    const result = await this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, metadata: message.metadata });
    if (!result.channel || !result.ts) throw new Error('chat.postMessage answered without channel and ts');
    return { channel: result.channel, ts: result.ts };
  }

  /**
   * The message an earlier attempt posted for `notificationId` in `channel`, if any: read from
   * the DM's history since the notification was created, by the metadata every notification
   * message carries. Undefined when it is not there.
   */
  async findPosted(channel: string, notificationId: string, since: Date): Promise<SlackMessageRef | undefined> {
    const oldest = String(Math.max(0, Math.floor(since.getTime() / 1000) - HISTORY_SKEW_SECONDS));
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_MAX_PAGES; page += 1) {
      const result = await this.client.conversations.history({
        channel,
        oldest,
        limit: HISTORY_PAGE,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      });
      for (const message of result.messages ?? []) {
        const metadata = message.metadata as { event_type?: string; event_payload?: { notification_id?: unknown } } | undefined;
        if (metadata?.event_type === NOTIFICATION_EVENT_TYPE && metadata.event_payload?.notification_id === notificationId && message.ts) {
          return { channel, ts: message.ts };
        }
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!result.has_more || !cursor) return undefined;
    }
    return undefined;
  }

  /** Whether the bot token works again (auth.test), while delivery is paused. */
  async tokenWorks(): Promise<boolean> {
    try {
      return (await this.client.auth.test()).ok === true;
    } catch {
      return false;
    }
  }
}
