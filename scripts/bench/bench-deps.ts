/**
 * The feature deps a benchmark runs a job's code with, built as the composition root builds
 * them for jobs (the bot-token client surfaces rate limits as errors the directory waits
 * out), against the benchmark's emulator and store. Shared by the mapping and provisioning
 * benchmarks.
 */
import type { Db } from 'mongodb';
import { parseConfig } from '../../src/config';
import { createFeatureDeps, type FeatureDeps } from '../../src/features';
import { createAuditLog } from '../../src/features/audit';
import { createMapping, type MappingFeature } from '../../src/features/mapping';
import { createMemberServices, type MemberServices } from '../../src/features/members';
import { createWorkspaceService } from '../../src/features/workspace';
import type { WorkspaceService } from '../../src/features/workspace/workspace.service';
import { systemClock } from '../../src/platform/clock';
import { Router } from '../../src/platform/http/router';
import type { Logger } from '../../src/platform/logger';
import { TenantSlack } from '../../src/slack/tenant-slack';
import { TenantRegistry } from '../../src/features/tenants/tenant-registry';
import { TenantRepository } from '../../src/features/tenants/tenant.repository';
import { toSlackLogger } from '../../src/slack/bolt-logger';

/** The tenant the mapping and provisioning benchmarks run in (their code runs inside `runInTenant(BENCH_TENANT, …)`). */
export const BENCH_TENANT = { tenantId: 'bench', baseUrl: 'https://bench.pigment.test' };

export interface BenchDepsInput {
  db: Db;
  logger: Logger;
  slack: { apiUrl: string; botToken: string; appToken: string };
  storeUri: string;
  dataDir: string;
  teamId: string;
  /** MONGODB_DB, when the benchmark uses its own database name. */
  dbName?: string;
}

/** The kernel plus the ports the mapping and provisioning jobs use, built as the composition root builds them. */
export type BenchDeps = FeatureDeps & { workspace: WorkspaceService; members: MemberServices; mapping: MappingFeature };

export function benchFeatureDeps(input: BenchDepsInput): BenchDeps {
  const config = parseConfig({
    SLACK_API_URL: input.slack.apiUrl,
    SLACK_BOT_TOKEN: input.slack.botToken,
    SLACK_APP_TOKEN: input.slack.appToken,
    MONGODB_URI: input.storeUri,
    ...(input.dbName ? { MONGODB_DB: input.dbName } : {}),
    API_TOKEN: 'b'.repeat(40),
    PIGMENT_BASE_URL: 'https://bench.pigment.test',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    DATA_DIR: input.dataDir,
    LOG_LEVEL: 'warn',
  });
  const tenants = new TenantRegistry(new TenantRepository(input.db), systemClock);
  const deps = createFeatureDeps({
    db: input.db,
    config,
    logger: input.logger,
    clock: systemClock,
    tenants,
    scheduledTenants: async function* () {
      yield BENCH_TENANT.tenantId;
    },
    // The one benchmark tenant, installed with the emulator's bot token.
    slack: new TenantSlack({
      apiUrl: config.slack.apiUrl,
      installationOf: async () => ({ teamId: input.teamId, teamName: 'Bench', botUserId: 'UBENCHBOT', botToken: input.slack.botToken }),
      logger: toSlackLogger(input.logger, 'web-api'),
    }),
    router: new Router(),
  });
  const workspace = createWorkspaceService(deps, createAuditLog(deps.db));
  const members = createMemberServices(deps);
  return { ...deps, workspace, members, mapping: createMapping(deps, { members: members.directory, workspace }) };
}
