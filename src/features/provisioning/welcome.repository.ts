/**
 * Welcome DMs sent by provisioning, one document per member (`_id` = member id), so a member
 * is welcomed at most once even when a sync is resumed or two processes race.
 *
 * FerretDB 1.24 has no atomic conditional update; a unique insert is the one atomic step. So
 * the sender claims first (`{_id, state: 'sending'}`), sends, then records the message. A claim
 * left in `sending` means the process died, the answer was lost mid-send, or the store failed
 * after Slack answered: the DM may or may not have arrived. It is not sent again at once; a
 * later sync settles claims older than a few minutes from the DM's history (WelcomeSender).
 */
import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';

/** Read by `_id` only: no index beyond `_id`. */
export const PROVISIONING_WELCOME_INDEXES: CollectionIndexes = { collection: 'provisioning_welcomes', indexes: [] };

export type WelcomeRecord =
  | { memberId: string; state: 'sending'; slackUserId: string; claimedAt: Date; name?: string }
  | { memberId: string; state: 'sent'; slackUserId: string; claimedAt: Date; sentAt: Date; channel: string; ts: string };

interface WelcomeDocument {
  _id: string;
  state: 'sending' | 'sent';
  slackUserId: string;
  claimedAt: Date;
  /** The name the welcome greets, kept so a settled claim can be sent again the same. */
  name?: string;
  sentAt?: Date;
  channel?: string;
  ts?: string;
}

export class WelcomeRepository {
  private readonly welcomes: Collection<WelcomeDocument>;

  constructor(db: Db) {
    this.welcomes = db.collection<WelcomeDocument>(PROVISIONING_WELCOME_INDEXES.collection);
  }

  /** Claims the member's welcome; false when it was claimed before (sent, or being sent). */
  async claim(memberId: string, slackUserId: string, now: Date, name?: string): Promise<boolean> {
    try {
      await this.welcomes.insertOne({ _id: memberId, state: 'sending', slackUserId, claimedAt: now, ...(name !== undefined ? { name } : {}) });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  /** Records the message the claim led to. */
  async markSent(memberId: string, sent: { channel: string; ts: string; sentAt: Date }): Promise<void> {
    await this.welcomes.updateOne({ _id: memberId }, { $set: { state: 'sent', channel: sent.channel, ts: sent.ts, sentAt: sent.sentAt } });
  }

  /** Gives a claim back when Slack certainly received nothing, so a later sync may try again. */
  async release(memberId: string): Promise<void> {
    await this.welcomes.deleteOne({ _id: memberId, state: 'sending' });
  }

  /**
   * Drops a claim left `sending` that a later sync found never led to a DM, so it can be claimed
   * again. Only that claim (same `claimedAt`): a claim taken again meanwhile stays.
   */
  async releaseUnsent(memberId: string, claimedAt: Date): Promise<void> {
    await this.welcomes.deleteOne({ _id: memberId, state: 'sending', claimedAt });
  }

  /**
   * Claims still `sending` that were taken before `before`, oldest first (a scan of the
   * collection on FerretDB, once per sync with invitations on; these are rare).
   */
  async staleClaims(before: Date, limit: number): Promise<Array<Extract<WelcomeRecord, { state: 'sending' }>>> {
    const docs = await this.welcomes.find({ state: 'sending', claimedAt: { $lt: before } }).sort({ claimedAt: 1 }).limit(limit).toArray();
    return docs.map((doc) => ({ memberId: doc._id, state: 'sending', slackUserId: doc.slackUserId, claimedAt: doc.claimedAt, ...(doc.name !== undefined ? { name: doc.name } : {}) }));
  }

  async findByMember(memberId: string): Promise<WelcomeRecord | undefined> {
    const doc = await this.welcomes.findOne({ _id: memberId });
    if (!doc) return undefined;
    const base = { memberId: doc._id, slackUserId: doc.slackUserId, claimedAt: doc.claimedAt };
    if (doc.state === 'sent' && doc.channel !== undefined && doc.ts !== undefined && doc.sentAt !== undefined) {
      return { ...base, state: 'sent', channel: doc.channel, ts: doc.ts, sentAt: doc.sentAt };
    }
    return { ...base, state: 'sending', ...(doc.name !== undefined ? { name: doc.name } : {}) };
  }
}
