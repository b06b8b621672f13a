/**
 * The notification outbox in MongoDB. Every collection on the delivery path is written with
 * inserts, or is kept as small as the backlog, because FerretDB 1.24 (the embedded store) finds
 * and updates documents by `_id` by reading the whole collection: measured on its PostgreSQL
 * backend, a findOne or updateOne by `_id` costs 2.7 ms with 1,000 documents, 9.8 ms with
 * 10,000 and 17 ms with 30,000; on its SQLite backend an updateOne costs 9.6, 52 and 163 ms
 * (its findOne by `_id` stays at 2.5 ms). An insert costs about 1 ms at any size. Delivered
 * notifications pile up until retention, so nothing on the hot path updates them.
 *
 * - `notification_outbox`: the notification as handed off, `_id` = the caller's id (the
 *   idempotency key: of concurrent inserts of one id, exactly one succeeds). Never updated.
 * - `notification_queue`: one entry per unfinished notification `{_id, dueAt, attempts,
 *   holder?, recipient, content, …}`: `dueAt` is `availableAt` while queued and the lease's
 *   expiry while delivering; `content` is a copy of what the worker needs, so a claim never
 *   reads the outbox. As small as the backlog; removed when the notification finishes.
 * - `notification_claims`: the claim tickets (below).
 * - `notification_outcomes`: one per finished notification (`_id` = its id): delivered (where),
 *   skipped (why), failed (Slack's error). Inserted once: the unique `_id` also makes sure only
 *   one holder ever writes an outcome.
 * - `notification_opens`: the first "Open in Pigment" click, inserted once.
 *
 * A notification's status is read from these: an outcome says it finished; a queue entry with
 * a holder says delivering; otherwise queued.
 *
 * ## Claiming, safely on FerretDB 1.24 too
 *
 * Several connector processes share one database, and each notification must be claimed by
 * one of them at a time. FerretDB 1.24 runs conditional updates as "read, then write" with
 * nothing in between (measured with 4 claimers on 200 notifications, `findOneAndUpdate`
 * handed 192 of them to two or more claimers). What it keeps atomic is a unique key.
 *
 * So a claim is a ticket: the claimer of attempt `n` of notification `id` inserts
 * `{_id: "<id>#<n>"}` into `notification_claims`; the insert that succeeds owns the attempt
 * and then moves the queue entry (`attempts: n`, `holder`, `dueAt`: the lease's expiry).
 * Everyone else gets a duplicate key and moves on. Tickets are never given back while the
 * notification is unfinished, so an entry nobody holds (new, or released by its last holder)
 * cannot have moved since it was read: moving it needs the ticket just taken. Only an entry
 * whose last holder never let go (its process died, before or after writing an outcome) is
 * checked against the outcomes first. A claimer that died between its ticket and moving the
 * entry leaves a ticket whose lease expires: the next claimer takes attempt `n + 1`.
 *
 * Candidates are read from the head of the queue without a filter (a few documents instead
 * of the whole queue). Only each recipient's first entry can be a candidate, and only when
 * nobody holds it: one member's notifications go out one at a time, in the order they came,
 * whichever processes deliver them.
 *
 * What tickets cannot rule out is a holder whose lease expired mid-delivery racing the one who
 * took it over. Three things keep that apart: an expired lease is taken over only
 * LEASE_SAFETY_MS after it ran out; a holder renews (or gives up) before calling Slack when
 * its lease has less than a margin left; and whoever takes over checks the DM's history (the
 * message metadata carries the notification id) before sending again. A holder may still
 * release or renew only while its lease runs, with the holder and attempt in the filter.
 *
 * Only plain indexes (FerretDB has no TTL or partial ones): retention is
 * `deleteFinishedBefore`, run by a scheduled job.
 */
import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import {
  recipientKey,
  type Notification,
  type NotificationRequest,
  type NotificationStatus,
  type SkipReason,
  type SlackMessageRef,
} from './notification.types';

/** The notification as handed off. */
interface OutboxDocument {
  _id: string;
  type: Notification['type'];
  subtype: string;
  recipient: Notification['recipient'];
  title: string;
  body: string;
  url: string;
  actor?: { name: string };
  recipientName?: string;
  createdAt: Date;
  fingerprint: string;
}

/** What the worker needs of a notification, copied into its queue entry. */
type QueuedContent = Omit<OutboxDocument, '_id'>;

/** An unfinished notification: what claims read. */
interface QueueDocument {
  /** The notification's id. */
  _id: string;
  /** When it may be claimed: `availableAt` while queued, the lease's expiry while delivering. */
  dueAt: Date;
  /** Claims so far (each delivery attempt, including ones a crashed process started). */
  attempts: number;
  /** Who holds it, while delivering (or who held it last, if that process died). */
  holder?: string;
  /** Whom it is for (`recipientKey`): claims take a member's notifications in order. */
  recipient: string;
  content: QueuedContent;
  /** Carried from the last released attempt (see ReleaseOutcome). */
  failures?: number;
  sendUncertain?: boolean;
  lastError?: string;
  updatedAt: Date;
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

interface OutcomeDocument {
  _id: string;
  status: 'delivered' | 'skipped' | 'failed';
  slack?: SlackMessageRef;
  /** Why it was skipped, or Slack's error. */
  reason?: string;
  /** The member it was for, as the worker resolved it (also for notifications addressed by email). */
  memberId?: string;
  attempts: number;
  finishedAt: Date;
}

interface OpenDocument {
  _id: string;
  at: Date;
}

export const OUTBOX_INDEXES: CollectionIndexes = {
  collection: 'notification_outbox',
  // The App Home's "your recent notifications" (for ones not finished yet).
  indexes: [{ key: { 'recipient.memberId': 1, createdAt: -1 }, name: 'recipientMember_createdAt' }],
};

/** Claims read the head of the queue without a filter (see above), so it needs no index of its own. */
export const NOTIFICATION_QUEUE_INDEXES: CollectionIndexes = {
  collection: 'notification_queue',
  indexes: [],
};

export const NOTIFICATION_CLAIM_INDEXES: CollectionIndexes = {
  collection: 'notification_claims',
  indexes: [{ key: { notificationId: 1 }, name: 'notificationId_1' }],
};

export const NOTIFICATION_OUTCOME_INDEXES: CollectionIndexes = {
  collection: 'notification_outcomes',
  indexes: [
    // Retention.
    { key: { status: 1, finishedAt: 1 }, name: 'status_finishedAt' },
    // "Your recent notifications".
    { key: { memberId: 1, finishedAt: -1 }, name: 'memberId_finishedAt' },
  ],
};

export const NOTIFICATION_OPEN_INDEXES: CollectionIndexes = {
  collection: 'notification_opens',
  indexes: [],
};

export type EnqueueResult = { outcome: 'created'; notification: Notification } | { outcome: 'duplicate'; existing: Notification };

export type RecordOpenedResult = 'recorded' | 'already_recorded' | 'not_found';

/** What the worker learnt about the recipient, stored with the outcome (for "your recent notifications"). */
export interface ResolvedRecipient {
  memberId?: string;
}

/** How a holder writes an outcome. */
export interface OutcomeOptions extends ResolvedRecipient {
  /**
   * The lease's expiry as the holder last set it (claim or renewal). While it is comfortably
   * ahead, nobody else can have claimed the notification (tickets), so the outcome is written
   * without reading the queue entry first; otherwise the holder is checked on it.
   */
  heldUntil?: Date;
  /** The holder's attempt number (from its claim), recorded with the outcome. */
  attempts?: number;
}

/** What a released attempt leaves on the notification for the next one. */
export interface ReleaseOutcome {
  /** The transient error that ended this attempt, kept as `lastError`. */
  error?: string;
  /** Transient failures so far (the worker gives up after its maximum). */
  failures?: number;
  /** Whether this attempt's message may have reached Slack (a timeout after sending). */
  sendUncertain?: boolean;
}

/** Below this much lease left, an outcome is written only after checking the holder on the queue entry. */
const LEASE_SAFETY_MS = 5_000;
/** Candidates read per claim round; claimers racing for the same one move on to the next. */
const CLAIM_CANDIDATES = 16;
/**
 * Rounds of candidates before a claim answers "nothing for you now": every lost race means
 * another claimer progressed, so more rounds only matter under heavy contention.
 */
const CLAIM_ROUNDS = 10;
/** Abandoned tickets (claimers that died mid-claim) stepped over for one notification before giving up on it this round. */
const MAX_ABANDONED_STEPS = 5;
/** The head of the queue read per claim round, as multiples of the candidates wanted: the first, then a wider one if few recipients were found. */
const HEAD_FACTORS = [2, 16];
const RETENTION_BATCH = 500;
/** requeueOrphans looks at notifications created this long before its cut-off, not older. */
const ORPHAN_LOOKBACK_MS = 7 * 86_400_000;

export class OutboxRepository {
  private readonly outbox: Collection<OutboxDocument>;
  private readonly queue: Collection<QueueDocument>;
  private readonly claims: Collection<ClaimDocument>;
  private readonly outcomes: Collection<OutcomeDocument>;
  private readonly opens: Collection<OpenDocument>;

  constructor(db: Db) {
    this.outbox = db.collection<OutboxDocument>(OUTBOX_INDEXES.collection);
    this.queue = db.collection<QueueDocument>(NOTIFICATION_QUEUE_INDEXES.collection);
    this.claims = db.collection<ClaimDocument>(NOTIFICATION_CLAIM_INDEXES.collection);
    this.outcomes = db.collection<OutcomeDocument>(NOTIFICATION_OUTCOME_INDEXES.collection);
    this.opens = db.collection<OpenDocument>(NOTIFICATION_OPEN_INDEXES.collection);
  }

  /**
   * Stores a new notification, `queued` and available at `now`. If the id is already there
   * (a retry, or two concurrent POSTs), nothing is written and the existing one is returned
   * (and, if it is unfinished, its queue entry is restored should a crash have lost it).
   */
  async enqueue(request: NotificationRequest, fingerprint: string, now: Date): Promise<EnqueueResult> {
    const doc: OutboxDocument = {
      _id: request.id,
      type: request.type,
      subtype: request.subtype,
      recipient: { ...request.recipient },
      title: request.title,
      body: request.body,
      url: request.url,
      ...(request.actor ? { actor: { name: request.actor.name } } : {}),
      ...(request.recipientName !== undefined ? { recipientName: request.recipientName } : {}),
      createdAt: now,
      fingerprint,
    };
    try {
      await this.outbox.insertOne(doc);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.findById(request.id);
      // Deleted by retention in between: the id was used; report the collision.
      if (!existing) throw error;
      if (existing.status === 'queued' && existing.attempts === 0) await this.insertQueueEntry(existing, now);
      return { outcome: 'duplicate', existing };
    }
    const entry = queueEntry(doc, now);
    await this.insertQueueEntryDocument(entry);
    return { outcome: 'created', notification: toNotification(doc, entry) };
  }

  /** The notification with its current status, from the outbox, its queue entry, outcome and opening. */
  async findById(id: string): Promise<Notification | undefined> {
    const doc = await this.outbox.findOne({ _id: id });
    if (!doc) return undefined;
    // The queue before the outcomes (an outcome is written before its entry is removed), so a
    // notification finishing meanwhile is never seen as neither queued nor finished.
    const entry = await this.queue.findOne({ _id: id });
    const [outcome, opened] = await Promise.all([this.outcomes.findOne({ _id: id }), this.opens.findOne({ _id: id })]);
    return toNotification(doc, entry ?? undefined, outcome ?? undefined, opened ?? undefined);
  }

  /**
   * Claims the next claimable notification for `holder` until `now + leaseMs` (see
   * claimBatch). Undefined when nothing is, or others took everything this call looked at.
   */
  async claimNext(holder: string, leaseMs: number, now: Date): Promise<Notification | undefined> {
    return (await this.claimBatch(holder, leaseMs, now, 1))[0];
  }

  /**
   * Claims up to `max` notifications at once, each for a different recipient, from one read of
   * the queue: the tickets are tried in parallel. Sets the lease (`now + leaseMs`) and counts
   * the attempt. Exclusive across processes (see the file comment). Fewer (or none) when fewer
   * are claimable or others took them first.
   */
  async claimBatch(holder: string, leaseMs: number, now: Date, max: number): Promise<Notification[]> {
    if (max < 1) return [];
    for (let round = 0; round < CLAIM_ROUNDS; round += 1) {
      const candidates = await this.candidates(now, Math.max(CLAIM_CANDIDATES, max * 2));
      if (candidates.length === 0) return [];
      // Claimers start at different places, so they rarely race for the same entries.
      const start = Math.floor(Math.random() * candidates.length);
      const rotated = [...candidates.slice(start), ...candidates.slice(0, start)];
      for (let offset = 0; offset < rotated.length; offset += max) {
        // Settled, not all: a claim that failed must not lose the ones won beside it.
        const settled = await Promise.allSettled(rotated.slice(offset, offset + max).map((entry) => this.tryClaim(entry, holder, leaseMs, now)));
        const won = settled.flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : []));
        if (won.length > 0) return won;
        const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
        if (failed) throw failed.reason;
      }
    }
    return [];
  }

  /**
   * Claimable entries, at most one per recipient, oldest first: each recipient's first entry
   * in the queue, if it is due and nobody holds it (or its holder's lease ran out some seconds
   * ago). A recipient whose first entry is held, or waits until later, offers nothing: nobody,
   * in any process, overtakes it.
   *
   * Reads the head of the queue without a filter (a store that cannot use an index for
   * `dueAt`, like FerretDB, then reads a few documents instead of the whole queue: 4 ms
   * instead of 35 ms with 10,000 entries on its PostgreSQL backend), and a wider head when it
   * finds fewer than `wanted` recipients, so a member with a long backlog does not hold up the
   * others (up to HEAD_FACTORS' last multiple of `wanted`). When even that head holds nothing
   * claimable, the store is asked for due entries.
   */
  private async candidates(now: Date, wanted: number): Promise<QueueDocument[]> {
    let picked: QueueDocument[] = [];
    for (const factor of HEAD_FACTORS) {
      const limit = wanted * factor;
      const head = await this.queue.find({}).limit(limit).toArray();
      picked = firstClaimablePerRecipient(head, now).slice(0, wanted);
      if (picked.length >= wanted || head.length < limit) return picked;
    }
    if (picked.length > 0) return picked;
    return firstClaimablePerRecipient(await this.queue.find({ dueAt: { $lte: now } }).limit(wanted).toArray(), now);
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
      // The ticket is ours: nobody else can take this attempt.
      let sendUncertain = seen.sendUncertain === true;
      const stepped = attempt !== seen.attempts + 1;
      if (seen.holder !== undefined || stepped) {
        // Its last holder never let go, or we stepped over abandoned tickets: look before
        // taking. The queue first, then the outcomes: an outcome is written before its entry is
        // removed, so this order cannot miss a finished notification.
        const entry = await this.queue.findOne({ _id: id });
        const outcome = await this.outcomes.findOne({ _id: id }, { projection: { _id: 1 } });
        if (outcome) {
          // Finished, and its process died before removing the entry: the entry is litter.
          await this.queue.deleteOne({ _id: id });
          return undefined;
        }
        if (!entry || entry.dueAt > now || entry.attempts >= attempt) return undefined;
        // Its last holder (or a claimer whose ticket we stepped over) may have sent the message
        // without recording it: the worker checks the DM's history before sending again.
        sendUncertain = sendUncertain || entry.holder !== undefined || stepped;
      }
      await this.queue.updateOne({ _id: id }, { $set: { attempts: attempt, holder, dueAt: expiresAt, sendUncertain, updatedAt: now } });
      return toNotification({ _id: id, ...seen.content }, { ...seen, attempts: attempt, holder, dueAt: expiresAt, sendUncertain, updatedAt: now });
    }
    return undefined;
  }

  /** Extends the lease of a delivery `holder` still holds, before it expires (e.g. while waiting out a rate limit). */
  async extendLease(id: string, holder: string, expiresAt: Date, now: Date): Promise<boolean> {
    // Only a lease that has not run out: an expired one may already be someone else's claim.
    const entry = await this.queue.findOne({ _id: id });
    if (entry?.holder !== holder || entry.dueAt <= now) return false;
    // The filter repeats what was checked: atomic on MongoDB, narrower on FerretDB.
    const result = await this.queue.updateOne({ _id: id, holder, attempts: entry.attempts }, { $set: { dueAt: expiresAt, updatedAt: now } });
    return result.matchedCount === 1;
  }

  /**
   * Records the delivery by `holder`: `delivered`, where the message landed. False when
   * `holder` no longer holds the notification (its lease expired and someone else claimed it)
   * or another attempt already wrote an outcome.
   */
  async markDelivered(id: string, holder: string, slack: SlackMessageRef, now: Date, options: OutcomeOptions = {}): Promise<boolean> {
    return this.finish(id, holder, { status: 'delivered', slack: { channel: slack.channel, ts: slack.ts } }, now, options);
  }

  /** Records a skip by `holder`, with its reason. */
  async markSkipped(id: string, holder: string, reason: SkipReason, now: Date, options: OutcomeOptions = {}): Promise<boolean> {
    return this.finish(id, holder, { status: 'skipped', reason }, now, options);
  }

  /** Records a final failure by `holder`, with the (Slack) error. */
  async markFailed(id: string, holder: string, error: string, now: Date, options: OutcomeOptions = {}): Promise<boolean> {
    return this.finish(id, holder, { status: 'failed', reason: error }, now, options);
  }

  /**
   * Gives a delivery back to the queue for a retry at `availableAt` (a member not mapped yet,
   * delivery paused, the process stopping). `attempts` is kept. The notification keeps its
   * place in the queue's order.
   */
  async release(id: string, holder: string, availableAt: Date, now: Date, outcome: ReleaseOutcome = {}): Promise<boolean> {
    // Only while the lease runs: after it, another claimer may hold the notification, and
    // clearing its holder would let a third take it without looking in Slack first.
    const entry = await this.queue.findOne({ _id: id });
    if (entry?.holder !== holder || entry.dueAt <= now) return false;
    const result = await this.queue.updateOne(
      { _id: id, holder, attempts: entry.attempts },
      {
        $set: {
          dueAt: availableAt,
          updatedAt: now,
          ...(outcome.error !== undefined ? { lastError: outcome.error } : {}),
          ...(outcome.failures !== undefined ? { failures: outcome.failures } : {}),
          ...(outcome.sendUncertain !== undefined ? { sendUncertain: outcome.sendUncertain } : {}),
        },
        $unset: { holder: '' },
      },
    );
    if (result.matchedCount !== 1) return false;
    // The ticket stays: a spent attempt number must never be claimable again (claims rely on
    // it). Retention removes tickets with their notification.
    return true;
  }

  /** The first click on "Open in Pigment": records `openedInSlackAt` once and changes nothing else. */
  async recordOpened(id: string, at: Date): Promise<RecordOpenedResult> {
    if (!(await this.outbox.findOne({ _id: id }, { projection: { _id: 1 } }))) return 'not_found';
    try {
      await this.opens.insertOne({ _id: id, at });
      return 'recorded';
    } catch (error) {
      if (isDuplicateKey(error)) return 'already_recorded';
      throw error;
    }
  }

  /**
   * A member's most recent notifications, newest first: the ones addressed to their member id,
   * and the ones addressed by email that the worker resolved to them when it finished them.
   */
  async listRecentForMember(memberId: string, limit: number): Promise<Notification[]> {
    const [addressed, resolved] = await Promise.all([
      this.outbox.find({ 'recipient.memberId': memberId }).sort({ createdAt: -1, _id: 1 }).limit(limit).toArray(),
      this.outcomes.find({ memberId }, { projection: { _id: 1 } }).sort({ finishedAt: -1 }).limit(limit).toArray(),
    ]);
    const known = new Set(addressed.map((doc) => doc._id));
    const more = resolved.map((outcome) => outcome._id).filter((id) => !known.has(id));
    const byEmail = more.length > 0 ? await this.outbox.find({ _id: { $in: more } }).toArray() : [];
    const docs = [...addressed, ...byEmail].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a._id.localeCompare(b._id)).slice(0, limit);
    const ids = docs.map((doc) => doc._id);
    if (ids.length === 0) return [];
    const [entries, outcomes, opens] = await Promise.all([
      this.queue.find({ _id: { $in: ids } }).toArray(),
      this.outcomes.find({ _id: { $in: ids } }).toArray(),
      this.opens.find({ _id: { $in: ids } }).toArray(),
    ]);
    const entryOf = new Map(entries.map((e) => [e._id, e]));
    const outcomeOf = new Map(outcomes.map((o) => [o._id, o]));
    const openOf = new Map(opens.map((o) => [o._id, o]));
    return docs.map((doc) => toNotification(doc, entryOf.get(doc._id), outcomeOf.get(doc._id), openOf.get(doc._id)));
  }

  /** How many notifications are in each status (metrics, benchmarks). */
  async countByStatus(): Promise<Record<NotificationStatus, number>> {
    const counts: Record<NotificationStatus, number> = { queued: 0, delivering: 0, delivered: 0, skipped: 0, failed: 0 };
    for (const status of ['delivered', 'skipped', 'failed'] as const) counts[status] = await this.outcomes.countDocuments({ status });
    for await (const entry of this.queue.find({}, { projection: { holder: 1 } })) {
      if (entry.holder !== undefined) counts.delivering += 1;
      else counts.queued += 1;
    }
    return counts;
  }

  /** Notifications waiting in the queue (queued or delivering): the backlog. */
  async backlog(): Promise<number> {
    return this.queue.countDocuments({});
  }

  /**
   * Puts back in the queue the notifications created before `before` (and at most a week
   * earlier) that have neither an outcome nor a queue entry: the process died between the
   * two inserts of `enqueue` and the caller never retried. Reads the ids of the whole queue and
   * outcomes: run it now and then, never per claim. Returns how many came back.
   */
  async requeueOrphans(before: Date): Promise<number> {
    const since = new Date(before.getTime() - ORPHAN_LOOKBACK_MS);
    const candidates = await this.outbox.find({ createdAt: { $lt: before, $gte: since } }).toArray();
    if (candidates.length === 0) return 0;
    const ids = candidates.map((doc) => doc._id);
    // The queue before the outcomes (see findById).
    const queued = await this.queue.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
    const finished = await this.outcomes.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
    const present = new Set([...queued, ...finished].map((doc) => doc._id));
    let restored = 0;
    for (const doc of candidates) {
      if (present.has(doc._id)) continue;
      // Retention may have removed it since it was read (and its tickets with it).
      if (!(await this.outbox.findOne({ _id: doc._id }, { projection: { _id: 1 } }))) continue;
      // Carry on from the last attempt, so its spent tickets are not stepped over one by one.
      const last = await this.claims.find({ notificationId: doc._id }, { projection: { attempt: 1 } }).sort({ attempt: -1 }).limit(1).toArray();
      const entry = { ...queueEntry(doc, doc.createdAt), attempts: last[0]?.attempt ?? 0, ...(last.length > 0 ? { sendUncertain: true } : {}) };
      if (await this.insertQueueEntryDocument(entry)) restored += 1;
    }
    return restored;
  }

  /**
   * Retention: removes delivered and skipped notifications that finished before `date`, with
   * their claim tickets and opening. Failed ones stay for people to investigate. Returns how
   * many went.
   */
  async deleteFinishedBefore(date: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = await this.outcomes
        .find({ status: { $in: ['delivered', 'skipped'] }, finishedAt: { $lt: date } }, { projection: { _id: 1 } })
        .limit(RETENTION_BATCH)
        .toArray();
      if (batch.length === 0) return deleted;
      const ids = batch.map((doc) => doc._id);
      // The outcome last: while it is there, a second run finds the rest again.
      await this.claims.deleteMany({ notificationId: { $in: ids } });
      await this.opens.deleteMany({ _id: { $in: ids } });
      const result = await this.outbox.deleteMany({ _id: { $in: ids } });
      await this.outcomes.deleteMany({ _id: { $in: ids } });
      deleted += result.deletedCount;
      if (batch.length < RETENTION_BATCH) return deleted;
    }
  }

  /** Inserts the queue entry of an unfinished notification; false when it is already there. */
  private async insertQueueEntry(notification: Notification, now: Date): Promise<boolean> {
    const { id, status: _status, attempts: _attempts, availableAt: _availableAt, updatedAt: _updatedAt, ...rest } = notification;
    return this.insertQueueEntryDocument(queueEntry({ _id: id, ...pickContent(rest) }, now));
  }

  private async insertQueueEntryDocument(entry: QueueDocument): Promise<boolean> {
    try {
      await this.queue.insertOne(entry);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private async finish(id: string, holder: string, fields: Pick<OutcomeDocument, 'status' | 'slack' | 'reason'>, now: Date, options: OutcomeOptions): Promise<boolean> {
    const surelyHeld = options.heldUntil !== undefined && options.heldUntil.getTime() - now.getTime() > LEASE_SAFETY_MS;
    let attempts = options.attempts;
    if (!surelyHeld || attempts === undefined) {
      const entry = await this.queue.findOne({ _id: id }, { projection: { holder: 1, attempts: 1 } });
      if (entry?.holder !== holder) return false;
      attempts = entry.attempts;
    }
    try {
      await this.outcomes.insertOne({
        _id: id,
        ...fields,
        ...(options.memberId !== undefined ? { memberId: options.memberId } : {}),
        attempts,
        finishedAt: now,
      });
    } catch (error) {
      // Another attempt finished it first (a lease that expired mid-delivery).
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    // The outcome is written: the queue entry goes (a crash before this is healed at the next
    // claim, which finds the outcome and drops the entry).
    await this.queue.deleteOne({ _id: id });
    return true;
  }
}

function pickContent(source: Partial<QueuedContent> & Record<string, unknown>): QueuedContent {
  return {
    type: source.type!,
    subtype: source.subtype!,
    recipient: { ...source.recipient },
    title: source.title!,
    body: source.body!,
    url: source.url!,
    ...(source.actor ? { actor: { name: source.actor.name } } : {}),
    ...(source.recipientName !== undefined ? { recipientName: source.recipientName } : {}),
    createdAt: source.createdAt!,
    fingerprint: source.fingerprint!,
  };
}

/** The queue entry of a notification that was never claimed. */
function queueEntry(doc: OutboxDocument, now: Date): QueueDocument {
  const { _id, ...content } = doc;
  return { _id, dueAt: doc.createdAt, attempts: 0, recipient: recipientKey(doc.recipient), content: pickContent(content), updatedAt: now };
}

/**
 * Each recipient's first entry (oldest by creation, then id: stores do not keep insertion
 * order for certain), if it can be claimed now: due and unheld, or held by a lease that ran
 * out LEASE_SAFETY_MS ago (room for clock skew between hosts and a holder finishing late).
 */
function firstClaimablePerRecipient(entries: QueueDocument[], now: Date): QueueDocument[] {
  const ordered = [...entries].sort((a, b) => a.content.createdAt.getTime() - b.content.createdAt.getTime() || a._id.localeCompare(b._id));
  const seen = new Set<string>();
  const claimable: QueueDocument[] = [];
  for (const entry of ordered) {
    if (seen.has(entry.recipient)) continue;
    seen.add(entry.recipient);
    const due = entry.holder === undefined ? entry.dueAt <= now : entry.dueAt.getTime() <= now.getTime() - LEASE_SAFETY_MS;
    if (due) claimable.push(entry);
  }
  return claimable;
}

/** Unambiguous: attempts are numbers, so the last `#` separates them from the id. */
function claimId(notificationId: string, attempt: number): string {
  return `${notificationId}#${attempt}`;
}

/** The notification as the rest of the code sees it, put together from its documents. */
function toNotification(doc: OutboxDocument, entry?: QueueDocument, outcome?: OutcomeDocument, opened?: OpenDocument): Notification {
  const { _id, ...content } = doc;
  const status: NotificationStatus = outcome ? outcome.status : entry?.holder !== undefined ? 'delivering' : 'queued';
  const recipient = outcome?.memberId !== undefined && content.recipient.memberId === undefined ? { ...content.recipient, memberId: outcome.memberId } : { ...content.recipient };
  return {
    id: _id,
    ...content,
    recipient,
    status,
    attempts: outcome?.attempts ?? entry?.attempts ?? 0,
    availableAt: entry && entry.holder === undefined ? entry.dueAt : (entry?.updatedAt ?? outcome?.finishedAt ?? doc.createdAt),
    updatedAt: outcome?.finishedAt ?? entry?.updatedAt ?? doc.createdAt,
    ...(entry?.holder !== undefined && !outcome ? { lease: { holder: entry.holder, expiresAt: entry.dueAt } } : {}),
    ...(entry?.failures !== undefined ? { failures: entry.failures } : {}),
    ...(entry?.sendUncertain !== undefined && !outcome ? { sendUncertain: entry.sendUncertain } : {}),
    ...(entry?.lastError !== undefined ? { lastError: entry.lastError } : {}),
    ...(outcome?.slack ? { slack: { ...outcome.slack } } : {}),
    ...(outcome?.reason !== undefined ? { reason: outcome.reason } : {}),
    ...(outcome ? { finishedAt: outcome.finishedAt } : {}),
    ...(opened ? { openedInSlackAt: opened.at } : {}),
  };
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
