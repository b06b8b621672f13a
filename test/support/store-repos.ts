/**
 * The repositories over a test database, for tests that seed or inspect the store directly.
 * The connector's features keep theirs private (they reach each other through ports); a test
 * reads and writes the same collections through these.
 */
import type { Db } from 'mongodb';
import { TenantDb } from '../../src/db/tenant-collection';
import type { FeatureDeps, Features } from '../../src/features';
import { AuditRepository } from '../../src/features/audit/audit.repository';
import { MappingRepository } from '../../src/features/mapping/mapping.repository';
import { MemberImportPreviewRepository } from '../../src/features/members/home/member-import-preview.repository';
import { MemberRepository } from '../../src/features/members/member.repository';
import { WorkspaceRepository } from '../../src/features/workspace/workspace.repository';
import { systemClock } from '../../src/platform/clock';

export interface StoreRepos {
  members: MemberRepository;
  mappings: MappingRepository;
  workspaces: WorkspaceRepository;
  audit: AuditRepository;
  memberImportPreviews: MemberImportPreviewRepository;
}

/** The repositories on the store, scoped like the connector's (the current tenant, or the suite's single tenant). */
export function storeRepos(raw: Db): StoreRepos {
  const db = new TenantDb(raw);
  const members = new MemberRepository(db);
  return {
    members,
    // Writes here keep the Home's maintained counts as the connector's own do.
    mappings: new MappingRepository(db, {
      clock: systemClock,
      memberCounted: async (memberId) => ((await members.findById(memberId))?.status ?? 'deactivated') !== 'deactivated',
    }),
    workspaces: new WorkspaceRepository(db),
    audit: new AuditRepository(db),
    memberImportPreviews: new MemberImportPreviewRepository(db),
  };
}

/**
 * One object with a running connector's kernel, its features' ports and the store's
 * repositories, for fixtures that use all three.
 */
export function connectorView(connector: { deps: FeatureDeps; features: Features; store: { db: Db } }): FeatureDeps & Features & { repos: StoreRepos } {
  return { ...connector.deps, ...connector.features, repos: storeRepos(connector.store.db) };
}
