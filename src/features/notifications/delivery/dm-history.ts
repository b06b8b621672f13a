/**
 * Settles notifications whose earlier attempt may have reached Slack (a crash, a timeout, a
 * 5xx after sending) by looking for their message in the member's DM: every notification
 * message carries its id in its metadata.
 *
 * Reading history is the scarcest call there is: a commercially distributed app outside the
 * Slack Marketplace (which a Socket Mode app cannot join) gets one conversations.history a
 * minute and 15 messages a page. So one read serves every notification of that DM: it lists
 * every notification id found since the oldest one asked about, pages are kept when a rate
 * limit interrupts the read (in the store: the next attempt, in any process, carries on from the cursor), and a later
 * notification of the same DM is answered from the read when the read began after that
 * notification's uncertain attempt ended (nothing it posted can be missing from it).
 */
import type { SlackMessageRef } from '../notification.types';
import { slackErrorCode } from '../../../slack/slack-error';
import type { HistoryPage, SlackDm } from './slack-dm';

/** Slack's clock and ours may differ (NTP keeps them within a second); look a little before the notification was created. */
export const HISTORY_SKEW_SECONDS = 60;
/** Messages read for one DM before concluding (the newest first, back to the oldest asked about). */
export const HISTORY_MAX_MESSAGES = 1_000;

/** What a settle needs of the notification. */
export interface UncertainNotification {
  id: string;
  createdAt: Date;
}

export interface HistoryRead {
  /** Unix seconds: the read covers messages from here on. */
  oldest: number;
  /** When the read's first page was asked for: anything posted before is in it. */
  startedAt: number;
  /** Notification id → ts, of every notification message read so far. */
  found: Map<string, string>;
  messagesRead: number;
  cursor?: string;
  complete: boolean;
}

/** Where reads are kept between attempts: the store, so any process carries a read on. */
export interface HistoryReads {
  load(channel: string): Promise<HistoryRead | undefined>;
  save(channel: string, read: HistoryRead): Promise<void>;
}

export class DmHistory {
  constructor(
    private readonly dm: Pick<SlackDm, 'historyPage'>,
    private readonly reads: HistoryReads,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The message of `n` in `channel`, or undefined when it is not there. `postedBefore`: an
   * earlier attempt, if it posted at all, did so before this time; a read begun earlier cannot
   * tell. Throws what Slack throws (a 429 leaves the pages read so far for the next call).
   */
  async find(channel: string, n: UncertainNotification, postedBefore: Date): Promise<SlackMessageRef | undefined> {
    const oldest = Math.max(0, Math.floor(n.createdAt.getTime() / 1000) - HISTORY_SKEW_SECONDS);
    let read = await this.reads.load(channel);
    const ts = read?.found.get(n.id);
    if (ts !== undefined) return { channel, ts };
    // A read begun before the attempt could have posted cannot say it did not: read afresh.
    if (!read || read.oldest > oldest || read.startedAt < postedBefore.getTime()) read = this.freshRead(oldest);
    while (!read.complete) {
      let page: HistoryPage;
      try {
        page = await this.dm.historyPage(channel, String(read.oldest), read.cursor);
      } catch (error) {
        // A kept cursor Slack no longer takes: start the read again rather than fail the notification.
        if (read.cursor === undefined || slackErrorCode(error) !== 'invalid_cursor') throw error;
        read = this.freshRead(oldest);
        continue;
      }
      for (const message of page.messages) if (message.notificationId !== undefined) read.found.set(message.notificationId, message.ts);
      read.messagesRead += page.messages.length;
      read.cursor = page.nextCursor;
      read.complete = page.nextCursor === undefined || read.messagesRead >= HISTORY_MAX_MESSAGES;
      // Kept after every page: a 429 on the next one leaves this one read for whoever goes on.
      await this.reads.save(channel, read);
      const found = read.found.get(n.id);
      if (found !== undefined) return { channel, ts: found };
    }
    return undefined;
  }

  private freshRead(oldest: number): HistoryRead {
    return { oldest, startedAt: this.now(), found: new Map(), messagesRead: 0, complete: false };
  }
}
