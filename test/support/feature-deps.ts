/**
 * The kernel on a test database, for tests that build features (or register them on a Bolt
 * app) without starting the whole connector; `repos` reach the store directly for seeding and
 * inspecting (see store-repos.ts).
 */
import { WebClient } from '@slack/web-api';
import type { Db } from 'mongodb';
import { parseConfig } from '../../src/config';
import { createFeatureDeps, type FeatureDeps } from '../../src/features';
import type { Clock } from '../../src/platform/clock';
import { Router } from '../../src/platform/http/router';
import { createLogger } from '../../src/platform/logger';
import { TEST_SECRETS, validEnv } from './factories';
import { storeRepos, type StoreRepos } from './store-repos';

export type TestFeatureDeps = FeatureDeps & { repos: StoreRepos };

export function testFeatureDeps(db: Db, options: { slackApiUrl?: string; clock?: Clock; teamId?: string } = {}): TestFeatureDeps {
  const config = parseConfig(validEnv(options.slackApiUrl ? { SLACK_API_URL: options.slackApiUrl } : {}));
  const { logger } = createLogger({ level: 'silent' });
  const deps = createFeatureDeps({
    db,
    config,
    logger,
    clock: options.clock ?? { now: () => new Date() },
    slackClient: new WebClient(TEST_SECRETS.botToken, { slackApiUrl: config.slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } }),
    router: new Router(),
    teamId: () => options.teamId ?? 'T0TEST',
  });
  return { ...deps, repos: storeRepos(db) };
}
