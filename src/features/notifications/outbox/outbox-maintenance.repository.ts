/**
 * The outbox's upkeep, run by scheduled jobs, never per claim: putting back notifications a
 * crash left without a queue entry, and retention (FerretDB has no TTL indexes).
 */
import { insertQueueEntry, queueEntry, type OutboxCollections } from './outbox-collections.repository';

const RETENTION_BATCH = 500;
/** requeueOrphans looks at notifications created this long before its cut-off, not older. */
const ORPHAN_LOOKBACK_MS = 7 * 86_400_000;

export class OutboxMaintenance {
  constructor(private readonly c: OutboxCollections) {}

  /**
   * Puts back in the queue the notifications created before `before` (and at most a week
   * earlier) that have neither an outcome nor a queue entry: the process died between the
   * two inserts of `enqueue` and the caller never retried. Reads the ids of the whole queue and
   * outcomes: run it now and then, never per claim. Returns how many came back.
   */
  async requeueOrphans(before: Date): Promise<number> {
    const since = new Date(before.getTime() - ORPHAN_LOOKBACK_MS);
    const candidates = await this.c.outbox.find({ createdAt: { $lt: before, $gte: since } }).toArray();
    if (candidates.length === 0) return 0;
    const ids = candidates.map((doc) => doc._id);
    // The queue before the outcomes (see findById).
    const queued = await this.c.queue.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
    const finished = await this.c.outcomes.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
    const present = new Set([...queued, ...finished].map((doc) => doc._id));
    let restored = 0;
    for (const doc of candidates) {
      if (present.has(doc._id)) continue;
      // Retention may have removed it since it was read (and its tickets with it).
      if (!(await this.c.outbox.findOne({ _id: doc._id }, { projection: { _id: 1 } }))) continue;
      // Carry on from the last attempt, so its spent tickets are not stepped over one by one.
      const last = await this.c.claims
        .find({ notificationId: doc._id }, { projection: { attempt: 1 } })
        .sort({ attempt: -1 })
        .limit(1)
        .toArray();
      const entry = { ...queueEntry(doc, doc.createdAt), attempts: last[0]?.attempt ?? 0, ...(last.length > 0 ? { sendUncertain: true } : {}) };
      if (await insertQueueEntry(this.c.queue, entry)) restored += 1;
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
      const batch = await this.c.outcomes
        .find({ status: { $in: ['delivered', 'skipped'] }, finishedAt: { $lt: date } }, { projection: { _id: 1 } })
        .limit(RETENTION_BATCH)
        .toArray();
      if (batch.length === 0) return deleted;
      const ids = batch.map((doc) => doc._id);
      // The outcome last: while it is there, a second run finds the rest again.
      await this.c.claims.deleteMany({ notificationId: { $in: ids } });
      await this.c.opens.deleteMany({ _id: { $in: ids } });
      const result = await this.c.outbox.deleteMany({ _id: { $in: ids } });
      await this.c.outcomes.deleteMany({ _id: { $in: ids } });
      deleted += result.deletedCount;
      if (batch.length < RETENTION_BATCH) return deleted;
    }
  }
}
