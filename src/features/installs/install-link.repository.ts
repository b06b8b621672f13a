/**
 * Install links (`slack_install_links`, cross-tenant: the link is all the browser brings).
 * The token itself is never stored, only its SHA-256, so a copy of the database cannot be
 * used to install. A link is usable once: the use is an insert into
 * `slack_install_link_uses` whose unique `_id` decides between two clicks at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import { isDuplicateKey } from '../../db/store-errors';

interface LinkDocument {
  _id: string;
  tenantId: string;
  memberId: string;
  createdAt: Date;
  expiresAt: Date;
}

interface UseDocument {
  _id: string;
  at: Date;
}

export const INSTALL_LINK_INDEXES: CollectionIndexes = {
  global: true,
  collection: 'slack_install_links',
  indexes: [{ key: { expiresAt: 1 }, name: 'expiresAt' }],
};
export const INSTALL_LINK_USE_INDEXES: CollectionIndexes = { global: true, collection: 'slack_install_link_uses', indexes: [{ key: { at: 1 }, name: 'at' }] };

/** How long an install link can be used. */
export const INSTALL_LINK_TTL_MS = 10 * 60_000;
/** Links and uses are kept this long after they expire (so a late click hears "expired", not "unknown"), then purged. */
const KEPT_AFTER_EXPIRY_MS = 24 * 3_600_000;

export interface InstallLink {
  tenantId: string;
  memberId: string;
  expiresAt: Date;
}

export type LinkState =
  | { kind: 'usable'; link: InstallLink }
  | { kind: 'unknown' }
  | { kind: 'expired'; link: InstallLink }
  | { kind: 'used'; link: InstallLink };

export class InstallLinkRepository {
  private readonly links: Collection<LinkDocument>;
  private readonly uses: Collection<UseDocument>;

  constructor(db: Db) {
    this.links = db.collection<LinkDocument>(INSTALL_LINK_INDEXES.collection);
    this.uses = db.collection<UseDocument>(INSTALL_LINK_USE_INDEXES.collection);
  }

  /** A new link for the member of the tenant: the token (for the URL) and when it expires. */
  async create(tenantId: string, memberId: string, now: Date): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + INSTALL_LINK_TTL_MS);
    await this.links.insertOne({ _id: hashOf(token), tenantId, memberId, createdAt: now, expiresAt });
    // Old links go as new ones are made: FerretDB has no TTL index.
    await this.purge(now);
    return { token, expiresAt };
  }

  async state(token: string, now: Date): Promise<LinkState> {
    const id = hashOf(token);
    const doc = await this.links.findOne({ _id: id });
    if (!doc) return { kind: 'unknown' };
    const link = { tenantId: doc.tenantId, memberId: doc.memberId, expiresAt: doc.expiresAt };
    if (await this.uses.findOne({ _id: id })) return { kind: 'used', link };
    if (doc.expiresAt <= now) return { kind: 'expired', link };
    return { kind: 'usable', link };
  }

  /** Uses the link: true for the one caller that used it first, while it was valid. */
  async use(token: string, now: Date): Promise<boolean> {
    const state = await this.state(token, now);
    if (state.kind !== 'usable') return false;
    try {
      await this.uses.insertOne({ _id: hashOf(token), at: now });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private async purge(now: Date): Promise<void> {
    const before = new Date(now.getTime() - KEPT_AFTER_EXPIRY_MS);
    await this.links.deleteMany({ expiresAt: { $lt: before } });
    await this.uses.deleteMany({ at: { $lt: before } });
  }
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
