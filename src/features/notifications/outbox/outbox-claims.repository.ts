/**
 * The outbox's claim protocol: how a delivery worker takes a notification, holds it, and
 * gives it back or writes its outcome. (The collections are described in
 * outbox-collections.repository.ts.)
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
 */
import type { Notification, SkipReason, SlackMessageRef } from '../notification.types';
import { isDuplicateKey, toNotification, type OutboxCollections, type OutcomeDocument, type QueueDocument } from './outbox-collections.repository';

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
  /**
   * With `sendUncertain`: the message, if it reached Slack, did so before this time. An attempt
   * given back while it waits to read the DM posted nothing itself: it passes the earlier time on.
   */
  uncertainUntil?: Date;
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
export class OutboxClaims {
  constructor(private readonly c: OutboxCollections) {}

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
      const head = await this.c.queue.find({}).limit(limit).toArray();
      picked = firstClaimablePerRecipient(head, now).slice(0, wanted);
      if (picked.length >= wanted || head.length < limit) return picked;
    }
    if (picked.length > 0) return picked;
    return firstClaimablePerRecipient(
      await this.c.queue
        .find({ dueAt: { $lte: now } })
        .limit(wanted)
        .toArray(),
      now,
    );
  }

  /** Takes the next attempt of one queue entry as read, if nobody else did. */
  private async tryClaim(seen: QueueDocument, holder: string, leaseMs: number, now: Date): Promise<Notification | undefined> {
    const id = seen._id;
    const expiresAt = new Date(now.getTime() + leaseMs);
    for (let attempt = seen.attempts + 1; attempt <= seen.attempts + 1 + MAX_ABANDONED_STEPS; attempt += 1) {
      try {
        await this.c.claims.insertOne({ _id: claimId(id, attempt), notificationId: id, attempt, holder, claimedAt: now, expiresAt });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const ticket = await this.c.claims.findOne({ _id: claimId(id, attempt) });
        // Someone else holds this attempt (or finished it): not ours.
        if (!ticket || ticket.expiresAt > now) return undefined;
        // A ticket whose lease ran out: either its claimer died before moving the queue entry
        // (then attempt + 1 is free), or the entry moved on since we read it (checked below).
        continue;
      }
      // The ticket is ours: nobody else can take this attempt.
      let sendUncertain = seen.sendUncertain === true;
      let last: QueueDocument = seen;
      const stepped = attempt !== seen.attempts + 1;
      if (seen.holder !== undefined || stepped) {
        // Its last holder never let go, or we stepped over abandoned tickets: look before
        // taking. The queue first, then the outcomes: an outcome is written before its entry is
        // removed, so this order cannot miss a finished notification.
        const entry = await this.c.queue.findOne({ _id: id });
        const outcome = await this.c.outcomes.findOne({ _id: id }, { projection: { _id: 1 } });
        if (outcome) {
          // Finished, and its process died before removing the entry: the entry is litter.
          await this.c.queue.deleteOne({ _id: id });
          return undefined;
        }
        if (!entry || entry.dueAt > now || entry.attempts >= attempt) return undefined;
        // Its last holder (or a claimer whose ticket we stepped over) may have sent the message
        // without recording it: the worker checks the DM's history before sending again.
        sendUncertain = sendUncertain || entry.holder !== undefined || stepped;
        last = entry;
      }
      // Kept on the entry, so a later give-back without an outcome passes the latest bound on.
      const uncertainUntil = sendUncertain ? uncertainBound(last, stepped ? now : undefined) : undefined;
      await this.c.queue.updateOne(
        { _id: id },
        { $set: { attempts: attempt, holder, dueAt: expiresAt, sendUncertain, ...(uncertainUntil ? { uncertainUntil } : {}), updatedAt: now } },
      );
      const claimed = toNotification({ _id: id, ...seen.content }, { ...seen, attempts: attempt, holder, dueAt: expiresAt, sendUncertain, updatedAt: now });
      return uncertainUntil ? { ...claimed, uncertainUntil } : claimed;
    }
    return undefined;
  }

  /** Extends the lease of a delivery `holder` still holds, before it expires (e.g. while waiting out a rate limit). */
  async extendLease(id: string, holder: string, expiresAt: Date, now: Date): Promise<boolean> {
    // Only a lease that has not run out: an expired one may already be someone else's claim.
    const entry = await this.c.queue.findOne({ _id: id });
    if (entry?.holder !== holder || entry.dueAt <= now) return false;
    // The filter repeats what was checked: atomic on MongoDB, narrower on FerretDB.
    const result = await this.c.queue.updateOne({ _id: id, holder, attempts: entry.attempts }, { $set: { dueAt: expiresAt, updatedAt: now } });
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
    const entry = await this.c.queue.findOne({ _id: id });
    if (entry?.holder !== holder || entry.dueAt <= now) return false;
    const result = await this.c.queue.updateOne(
      { _id: id, holder, attempts: entry.attempts },
      {
        $set: {
          dueAt: availableAt,
          updatedAt: now,
          ...(outcome.error !== undefined ? { lastError: outcome.error } : {}),
          ...(outcome.failures !== undefined ? { failures: outcome.failures } : {}),
          ...(outcome.sendUncertain !== undefined ? { sendUncertain: outcome.sendUncertain } : {}),
          ...(outcome.sendUncertain && outcome.uncertainUntil ? { uncertainUntil: outcome.uncertainUntil } : {}),
        },
        $unset: { holder: '' },
      },
    );
    if (result.matchedCount !== 1) return false;
    // The ticket stays: a spent attempt number must never be claimable again (claims rely on
    // it). Retention removes tickets with their notification.
    return true;
  }

  private async finish(
    id: string,
    holder: string,
    fields: Pick<OutcomeDocument, 'status' | 'slack' | 'reason'>,
    now: Date,
    options: OutcomeOptions,
  ): Promise<boolean> {
    const surelyHeld = options.heldUntil !== undefined && options.heldUntil.getTime() - now.getTime() > LEASE_SAFETY_MS;
    let attempts = options.attempts;
    if (!surelyHeld || attempts === undefined) {
      const entry = await this.c.queue.findOne({ _id: id }, { projection: { holder: 1, attempts: 1 } });
      if (entry?.holder !== holder) return false;
      attempts = entry.attempts;
    }
    try {
      await this.c.outcomes.insertOne({
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
    await this.c.queue.deleteOne({ _id: id });
    return true;
  }
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

/**
 * By when an earlier attempt that may have posted had done so: a dead holder could post until
 * its lease ran out, a released attempt ended when it was released (or earlier, as it said),
 * and an abandoned ticket stepped over is bounded by now. The latest of what applies.
 */
function uncertainBound(entry: QueueDocument, steppedAt: Date | undefined): Date {
  const bounds = [entry.uncertainUntil ?? entry.updatedAt, ...(entry.holder !== undefined ? [entry.dueAt] : []), ...(steppedAt ? [steppedAt] : [])];
  return new Date(Math.max(...bounds.map((d) => d.getTime())));
}

/** Unambiguous: attempts are numbers, so the last `#` separates them from the id. */
function claimId(notificationId: string, attempt: number): string {
  return `${notificationId}#${attempt}`;
}

/** The notification as the rest of the code sees it, put together from its documents. */
