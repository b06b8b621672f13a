/**
 * Members' notification preferences in MongoDB: one document per member who changed
 * something, `_id` = the member id. A member without a document has the defaults (every
 * type reaches Slack).
 */
import { MongoServerError, type Collection } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import { NOTIFICATION_TYPES, defaultSlackPreferences, type MemberPreferences, type SlackPreferences } from './notification.types';
import type { CollectionSource } from '../../db/tenant-collection';

interface PreferencesDocument {
  _id: string;
  slack: Partial<SlackPreferences>;
  updatedAt: Date;
}

/** Only `_id` lookups: no index beyond the built-in one. */
export const PREFERENCES_INDEXES: CollectionIndexes = {
  collection: 'member_preferences',
  indexes: [],
};

export class PreferencesRepository {
  private readonly preferences: Collection<PreferencesDocument>;

  constructor(db: CollectionSource) {
    this.preferences = db.collection<PreferencesDocument>(PREFERENCES_INDEXES.collection);
  }

  /** The member's preferences, defaults filled in. */
  async get(memberId: string): Promise<MemberPreferences> {
    const doc = await this.preferences.findOne({ _id: memberId });
    return toPreferences(memberId, doc);
  }

  /**
   * Sets the switches given in `patch` and keeps the others; returns the full preferences.
   * An empty patch changes nothing.
   */
  async set(memberId: string, patch: Partial<SlackPreferences>, now: Date): Promise<MemberPreferences> {
    const changes = Object.fromEntries(NOTIFICATION_TYPES.filter((type) => patch[type] !== undefined).map((type) => [`slack.${type}`, patch[type]!]));
    if (Object.keys(changes).length === 0) return this.get(memberId);
    const update = () =>
      this.preferences.findOneAndUpdate({ _id: memberId }, { $set: { ...changes, updatedAt: now } }, { upsert: true, returnDocument: 'after' });
    try {
      return toPreferences(memberId, await update());
    } catch (error) {
      // Two first changes at once: both tried to insert; the second now finds the document.
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      return toPreferences(memberId, await update());
    }
  }
}

function toPreferences(memberId: string, doc: PreferencesDocument | null): MemberPreferences {
  const slack = defaultSlackPreferences();
  for (const type of NOTIFICATION_TYPES) {
    const value = doc?.slack?.[type];
    if (typeof value === 'boolean') slack[type] = value;
  }
  return { memberId, slack, ...(doc ? { updatedAt: doc.updatedAt } : {}) };
}
