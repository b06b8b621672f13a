/**
 * Slack delivers every event at least once: an envelope whose ack did not reach Slack in time
 * comes again (`retry_attempt` > 0, same `event_id`), possibly to another process of the
 * deployment. This middleware lets each `event_id` through once across all processes: the
 * first to insert it in `slack_events_seen` (its `_id`, a unique index) runs the listeners,
 * every later copy is dropped. Interactions carry no `event_id` and Slack does not redeliver them.
 *
 * Ids are kept for an hour (Slack retries within minutes) and purged by whoever inserts, at
 * most every ten minutes per process: FerretDB 1.24 has no TTL indexes.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { type Db, MongoServerError } from 'mongodb';
import type { CollectionIndexes } from '../db/indexes';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';

export const SEEN_EVENTS_COLLECTION = 'slack_events_seen';
export const SEEN_EVENT_INDEXES: CollectionIndexes = {
  global: true,
  collection: SEEN_EVENTS_COLLECTION,
  indexes: [{ key: { at: 1 }, name: 'at' }],
};

/** How long an event id is remembered. */
export const SEEN_EVENT_RETENTION_MS = 60 * 60_000;
const PURGE_EVERY_MS = 10 * 60_000;

interface SeenEvent {
  _id: string;
  type: string;
  at: Date;
}

export function dropRepeatedEvents(db: Db, clock: Clock, logger: Logger): Middleware<AnyMiddlewareArgs> {
  const seen = db.collection<SeenEvent>(SEEN_EVENTS_COLLECTION);
  let lastPurge = 0;

  async function firstCopy(eventId: string, type: string): Promise<boolean> {
    try {
      await seen.insertOne({ _id: eventId, type, at: clock.now() });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  /** Old ids out, after the listeners and never in their way: a failed purge is tried again later. */
  function purgeNowAndThen(): void {
    const now = clock.now().getTime();
    if (now - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now;
    seen.deleteMany({ at: { $lt: new Date(now - SEEN_EVENT_RETENTION_MS) } }).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not purge old Slack event ids; trying again later');
    });
  }

  return async ({ body, next, context }) => {
    const { event_id: eventId, event } = body as { event_id?: unknown; event?: { type?: unknown } };
    if (typeof eventId !== 'string' || eventId === '') {
      await next();
      return;
    }
    const type = typeof event?.type === 'string' ? event.type : 'unknown';
    if (!(await firstCopy(eventId, type))) {
      logger.info({ eventId, event: type, retryNum: context.retryNum, retryReason: context.retryReason }, 'repeated Slack event dropped');
      return;
    }
    try {
      await next();
    } catch (error) {
      // Not handled after all: a copy Slack sends again may try (the mark must not drop it).
      await seen.deleteOne({ _id: eventId }).catch(() => undefined);
      throw error;
    }
    purgeNowAndThen();
  };
}
