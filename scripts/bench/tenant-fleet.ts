/**
 * Seeds many tenants as the connector stores them: the tenant registry entry, the Slack
 * installation (bot token encrypted with ENCRYPTION_KEY), the workspace record (live), and
 * per tenant its members, each mapped to a Slack user with its DM channel cached (steady
 * state). Also pre-loads notifications into a tenant's outbox exactly as the hand-off writes
 * them (outbox document, queue entry, the tenant's due mark), thousands per command, so a
 * benchmark can start from a 50,000-notification backlog in seconds.
 */
import type { Db } from 'mongodb';
import { TenantDb } from '../../src/db/tenant-collection';
import { InstallationRepository } from '../../src/features/installs/installation.repository';
import type { Mapping } from '../../src/features/mapping/mapping.types';
import type { Member } from '../../src/features/members/member.types';
import { notificationFingerprint, notificationRequestSchema } from '../../src/features/notifications/notification.schema';
import { DeliveryTenants } from '../../src/features/notifications/outbox/delivery-tenants.repository';
import { openOutboxCollections, queueEntry, type OutboxDocument } from '../../src/features/notifications/outbox/outbox-collections.repository';
import { TenantRegistry } from '../../src/features/tenants/tenant-registry';
import { TenantRepository } from '../../src/features/tenants/tenant.repository';
import { WorkspaceRepository } from '../../src/features/workspace/workspace.repository';
import { systemClock } from '../../src/platform/clock';
import { MANIFEST_BOT_SCOPES } from '../../src/slack/manifest-scopes';
import { runInTenant } from '../../src/tenancy/tenant-scope';
import { BenchDataRepository } from './bench-data.repository';
import type { TeamReady } from './tenants-processes';

export const benchTenantId = (i: number) => `tb-${String(i).padStart(5, '0')}`;
export const benchBaseUrl = (tenantId: string) => `https://${tenantId}.pigment.test`;
export const benchMemberId = (j: number) => `m-${j}`;

const SEED_CONCURRENCY = 8;
const BATCH = 1_000;

/** Registers, installs and fills one tenant per emulator team (tenant i ↔ team i). */
export async function seedTenants(db: Db, teams: readonly TeamReady[], encryptionKey: Buffer): Promise<void> {
  const registry = new TenantRegistry(new TenantRepository(db), systemClock);
  const installations = new InstallationRepository(db, encryptionKey);
  let next = 0;
  const seedOne = async (i: number) => {
    const team = teams[i]!;
    const tenantId = benchTenantId(i);
    const now = new Date();
    await registry.put(tenantId, { name: `Bench tenant ${i}`, baseUrl: benchBaseUrl(tenantId) });
    const bound = await installations.bind({
      teamId: team.teamId,
      teamName: `Bench ${i}`,
      tenantId,
      botUserId: team.botUserId,
      botToken: team.botToken,
      botScopes: [...MANIFEST_BOT_SCOPES],
      installedAt: now,
      mode: 'oauth',
    });
    if (!bound.ok) throw new Error(`could not bind ${team.teamId} to ${tenantId}: ${bound.reason}`);
    const users = Object.keys(team.channels).sort();
    const members: Member[] = users.map((_, j) => ({
      id: benchMemberId(j),
      name: `Member ${j}`,
      email: `user${j}@bench.test`,
      emailKey: `user${j}@bench.test`,
      accountType: 'standard_member',
      status: 'activated',
      groups: [],
      source: 'api',
      createdAt: now,
      updatedAt: now,
    }));
    const mappings: Mapping[] = users.map((slackUserId, j) => ({
      memberId: benchMemberId(j),
      slackUserId,
      source: 'auto',
      active: true,
      slackEmail: `user${j}@bench.test`,
      dmChannelId: team.channels[slackUserId]!,
      createdAt: now,
      updatedAt: now,
    }));
    await runInTenant({ tenantId, baseUrl: benchBaseUrl(tenantId) }, async () => {
      const data = new BenchDataRepository(new TenantDb(db));
      await data.insertMembers(members);
      await data.insertMappings(mappings);
      await new WorkspaceRepository(new TenantDb(db)).createIfAbsent({
        teamId: team.teamId,
        teamName: `Bench ${i}`,
        status: 'live',
        connectedAt: now,
        acknowledgedAt: now,
      });
    });
  };
  await Promise.all(
    Array.from({ length: SEED_CONCURRENCY }, async () => {
      while (next < teams.length) await seedOne(next++);
    }),
  );
}

/** The notification body the benchmark hands off (the same shape for HTTP and pre-loading). */
export function benchNotification(tenantId: string, id: string, memberId: string): Record<string, unknown> {
  return {
    id,
    type: 'conversation',
    subtype: 'comment',
    recipient: { memberId },
    title: `Comment on Q3 plan (${id})`,
    body: 'Could you check the *headcount* assumptions for EMEA before Friday?',
    url: `${benchBaseUrl(tenantId)}/apps/1/blocks/2?comment=${id}`,
    actor: { name: 'Bea Planner' },
  };
}

/**
 * Writes `notifications` into `tenantId`'s outbox as `OutboxHandoff.enqueue` would (the
 * request validated and fingerprinted the same way), then marks the tenant due.
 */
export async function preloadNotifications(db: Db, tenantId: string, notifications: ReadonlyArray<{ id: string; memberId: string }>): Promise<void> {
  const baseUrl = benchBaseUrl(tenantId);
  const schema = notificationRequestSchema(baseUrl);
  await runInTenant({ tenantId, baseUrl }, async () => {
    const c = openOutboxCollections(new TenantDb(db));
    for (let i = 0; i < notifications.length; i += BATCH) {
      const now = new Date();
      const docs: OutboxDocument[] = notifications.slice(i, i + BATCH).map(({ id, memberId }) => {
        const request = schema.parse(benchNotification(tenantId, id, memberId));
        return {
          _id: request.id,
          type: request.type,
          subtype: request.subtype,
          recipient: { ...request.recipient },
          title: request.title,
          body: request.body,
          url: request.url,
          ...(request.actor ? { actor: { name: request.actor.name } } : {}),
          createdAt: now,
          fingerprint: notificationFingerprint(request),
        };
      });
      await c.outbox.insertMany(docs, { ordered: true });
      await c.queue.insertMany(
        docs.map((doc) => queueEntry(doc, now)),
        { ordered: true },
      );
    }
  });
  await new DeliveryTenants(db).markDue(tenantId, new Date());
}
