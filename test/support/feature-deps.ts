/**
 * The kernel on a test database, for tests that build features (or register them on a Bolt
 * app) without starting the whole connector; `repos` reach the store directly for seeding and
 * inspecting (see store-repos.ts).
 */
import type { Db } from 'mongodb';
import { parseConfig } from '../../src/config';
import { createFeatureDeps, type FeatureDeps } from '../../src/features';
import { TenantRegistry } from '../../src/features/tenants/tenant-registry';
import { TenantRepository } from '../../src/features/tenants/tenant.repository';
import { TenantSlack } from '../../src/slack/tenant-slack';
import { useSingleTenantScopeInTests } from '../../src/tenancy/tenant-scope';
import type { Clock } from '../../src/platform/clock';
import { Router } from '../../src/platform/http/router';
import { createLogger } from '../../src/platform/logger';
import { TEST_SECRETS, validEnv } from './factories';
import { storeRepos, type StoreRepos } from './store-repos';

export type TestFeatureDeps = FeatureDeps & { repos: StoreRepos };

export function testFeatureDeps(db: Db, options: { slackApiUrl?: string; clock?: Clock; teamId?: string } = {}): TestFeatureDeps {
  const config = parseConfig(validEnv(options.slackApiUrl ? { SLACK_API_URL: options.slackApiUrl } : {}));
  const { logger } = createLogger({ level: 'silent' });
  const clock = options.clock ?? { now: () => new Date() };
  const tenantId = config.defaultWorkspaceId;
  const baseUrl = config.pigmentBaseUrl ?? 'https://acme.pigment.test';
  // One tenant, installed with the test bot token; services called directly run in it.
  useSingleTenantScopeInTests({ tenantId, baseUrl });
  const tenants = new TenantRegistry(new TenantRepository(db), clock);
  const deps = createFeatureDeps({
    db,
    config,
    logger,
    clock,
    tenants,
    scheduledTenants: async function* () {
      yield tenantId;
    },
    slack: new TenantSlack({
      apiUrl: config.slack.apiUrl,
      installationOf: async () => ({ teamId: options.teamId ?? 'T0TEST', teamName: 'Test', botUserId: 'UBOT', botToken: TEST_SECRETS.botToken }),
    }),
    router: new Router(),
  });
  return { ...deps, repos: storeRepos(db) };
}
