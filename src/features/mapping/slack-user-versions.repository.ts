/**
 * The newest copy of each Slack user that a user event brought (`user.updated`, seconds).
 * Slack promises no order between events: a `user_change` delivered late must not undo a
 * newer one (reactivate someone deactivated since, restore an old email). `advance` is the
 * one check, decided by the store: an upsert that matches only an older or equal version,
 * and whose insert collides with `_id` when a newer version is stored.
 */
import { MongoServerError } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { CollectionSource } from '../../db/tenant-collection';

export const SLACK_USER_VERSIONS_COLLECTION = 'slack_user_versions';
/** Keyed by the Slack user id (`_id`): no other index needed. */
export const SLACK_USER_VERSION_INDEXES: CollectionIndexes = { collection: SLACK_USER_VERSIONS_COLLECTION, indexes: [] };

interface SlackUserVersion {
  _id: string;
  updated: number;
  at: Date;
}

export class SlackUserVersionRepository {
  private readonly versions;

  constructor(db: CollectionSource) {
    this.versions = db.collection<SlackUserVersion>(SLACK_USER_VERSIONS_COLLECTION);
  }

  /** Records `updated` for the user; false when a newer copy was applied already (this one is stale). */
  async advance(slackUserId: string, updated: number, now: Date): Promise<boolean> {
    try {
      await this.versions.updateOne({ _id: slackUserId, updated: { $lte: updated } }, { $set: { updated, at: now } }, { upsert: true });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }
}
