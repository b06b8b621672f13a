/**
 * Bench-only bulk writes for the idle benchmark: registered tenants (`platform_workspaces`)
 * and their Slack installations (`slack_installations`, bot token encrypted with the
 * connector's ENCRYPTION_KEY), of the same shape as TenantRepository and
 * InstallationRepository store them, a thousand per command.
 */
import type { Db } from 'mongodb';
import { INSTALLATION_INDEXES } from '../../src/features/installs/installation.repository';
import { TENANT_INDEXES } from '../../src/features/tenants/tenant.repository';
import { encryptSecret } from '../../src/platform/secrets';

const BATCH = 1_000;

export const idleTenantId = (i: number) => `idle-${String(i).padStart(5, '0')}`;
export const idleTeamId = (i: number) => `TIDLE${String(i).padStart(6, '0')}`;

/** Registers `tenants` tenants and installs the app for the first `installed` of them. */
export async function seedIdleTenants(db: Db, tenants: number, installed: number, key: Buffer, baseUrl: string): Promise<void> {
  const now = new Date();
  const registry = db.collection<{ _id: string }>(TENANT_INDEXES.collection);
  for (let i = 0; i < tenants; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, tenants - i) }, (_, j) => ({
      _id: idleTenantId(i + j),
      name: `Idle ${i + j}`,
      baseUrl,
      createdAt: now,
      updatedAt: now,
    }));
    await registry.insertMany(batch, { ordered: false });
  }
  const installations = db.collection<{ _id: string }>(INSTALLATION_INDEXES.collection);
  for (let i = 0; i < installed; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, installed - i) }, (_, j) => ({
      _id: idleTeamId(i + j),
      teamName: `Idle team ${i + j}`,
      tenantId: idleTenantId(i + j),
      botUserId: 'UIDLEBOT',
      botToken: encryptSecret(`xoxb-idle-${i + j}`, key),
      botScopes: ['chat:write', 'users:read', 'users:read.email'],
      installedAt: now,
      mode: 'token' as const,
    }));
    await installations.insertMany(batch, { ordered: false });
  }
}
