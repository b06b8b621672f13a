/**
 * The notification outbox in MongoDB: one document per notification, `_id` = the caller's
 * id (the idempotency key), written by the HTTP hand-off before it answers and delivered by
 * the worker. It keeps every notification (its status, attempts, lease, outcome) until
 * retention removes it.
 *
 * ## The work queue
 *
 * Beside it, `notification_queue` holds one small document per notification that is not
 * finished yet: `{_id, dueAt, attempts, holder?}`, where `dueAt` is `availableAt` while queued
 * and the lease's expiry while delivering. Claims read only this queue, in insertion order,
 * without a sort: FerretDB 1.24's SQLite backend pushes down nothing but `{_id: x}` filters,
 * so any other query decodes documents one by one, and a sort decodes the whole collection
 * (about 100 ms per claim with 1,000 notifications). Unsorted with a limit, it stops after the
 * first due ones, and the queue stays as small as the backlog; the outbox's history of
 * delivered notifications is never read by a claim. A queue document is removed when its
 * notification finishes.
 *
 * ## Claiming, safely on FerretDB 1.24 too
 *
 * Several connector processes share one database, and each notification must be claimed by
 * one of them at a time. On MongoDB a `findOneAndUpdate` is atomic, but FerretDB 1.24 (the
 * embedded store) runs `findAndModify` and conditional updates as "read, then write the whole
 * document" with nothing in between: measured with 4 claimers on 200 notifications,
 * `findOneAndUpdate` handed 192 of them to two or more claimers. What FerretDB does keep
 * atomic is a unique key: of concurrent inserts of one `_id`, exactly one succeeds.
 *
 * So a claim is a ticket: the claimer of attempt `n` of notification `id` inserts
 * `{_id: "<id>#<n>"}` into `notification_claims`; the insert that succeeds owns the attempt,
 * and only then moves the queue document (`attempts: n`, `dueAt`: the lease's expiry) and
 * writes `status: delivering`, the lease and `attempts: n` onto the notification. Everyone
 * else gets a duplicate key and moves on to the next candidate. A claimer that died between
 * its ticket and those writes leaves a ticket whose lease expires: the next claimer then takes
 * attempt `n + 1`.
 *
 * Crashes between the two collections' writes heal: a queue document left behind by a
 * finished notification is removed when it is next claimed; a notification whose queue
 * document was never written (the process died between the two inserts of `enqueue`) gets it
 * back when the caller retries the POST, or from `requeueOrphans`.
 *
 * Every read and write after the candidate scan names a single `_id`, the one filter FerretDB
 * 1.24 answers from an index: a guarded update such as `{_id, 'lease.holder': h}` would scan
 * the whole collection there (and would be no more atomic, see above). Guards are checked on
 * the document just read, then the write names the `_id`. The ticket makes claims exclusive
 * on both stores; what remains is the window of a holder that writes its outcome at the very
 * moment its expired lease is claimed by another, and two simultaneous writes of different
 * fields (e.g. `recordOpened` during a re-delivery). Both need a lease to expire
 * mid-delivery; the worker checks the DM's history (the message metadata carries the
 * notification id) before sending again, which covers them.
 *
 * Only plain indexes (FerretDB has no TTL or partial ones): retention is
 * `deleteFinishedBefore`, run by a scheduled job.
 */
import { MongoServerError, type Collection, type Db, type Filter } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { Notification, NotificationRequest, NotificationStatus, SkipReason, SlackMessageRef } from './notification.types';

interface NotificationDocument extends Omit<Notification, 'id'> {
  _id: string;
}

/** A notification that is not finished: what claims read. */
interface QueueDocument {
  /** The notification's id. */
  _id: string;
  /** When it may be claimed: `availableAt` while queued, the lease's expiry while delivering. */
  dueAt: Date;
  /** Claims so far (the notification's `attempts`, kept here for the claim tickets). */
  attempts: number;
  /** Who holds it, while delivering. */
  holder?: string;
}

/** One per claimed attempt; the unique `_id` is what makes a claim exclusive. */
interface ClaimDocument {
  _id: string;
  notificationId: string;
  attempt: number;
  holder: string;
  claimedAt: Date;
  expiresAt: Date;
}

export const OUTBOX_INDEXES: CollectionIndexes = {
  collection: 'notification_outbox',
  indexes: [
    // The App Home's "your recent notifications".
    { key: { 'recipient.memberId': 1, createdAt: -1 }, name: 'recipientMember_createdAt' },
    // Retention, and the orphan check.
    { key: { status: 1, finishedAt: 1 }, name: 'status_finishedAt' },
  ],
};

/** Claims read the queue without a sort (see above), so it needs no index of its own. */
export const NOTIFICATION_QUEUE_INDEXES: CollectionIndexes = {
  collection: 'notification_queue',
  indexes: [],
};

export const NOTIFICATION_CLAIM_INDEXES: CollectionIndexes = {
  collection: 'notification_claims',
  indexes: [{ key: { notificationId: 1 }, name: 'notificationId_1' }],
};

export type EnqueueResult = { outcome: 'created'; notification: Notification } | { outcome: 'duplicate'; existing: Notification };

export type RecordOpenedResult = 'recorded' | 'already_recorded' | 'not_found';

/** What the worker learnt about the recipient, stored with the outcome (for "your recent notifications"). */
export interface ResolvedRecipient {
  memberId?: string;
}

/** Candidates read per claim round; claimers racing for the same one move on to the next. */
const CLAIM_CANDIDATES = 16;
/**
 * Rounds of candidates before claimNext answers "nothing for you now": every lost race means
 * another claimer progressed, so more rounds only matter under heavy contention.
 */
const CLAIM_ROUNDS = 10;
/** Abandoned tickets (claimers that died mid-claim) stepped over for one notification before giving up on it this round. */
const MAX_ABANDONED_STEPS = 5;
const RETENTION_BATCH = 500;

export class OutboxRepository {
  private readonly outbox: Collection<NotificationDocument>;
  private readonly queue: Collection<QueueDocument>;
  private readonly claims: Collection<ClaimDocument>;

  constructor(db: Db) {
    this.outbox = db.collection<NotificationDocument>(OUTBOX_INDEXES.collection);
    this.queue = db.collection<QueueDocument>(NOTIFICATION_QUEUE_INDEXES.collection);
    this.claims = db.collection<ClaimDocument>(NOTIFICATION_CLAIM_INDEXES.collection);
  }

  /**
   * Stores a new notification, `queued` and available at `now`. If the id is already there
   * (a retry, or two concurrent POSTs), nothing is written and the existing one is returned
   * (and, if it is still queued, its queue entry is restored should a crash have lost it).
   */
  async enqueue(request: NotificationRequest, fingerprint: string, now: Date): Promise<EnqueueResult> {
    const doc: NotificationDocument = {
      _id: request.id,
      type: request.type,
      subtype: request.subtype,
      recipient: { ...request.recipient },
      title: request.title,
      body: request.body,
      url: request.url,
      ...(request.actor ? { actor: { name: request.actor.name } } : {}),
      status: 'queued',
      attempts: 0,
      createdAt: now,
      updatedAt: now,
      availableAt: now,
      fingerprint,
    };
    try {
      await this.outbox.insertOne(doc);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.outbox.findOne({ _id: request.id });
      // Deleted by retention in between: the id was used; report the collision.
      if (!existing) throw error;
      if (existing.status === 'queued') await this.insertQueueEntry(existing);
      return { outcome: 'duplicate', existing: toNotification(existing) };
    }
    await this.insertQueueEntry(doc);
    return { outcome: 'created', notification: toNotification(doc) };
  }

  async findById(id: string): Promise<Notification | undefined> {
    const doc = await this.outbox.findOne({ _id: id });
    return doc ? toNotification(doc) : undefined;
  }

  /**
   * Claims the next due notification for `holder` until `now + leaseMs`: a queued one whose
   * `availableAt` has come, or one whose delivery lease expired (its process died), among the
   * first ones enqueued (first in, first out, within a window of CLAIM_CANDIDATES). Sets
   * `status: delivering`, the lease, and increments `attempts`. Exclusive across processes
   * (see the file comment). Undefined when nothing is due (or, under heavy contention, when
   * others took everything this call looked at: poll again).
   *
   * `excludeIds` lets a worker skip notifications it is holding back (e.g. to keep one
   * member's messages in order while that member waits out a rate limit).
   */
  async claimNext(holder: string, leaseMs: number, now: Date, options: { excludeIds?: readonly string[] } = {}): Promise<Notification | undefined> {
    const filter: Filter<QueueDocument> = { dueAt: { $lte: now } };
    if (options.excludeIds?.length) filter._id = { $nin: [...options.excludeIds] };
    for (let round = 0; round < CLAIM_ROUNDS; round += 1) {
      // No sort: insertion order, and the scan stops at the limit (see the file comment).
      const candidates = await this.queue.find(filter).limit(CLAIM_CANDIDATES).toArray();
      if (candidates.length === 0) return undefined;
      // Claimers start at different places in the window, so they rarely race for the same
      // one; the order stays first-in, first-out but for a window of CLAIM_CANDIDATES.
      const start = Math.floor(Math.random() * candidates.length);
      for (let i = 0; i < candidates.length; i += 1) {
        const claimed = await this.tryClaim(candidates[(start + i) % candidates.length]!, holder, leaseMs, now);
        if (claimed) return claimed;
      }
    }
    return undefined;
  }

  /** Takes the next attempt of one queue entry as read, if nobody else did. */
  private async tryClaim(seen: QueueDocument, holder: string, leaseMs: number, now: Date): Promise<Notification | undefined> {
    const id = seen._id;
    const expiresAt = new Date(now.getTime() + leaseMs);
    for (let attempt = seen.attempts + 1; attempt <= seen.attempts + 1 + MAX_ABANDONED_STEPS; attempt += 1) {
      try {
        await this.claims.insertOne({ _id: claimId(id, attempt), notificationId: id, attempt, holder, claimedAt: now, expiresAt });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const ticket = await this.claims.findOne({ _id: claimId(id, attempt) });
        // Someone else holds this attempt (or finished it): not ours.
        if (!ticket || ticket.expiresAt > now) return undefined;
        // A ticket whose lease ran out: either its claimer died before moving the queue entry
        // (then attempt + 1 is free), or the entry moved on since we read it (checked below).
        continue;
      }
      // The ticket is ours: nobody else can take this attempt. Check the entry is still the
      // one we read (a newer attempt, or a finished notification, means we are late).
      const entry = await this.queue.findOne({ _id: id });
      if (!entry || entry.attempts !== seen.attempts || entry.dueAt > now) {
        // Give the ticket back so the attempt number stays free for whoever claims it next.
        await this.claims.deleteOne({ _id: claimId(id, attempt) });
        return undefined;
      }
      await this.queue.updateOne({ _id: id }, { $set: { attempts: attempt, holder, dueAt: expiresAt } });
      const doc = await this.outbox.findOne({ _id: id });
      if (!doc || (doc.status !== 'queued' && doc.status !== 'delivering')) {
        // Finished already (a crash between its outcome and the queue's clean-up), or gone:
        // the queue entry is litter.
        await this.queue.deleteOne({ _id: id });
        return undefined;
      }
      const lease = { holder, expiresAt };
      await this.outbox.updateOne({ _id: id }, { $set: { status: 'delivering', attempts: attempt, lease, updatedAt: now } });
      return toNotification({ ...doc, status: 'delivering', attempts: attempt, lease, updatedAt: now });
    }
    return undefined;
  }

  /** Extends the lease of a delivery `holder` still holds, before it expires (e.g. while waiting out a rate limit). */
  async extendLease(id: string, holder: string, expiresAt: Date, now: Date): Promise<boolean> {
    // Only a lease that has not run out: an expired one may already be someone else's claim.
    const entry = await this.queue.findOne({ _id: id });
    if (entry?.holder !== holder || entry.dueAt <= now) return false;
    await this.queue.updateOne({ _id: id }, { $set: { dueAt: expiresAt } });
    await this.outbox.updateOne({ _id: id }, { $set: { 'lease.expiresAt': expiresAt, updatedAt: now } });
    return true;
  }

  /**
   * Records the delivery by `holder`: `delivered`, where the message landed. False when
   * `holder` no longer holds the notification (its lease expired and someone else claimed it).
   */
  async markDelivered(id: string, holder: string, slack: SlackMessageRef, now: Date, resolved: ResolvedRecipient = {}): Promise<boolean> {
    return this.finish(id, holder, 'delivered', { slack: { channel: slack.channel, ts: slack.ts } }, now, resolved);
  }

  /** Records a skip by `holder`, with its reason. */
  async markSkipped(id: string, holder: string, reason: SkipReason, now: Date, resolved: ResolvedRecipient = {}): Promise<boolean> {
    return this.finish(id, holder, 'skipped', { reason }, now, resolved);
  }

  /** Records a final failure by `holder`, with the (Slack) error. */
  async markFailed(id: string, holder: string, error: string, now: Date, resolved: ResolvedRecipient = {}): Promise<boolean> {
    return this.finish(id, holder, 'failed', { reason: error }, now, resolved);
  }

  /**
   * Gives a delivery back to the queue for a retry at `availableAt` (backoff, rate limit, a
   * member not mapped yet, delivery paused). `attempts` is kept; `error` is kept as `lastError`.
   * The notification keeps its place in the queue's order.
   */
  async release(id: string, holder: string, availableAt: Date, now: Date, error?: string): Promise<boolean> {
    // The queue first: it is what claims read.
    const entry = await this.queue.findOne({ _id: id });
    if (entry?.holder !== holder) return false;
    await this.queue.updateOne({ _id: id }, { $set: { dueAt: availableAt }, $unset: { holder: '' } });
    await this.outbox.updateOne(
      { _id: id },
      { $set: { status: 'queued', availableAt, updatedAt: now, ...(error !== undefined ? { lastError: error } : {}) }, $unset: { lease: '' } },
    );
    return true;
  }

  /** The first click on "Open in Pigment": sets `openedInSlackAt` once and changes nothing else. */
  async recordOpened(id: string, at: Date): Promise<RecordOpenedResult> {
    const doc = await this.outbox.findOne({ _id: id }, { projection: { openedInSlackAt: 1 } });
    if (!doc) return 'not_found';
    if (doc.openedInSlackAt) return 'already_recorded';
    await this.outbox.updateOne({ _id: id }, { $set: { openedInSlackAt: at } });
    return 'recorded';
  }

  /** A member's most recent notifications, newest first (by memberId, or resolved from an email). */
  async listRecentForMember(memberId: string, limit: number): Promise<Notification[]> {
    const docs = await this.outbox.find({ 'recipient.memberId': memberId }).sort({ createdAt: -1, _id: 1 }).limit(limit).toArray();
    return docs.map(toNotification);
  }

  /** How many notifications are in each status (metrics, benchmarks). */
  async countByStatus(): Promise<Record<NotificationStatus, number>> {
    const counts: Record<NotificationStatus, number> = { queued: 0, delivering: 0, delivered: 0, skipped: 0, failed: 0 };
    for (const status of Object.keys(counts) as NotificationStatus[]) counts[status] = await this.outbox.countDocuments({ status });
    return counts;
  }

  /** Notifications waiting in the queue (queued or delivering): the backlog. */
  async backlog(): Promise<number> {
    return this.queue.countDocuments({});
  }

  /**
   * Puts back in the queue the unfinished notifications that lost their queue entry: the
   * process died between the two inserts of `enqueue` and the caller never retried, or a lease
   * holder and a late claimer crossed (see the file comment). Only those last updated before
   * `before`, so an `enqueue` or a claim in progress is left alone. Reads the whole outbox:
   * run it at start or now and then, never per claim. Returns how many came back.
   */
  async requeueOrphans(before: Date): Promise<number> {
    let restored = 0;
    const cursor = this.outbox.find({ status: { $in: ['queued', 'delivering'] }, updatedAt: { $lt: before } });
    for await (const doc of cursor) {
      if (await this.insertQueueEntry(doc)) restored += 1;
    }
    return restored;
  }

  /**
   * Retention: removes delivered and skipped notifications that finished before `date`, with
   * their claim tickets. Failed ones stay for people to investigate. Returns how many went.
   */
  async deleteFinishedBefore(date: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = await this.outbox
        .find({ status: { $in: ['delivered', 'skipped'] }, finishedAt: { $lt: date } }, { projection: { _id: 1 } })
        .limit(RETENTION_BATCH)
        .toArray();
      if (batch.length === 0) return deleted;
      const ids = batch.map((doc) => doc._id);
      // Tickets first: a notification without tickets is harmless, tickets without one are litter.
      await this.claims.deleteMany({ notificationId: { $in: ids } });
      const result = await this.outbox.deleteMany({ _id: { $in: ids }, status: { $in: ['delivered', 'skipped'] } });
      deleted += result.deletedCount;
      if (batch.length < RETENTION_BATCH) return deleted;
    }
  }

  /** Inserts the queue entry of an unfinished notification; false when it is already there. */
  private async insertQueueEntry(doc: NotificationDocument): Promise<boolean> {
    const entry: QueueDocument =
      doc.status === 'delivering' && doc.lease
        ? { _id: doc._id, dueAt: doc.lease.expiresAt, attempts: doc.attempts, holder: doc.lease.holder }
        : { _id: doc._id, dueAt: doc.availableAt, attempts: doc.attempts };
    try {
      await this.queue.insertOne(entry);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private async finish(
    id: string,
    holder: string,
    status: 'delivered' | 'skipped' | 'failed',
    fields: { slack?: SlackMessageRef; reason?: string },
    now: Date,
    resolved: ResolvedRecipient,
  ): Promise<boolean> {
    const doc = await this.outbox.findOne({ _id: id });
    if (doc?.status !== 'delivering' || doc.lease?.holder !== holder) return false;
    await this.outbox.updateOne(
      { _id: id },
      {
        $set: {
          status,
          ...fields,
          ...(resolved.memberId !== undefined ? { 'recipient.memberId': resolved.memberId } : {}),
          finishedAt: now,
          updatedAt: now,
        },
        $unset: { lease: '' },
      },
    );
    // The outcome is written: the queue entry goes (a crash before this is healed at the next
    // claim, which finds the outcome and drops the entry).
    await this.queue.deleteOne({ _id: id });
    return true;
  }
}

/** Unambiguous: attempts are numbers, so the last `#` separates them from the id. */
function claimId(notificationId: string, attempt: number): string {
  return `${notificationId}#${attempt}`;
}

function toNotification(doc: NotificationDocument): Notification {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
