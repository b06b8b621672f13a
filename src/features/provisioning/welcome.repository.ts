/**
 * Welcome DMs sent by provisioning, one document per member (`_id` = member id), so a member
 * is welcomed at most once even when a sync is resumed or two processes race.
 *
 * FerretDB 1.24 has no atomic conditional update; a unique insert is the one atomic step. So
 * the sender claims first (`{_id, state: 'sending'}`), sends, then records the message. A claim
 * left in `sending` means the process died or the answer was lost mid-send: the DM may or may
 * not have arrived, and it is not sent again (at most once).
 */
import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';

/** Read by `_id` only: no index beyond `_id`. */
export const PROVISIONING_WELCOME_INDEXES: CollectionIndexes = { collection: 'provisioning_welcomes', indexes: [] };

export type WelcomeRecord =
  | { memberId: string; state: 'sending'; slackUserId: string; claimedAt: Date }
  | { memberId: string; state: 'sent'; slackUserId: string; claimedAt: Date; sentAt: Date; channel: string; ts: string };

interface WelcomeDocument {
  _id: string;
  state: 'sending' | 'sent';
  slackUserId: string;
  claimedAt: Date;
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
  async claim(memberId: string, slackUserId: string, now: Date): Promise<boolean> {
    try {
      await this.welcomes.insertOne({ _id: memberId, state: 'sending', slackUserId, claimedAt: now });
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

  async findByMember(memberId: string): Promise<WelcomeRecord | undefined> {
    const doc = await this.welcomes.findOne({ _id: memberId });
    if (!doc) return undefined;
    const base = { memberId: doc._id, slackUserId: doc.slackUserId, claimedAt: doc.claimedAt };
    if (doc.state === 'sent' && doc.channel !== undefined && doc.ts !== undefined && doc.sentAt !== undefined) {
      return { ...base, state: 'sent', channel: doc.channel, ts: doc.ts, sentAt: doc.sentAt };
    }
    return { ...base, state: 'sending' };
  }
}
