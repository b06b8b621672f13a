/**
 * The outbox's read model: a notification's status (the API), a member's recent ones (the App
 * Home), counts and the backlog (metrics, benchmarks). Reads only; a status is put together
 * from the outbox, the queue entry, the outcome and the opening (see
 * outbox-collections.repository.ts).
 */
import type { Notification, NotificationStatus } from '../notification.types';
import { toNotification, type OutboxCollections } from './outbox-collections.repository';

export class OutboxReads {
  constructor(private readonly c: OutboxCollections) {}

  /** The notification with its current status, from the outbox, its queue entry, outcome and opening. */
  async findById(id: string): Promise<Notification | undefined> {
    const doc = await this.c.outbox.findOne({ _id: id });
    if (!doc) return undefined;
    // The queue before the outcomes (an outcome is written before its entry is removed), so a
    // notification finishing meanwhile is never seen as neither queued nor finished.
    const entry = await this.c.queue.findOne({ _id: id });
    const [outcome, opened] = await Promise.all([this.c.outcomes.findOne({ _id: id }), this.c.opens.findOne({ _id: id })]);
    return toNotification(doc, entry ?? undefined, outcome ?? undefined, opened ?? undefined);
  }

  /**
   * A member's most recent notifications, newest first: the ones addressed to their member id,
   * and the ones addressed by email that the worker resolved to them when it finished them.
   */
  async listRecentForMember(memberId: string, limit: number): Promise<Notification[]> {
    const [addressed, resolved] = await Promise.all([
      this.c.outbox.find({ 'recipient.memberId': memberId }).sort({ createdAt: -1, _id: 1 }).limit(limit).toArray(),
      this.c.outcomes
        .find({ memberId }, { projection: { _id: 1 } })
        .sort({ finishedAt: -1 })
        .limit(limit)
        .toArray(),
    ]);
    const known = new Set(addressed.map((doc) => doc._id));
    const more = resolved.map((outcome) => outcome._id).filter((id) => !known.has(id));
    const byEmail = more.length > 0 ? await this.c.outbox.find({ _id: { $in: more } }).toArray() : [];
    const docs = [...addressed, ...byEmail].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a._id.localeCompare(b._id)).slice(0, limit);
    const ids = docs.map((doc) => doc._id);
    if (ids.length === 0) return [];
    const [entries, outcomes, opens] = await Promise.all([
      this.c.queue.find({ _id: { $in: ids } }).toArray(),
      this.c.outcomes.find({ _id: { $in: ids } }).toArray(),
      this.c.opens.find({ _id: { $in: ids } }).toArray(),
    ]);
    const entryOf = new Map(entries.map((e) => [e._id, e]));
    const outcomeOf = new Map(outcomes.map((o) => [o._id, o]));
    const openOf = new Map(opens.map((o) => [o._id, o]));
    return docs.map((doc) => toNotification(doc, entryOf.get(doc._id), outcomeOf.get(doc._id), openOf.get(doc._id)));
  }

  /** How many notifications are in each status (metrics, benchmarks). */
  async countByStatus(): Promise<Record<NotificationStatus, number>> {
    const counts: Record<NotificationStatus, number> = { queued: 0, delivering: 0, delivered: 0, skipped: 0, failed: 0 };
    for (const status of ['delivered', 'skipped', 'failed'] as const) counts[status] = await this.c.outcomes.countDocuments({ status });
    for await (const entry of this.c.queue.find({}, { projection: { holder: 1 } })) {
      if (entry.holder !== undefined) counts.delivering += 1;
      else counts.queued += 1;
    }
    return counts;
  }

  /** Notifications waiting in the queue (queued or delivering): the backlog. */
  async backlog(): Promise<number> {
    return this.c.queue.countDocuments({});
  }
}
