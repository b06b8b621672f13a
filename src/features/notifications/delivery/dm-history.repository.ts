/**
 * DM history reads in progress or done, one per DM channel, shared by every process: a read
 * interrupted by Slack's rate limit is carried on by whichever process delivers that member's
 * notification next, instead of starting again (a distributed app gets one read a minute).
 * Only one notification of a member is held at a time, so one read per DM is written at a time.
 * Reads are kept an hour; whoever saves purges older ones, at most every ten minutes per process.
 */
import type { CollectionSource } from '../../../db/tenant-collection';
import type { CollectionIndexes } from '../../../db/indexes';
import type { HistoryRead } from './dm-history';

export const DM_HISTORY_READS_COLLECTION = 'dm_history_reads';
export const DM_HISTORY_READ_INDEXES: CollectionIndexes = { collection: DM_HISTORY_READS_COLLECTION, indexes: [{ key: { updatedAt: 1 }, name: 'updatedAt' }] };

const KEPT_MS = 60 * 60_000;
const PURGE_EVERY_MS = 10 * 60_000;

interface ReadDocument {
  _id: string;
  oldest: number;
  startedAt: Date;
  /**
   * Notification ids and their message ts, as a list: ids are the platform's keys and may hold
   * dots, so they cannot be field names; objects, since FerretDB 1.24 stores no nested arrays.
   */
  found: Array<{ id: string; ts: string }>;
  messagesRead: number;
  cursor?: string;
  complete: boolean;
  updatedAt: Date;
}

export class DmHistoryRepository {
  private readonly reads;
  private lastPurge = 0;

  constructor(
    db: CollectionSource,
    private readonly now: () => number,
  ) {
    this.reads = db.collection<ReadDocument>(DM_HISTORY_READS_COLLECTION);
  }

  async load(channel: string): Promise<HistoryRead | undefined> {
    const doc = await this.reads.findOne({ _id: channel });
    if (!doc) return undefined;
    return {
      oldest: doc.oldest,
      startedAt: doc.startedAt.getTime(),
      found: new Map(doc.found.map((f) => [f.id, f.ts])),
      messagesRead: doc.messagesRead,
      ...(doc.cursor !== undefined ? { cursor: doc.cursor } : {}),
      complete: doc.complete,
    };
  }

  async save(channel: string, read: HistoryRead): Promise<void> {
    const now = this.now();
    const doc: Omit<ReadDocument, '_id'> = {
      oldest: read.oldest,
      startedAt: new Date(read.startedAt),
      found: [...read.found].map(([id, ts]) => ({ id, ts })),
      messagesRead: read.messagesRead,
      ...(read.cursor !== undefined ? { cursor: read.cursor } : {}),
      complete: read.complete,
      updatedAt: new Date(now),
    };
    await this.reads.replaceOne({ _id: channel }, doc, { upsert: true });
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now;
      await this.reads.deleteMany({ updatedAt: { $lt: new Date(now - KEPT_MS) } });
    }
  }
}
