/**
 * The Home area each person chose last: one small document per Slack user of the tenant
 * (`_id` is the Slack user id; TenantDb scopes it, so the same id in two workspaces is two
 * people). It only changes what that person sees, so it is kept as they left it: a value that
 * is no longer an area, or one they no longer have, is ignored by the layout, not cleaned up.
 */
import type { Collection } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { CollectionSource } from '../../db/tenant-collection';
import type { HomeArea } from './home-areas';

interface HomeAreaDocument {
  _id: string;
  /** As stored: read back as a string and checked, since an older version may have written another name. */
  area: string;
  updatedAt: Date;
}

/** Read by `_id` only: no index beyond the primary key. */
export const HOME_AREA_INDEXES: CollectionIndexes = { collection: 'home_areas', indexes: [] };

export class HomeAreaRepository {
  private readonly areas: Collection<HomeAreaDocument>;

  constructor(db: CollectionSource) {
    this.areas = db.collection<HomeAreaDocument>(HOME_AREA_INDEXES.collection);
  }

  /** The area as stored for this Slack user, unchecked; undefined when they never chose one. */
  async rememberedBy(slackUserId: string): Promise<string | undefined> {
    return (await this.areas.findOne({ _id: slackUserId }))?.area;
  }

  /**
   * Remembers `area` for this Slack user. Idempotent: choosing the area already stored
   * writes nothing (not even the date), so a repeated click leaves the store as it was.
   */
  async remember(slackUserId: string, area: HomeArea, now: Date): Promise<void> {
    if ((await this.rememberedBy(slackUserId)) === area) return;
    const write = () => this.areas.updateOne({ _id: slackUserId }, { $set: { area, updatedAt: now } }, { upsert: true });
    try {
      await write();
    } catch (error) {
      // Two first clicks racing both insert: the unique _id lets one win; the other updates it.
      if ((error as { code?: number }).code !== 11000) throw error;
      await write();
    }
  }
}
