/**
 * The notification outbox in MongoDB: its collections, their documents and indexes, and the
 * helpers the outbox's parts share (outbox-handoff, -claims, -reads, -maintenance). Every collection on the delivery path is written with
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
 * Only plain indexes (FerretDB has no TTL or partial ones): retention is
 * `deleteFinishedBefore`, run by a scheduled job.
 */
import { MongoServerError, type Collection } from 'mongodb';
import type { CollectionIndexes } from '../../../db/indexes';
import { recipientKey, type Notification, type NotificationStatus, type SlackMessageRef } from '../notification.types';
import type { CollectionSource } from '../../../db/tenant-collection';

/** The notification as handed off. */
export interface OutboxDocument {
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
export type QueuedContent = Omit<OutboxDocument, '_id'>;

/** An unfinished notification: what claims read. */
export interface QueueDocument {
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
  /** With `sendUncertain`: an earlier attempt, if it posted, did so before this (see ReleaseOutcome). */
  uncertainUntil?: Date;
  lastError?: string;
  updatedAt: Date;
}

/** One per claimed attempt; the unique `_id` is what makes a claim exclusive. */
export interface ClaimDocument {
  _id: string;
  notificationId: string;
  attempt: number;
  holder: string;
  claimedAt: Date;
  expiresAt: Date;
}

export interface OutcomeDocument {
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

export interface OpenDocument {
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

/** The outbox's five collections, opened once and shared by its parts. */
export interface OutboxCollections {
  outbox: Collection<OutboxDocument>;
  queue: Collection<QueueDocument>;
  claims: Collection<ClaimDocument>;
  outcomes: Collection<OutcomeDocument>;
  opens: Collection<OpenDocument>;
}

export function openOutboxCollections(db: CollectionSource): OutboxCollections {
  return {
    outbox: db.collection<OutboxDocument>(OUTBOX_INDEXES.collection),
    queue: db.collection<QueueDocument>(NOTIFICATION_QUEUE_INDEXES.collection),
    claims: db.collection<ClaimDocument>(NOTIFICATION_CLAIM_INDEXES.collection),
    outcomes: db.collection<OutcomeDocument>(NOTIFICATION_OUTCOME_INDEXES.collection),
    opens: db.collection<OpenDocument>(NOTIFICATION_OPEN_INDEXES.collection),
  };
}

/** Inserts a queue entry; false when it is already there. */
export async function insertQueueEntry(queue: Collection<QueueDocument>, entry: QueueDocument): Promise<boolean> {
  try {
    await queue.insertOne(entry);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

export function pickContent(source: Partial<QueuedContent> & Record<string, unknown>): QueuedContent {
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
export function queueEntry(doc: OutboxDocument, now: Date): QueueDocument {
  const { _id, ...content } = doc;
  return { _id, dueAt: doc.createdAt, attempts: 0, recipient: recipientKey(doc.recipient), content: pickContent(content), updatedAt: now };
}

export function toNotification(doc: OutboxDocument, entry?: QueueDocument, outcome?: OutcomeDocument, opened?: OpenDocument): Notification {
  const { _id, ...content } = doc;
  const status: NotificationStatus = outcome ? outcome.status : entry?.holder !== undefined ? 'delivering' : 'queued';
  const recipient =
    outcome?.memberId !== undefined && content.recipient.memberId === undefined
      ? { ...content.recipient, memberId: outcome.memberId }
      : { ...content.recipient };
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

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
