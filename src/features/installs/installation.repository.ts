/**
 * Slack installations (`slack_installations`, cross-tenant: Slack's events name a team, and
 * the team names the tenant). `_id` = the Slack team id, so a team belongs to one tenant;
 * the unique `tenantId` index lets a tenant hold one team. Tokens are stored encrypted with
 * ENCRYPTION_KEY and deleted when Slack revokes them; the binding stays, so a reinstall of the
 * same team for the same tenant resumes where it stopped.
 */
import type { Collection, Db } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import { isDuplicateKey } from '../../db/store-errors';
import { decryptSecret, encryptSecret, type EncryptedSecret } from '../../platform/secrets';
import type { BindRefusal, Installation } from './installation.types';

interface InstallationDocument extends Omit<Installation, 'teamId' | 'botToken' | 'adminUserToken'> {
  _id: string;
  botToken?: EncryptedSecret;
  adminUserToken?: EncryptedSecret;
}

export const INSTALLATION_INDEXES: CollectionIndexes = {
  global: true,
  collection: 'slack_installations',
  indexes: [{ key: { tenantId: 1 }, name: 'tenantId_unique', unique: true }],
};

export type BindResult = { ok: true; installation: Installation; reinstalled: boolean } | { ok: false; reason: BindRefusal; boundTo?: string };

export class InstallationRepository {
  private readonly installations: Collection<InstallationDocument>;

  constructor(
    db: Db,
    private readonly key: Buffer,
  ) {
    this.installations = db.collection<InstallationDocument>(INSTALLATION_INDEXES.collection);
  }

  async forTeam(teamId: string): Promise<Installation | undefined> {
    const doc = await this.installations.findOne({ _id: teamId });
    return doc ? this.toInstallation(doc) : undefined;
  }

  async forTenant(tenantId: string): Promise<Installation | undefined> {
    const doc = await this.installations.findOne({ tenantId });
    return doc ? this.toInstallation(doc) : undefined;
  }

  /**
   * Binds the team to the tenant with fresh tokens: a new binding, or the same team and tenant
   * again (a reinstall). Refused, changing nothing, when the team belongs to another tenant or
   * the tenant to another team. Races are decided by the two unique keys.
   */
  async bind(installation: Installation): Promise<BindResult> {
    const doc = this.toDocument(installation);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const existing = await this.installations.findOne({ _id: installation.teamId });
      if (existing && existing.tenantId !== installation.tenantId) return { ok: false, reason: 'team_bound_elsewhere', boundTo: existing.tenantId };
      if (existing) {
        const { _id, ...fields } = doc;
        await this.installations.replaceOne({ _id, tenantId: installation.tenantId }, fields);
        return { ok: true, installation, reinstalled: true };
      }
      try {
        await this.installations.insertOne(doc);
        return { ok: true, installation, reinstalled: false };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const other = await this.installations.findOne({ tenantId: installation.tenantId }, { projection: { _id: 1 } });
        if (other && other._id !== installation.teamId) return { ok: false, reason: 'tenant_has_other_team', boundTo: other._id };
        // The same team was bound a moment ago by another process: read it again.
      }
    }
    throw new Error(`could not bind team ${installation.teamId} to ${installation.tenantId}: the binding kept changing`);
  }

  /** The tenant that `teamId` is bound to, whether its tokens are live or not. */
  async tenantOfTeam(teamId: string): Promise<string | undefined> {
    return (await this.installations.findOne({ _id: teamId }, { projection: { tenantId: 1 } }))?.tenantId;
  }

  /** Tenants whose installation has a bot token, in tenant order (the scheduler's fan-out). */
  async *liveTenantIds(batch = 500): AsyncGenerator<string> {
    let after = '';
    for (;;) {
      const page = await this.installations
        .find({ botToken: { $exists: true }, tenantId: { $gt: after } }, { projection: { tenantId: 1 } })
        .sort({ tenantId: 1 })
        .limit(batch)
        .toArray();
      for (const doc of page) yield doc.tenantId;
      if (page.length < batch) return;
      after = page[page.length - 1]!.tenantId;
    }
  }

  /** Deletes the team's tokens (uninstall, revocation); the binding stays. Returns the tenant, if bound. */
  /**
   * Deletes the installing admin's user token only (Slack revoked it, e.g. the admin left or
   * removed their authorization): the bot keeps working, the inventory loses its admin-only
   * columns until an admin installs again with them.
   */
  async forgetAdminUserToken(teamId: string): Promise<string | undefined> {
    const doc = await this.installations.findOneAndUpdate({ _id: teamId }, { $unset: { adminUserToken: '' } }, { returnDocument: 'after' });
    return doc?.tenantId;
  }

  async revoke(teamId: string, reason: 'app_uninstalled' | 'tokens_revoked', now: Date): Promise<string | undefined> {
    const doc = await this.installations.findOneAndUpdate(
      { _id: teamId },
      { $set: { revokedAt: now, revokedReason: reason }, $unset: { botToken: '', adminUserToken: '' } },
      { returnDocument: 'after' },
    );
    return doc?.tenantId;
  }

  private toDocument(installation: Installation): InstallationDocument {
    const { teamId, botToken, adminUserToken, revokedAt: _r, revokedReason: _rr, ...rest } = installation;
    return {
      _id: teamId,
      ...rest,
      ...(botToken ? { botToken: encryptSecret(botToken, this.key) } : {}),
      ...(adminUserToken ? { adminUserToken: encryptSecret(adminUserToken, this.key) } : {}),
    };
  }

  private toInstallation(doc: InstallationDocument): Installation {
    const { _id, botToken, adminUserToken, ...rest } = doc;
    return {
      teamId: _id,
      ...rest,
      ...(botToken ? { botToken: decryptSecret(botToken, this.key) } : {}),
      ...(adminUserToken ? { adminUserToken: decryptSecret(adminUserToken, this.key) } : {}),
    };
  }
}
