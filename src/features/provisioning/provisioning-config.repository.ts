/**
 * The provisioning configuration: one document (`_id: 'config'`), absent until an admin saves
 * one. Without it the scheduled sync does nothing: syncing the whole workspace into the
 * directory is an admin's decision, never a default.
 */
import type { Collection } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { ProvisioningConfig } from './provisioning.types';
import type { CollectionSource } from '../../db/tenant-collection';

/**
 * A configuration saved before guests were a choice synced them: it keeps doing so until an
 * admin chooses, rather than have the first sync after an upgrade deactivate every guest it
 * created. New configurations start from DEFAULT_INCLUDE_GUESTS (left out).
 */
const GUESTS_BEFORE_THE_CHOICE = true;

/** As stored: a configuration saved before guests were a choice has no `includeGuests`. */
interface ConfigDocument extends Omit<ProvisioningConfig, 'includeGuests'> {
  includeGuests?: boolean;
  _id: 'config';
  updatedAt: Date;
  updatedBy: string;
}

export const PROVISIONING_CONFIG_INDEXES: CollectionIndexes = { collection: 'provisioning_config', indexes: [] };

export interface StoredProvisioningConfig extends ProvisioningConfig {
  updatedAt: Date;
  /** The member who saved it. */
  updatedBy: string;
}

export class ProvisioningConfigRepository {
  private readonly configs: Collection<ConfigDocument>;

  constructor(db: CollectionSource) {
    this.configs = db.collection<ConfigDocument>(PROVISIONING_CONFIG_INDEXES.collection);
  }

  async get(): Promise<StoredProvisioningConfig | undefined> {
    const doc = await this.configs.findOne({ _id: 'config' });
    if (!doc) return undefined;
    const { _id, includeGuests, ...config } = doc;
    return { ...config, includeGuests: includeGuests ?? GUESTS_BEFORE_THE_CHOICE };
  }

  /** Replaces the configuration (the next sync uses it). */
  async save(config: ProvisioningConfig, by: string, now: Date): Promise<StoredProvisioningConfig> {
    const stored: StoredProvisioningConfig = {
      scope: config.scope,
      groupIds: [...config.groupIds],
      teamMapping: { enabled: config.teamMapping.enabled, groupToTeam: { ...config.teamMapping.groupToTeam } },
      includeGuests: config.includeGuests,
      inviteNewMembers: config.inviteNewMembers,
      maxDeactivationShare: config.maxDeactivationShare,
      updatedAt: now,
      updatedBy: by,
    };
    await this.configs.replaceOne({ _id: 'config' }, stored, { upsert: true });
    return stored;
  }
}
