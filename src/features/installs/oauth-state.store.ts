/**
 * OAuth states for @slack/oauth's InstallProvider, kept in the store (`slack_oauth_states`,
 * cross-tenant): a random value that names the install options (tenant and member in their
 * metadata) server-side, valid for STATE_TTL_MS and usable once (a unique insert into
 * `slack_oauth_state_uses`), so a callback replayed or forged from another browser changes
 * nothing. InstallProvider also checks the state against its cookie in the browser.
 */
import { randomBytes } from 'node:crypto';
import { InvalidStateError, type InstallURLOptions, type StateStore } from '@slack/oauth';
import type { Collection, Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import { isDuplicateKey } from '../../db/store-errors';

interface StateDocument {
  _id: string;
  installOptions: InstallURLOptions;
  createdAt: Date;
  expiresAt: Date;
}

export const OAUTH_STATE_INDEXES: CollectionIndexes = {
  global: true,
  collection: 'slack_oauth_states',
  indexes: [{ key: { expiresAt: 1 }, name: 'expiresAt' }],
};
export const OAUTH_STATE_USE_INDEXES: CollectionIndexes = { global: true, collection: 'slack_oauth_state_uses', indexes: [{ key: { at: 1 }, name: 'at' }] };

/** As long as Slack's consent page may reasonably stay open. */
export const STATE_TTL_MS = 10 * 60_000;

/** Why a state was refused, for the page that says so. */
export class RefusedStateError extends InvalidStateError {
  constructor(readonly reason: 'unknown' | 'expired' | 'used') {
    super(`the OAuth state is ${reason}`);
  }
}

export class MongoStateStore implements StateStore {
  private readonly states: Collection<StateDocument>;
  private readonly uses: Collection<{ _id: string; at: Date }>;

  constructor(db: Db) {
    this.states = db.collection<StateDocument>(OAUTH_STATE_INDEXES.collection);
    this.uses = db.collection(OAUTH_STATE_USE_INDEXES.collection);
  }

  async generateStateParam(installOptions: InstallURLOptions, now: Date): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    await this.states.insertOne({ _id: state, installOptions, createdAt: now, expiresAt: new Date(now.getTime() + STATE_TTL_MS) });
    const before = new Date(now.getTime() - 24 * 3_600_000);
    await this.states.deleteMany({ expiresAt: { $lt: before } });
    await this.uses.deleteMany({ at: { $lt: before } });
    return state;
  }

  async verifyStateParam(now: Date, state: string): Promise<InstallURLOptions> {
    const doc = await this.states.findOne({ _id: state });
    if (!doc) throw new RefusedStateError('unknown');
    if (doc.expiresAt <= now) throw new RefusedStateError('expired');
    try {
      await this.uses.insertOne({ _id: state, at: now });
    } catch (error) {
      if (isDuplicateKey(error)) throw new RefusedStateError('used');
      throw error;
    }
    return doc.installOptions;
  }
}
