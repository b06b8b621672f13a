/**
 * The outbox's hand-off: how a notification gets in (the HTTP API, other features' ports) and
 * how its first opening from Slack is recorded. Both are single inserts whose unique `_id`
 * decides races (see outbox-collections.repository.ts).
 */
import type { Notification, NotificationRequest } from '../notification.types';
import {
  insertQueueEntry,
  isDuplicateKey,
  pickContent,
  queueEntry,
  toNotification,
  type OutboxCollections,
  type OutboxDocument,
} from './outbox-collections.repository';
import type { OutboxReads } from './outbox-reads.repository';

export type EnqueueResult = { outcome: 'created'; notification: Notification } | { outcome: 'duplicate'; existing: Notification };

export type RecordOpenedResult = 'recorded' | 'already_recorded' | 'not_found';

export class OutboxHandoff {
  constructor(
    private readonly c: OutboxCollections,
    private readonly reads: Pick<OutboxReads, 'findById'>,
  ) {}

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
      await this.c.outbox.insertOne(doc);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.reads.findById(request.id);
      // Deleted by retention in between: the id was used; report the collision.
      if (!existing) throw error;
      if (existing.status === 'queued' && existing.attempts === 0) await this.insertQueueEntry(existing, now);
      return { outcome: 'duplicate', existing };
    }
    const entry = queueEntry(doc, now);
    await insertQueueEntry(this.c.queue, entry);
    return { outcome: 'created', notification: toNotification(doc, entry) };
  }

  /** The first click on "Open in Pigment": records `openedInSlackAt` once and changes nothing else. */
  async recordOpened(id: string, at: Date): Promise<RecordOpenedResult> {
    if (!(await this.c.outbox.findOne({ _id: id }, { projection: { _id: 1 } }))) return 'not_found';
    try {
      await this.c.opens.insertOne({ _id: id, at });
      return 'recorded';
    } catch (error) {
      if (isDuplicateKey(error)) return 'already_recorded';
      throw error;
    }
  }

  /** Inserts the queue entry of an unfinished notification; false when it is already there. */
  private async insertQueueEntry(notification: Notification, now: Date): Promise<boolean> {
    const { id, status: _status, attempts: _attempts, availableAt: _availableAt, updatedAt: _updatedAt, ...rest } = notification;
    return insertQueueEntry(this.c.queue, queueEntry({ _id: id, ...pickContent(rest) }, now));
  }
}
