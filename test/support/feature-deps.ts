/**
 * Feature dependencies on a test database, for tests that register features on a Bolt app
 * without starting the whole connector.
 */
import { WebClient } from '@slack/web-api';
import type { Db } from 'mongodb';
import { parseConfig } from '../../src/config';
import { createFeatureDeps, type FeatureDeps } from '../../src/features';
import type { Clock } from '../../src/platform/clock';
import { Router } from '../../src/platform/http/router';
import { createLogger } from '../../src/platform/logger';
import { TEST_SECRETS, validEnv } from './factories';

export function testFeatureDeps(db: Db, options: { slackApiUrl?: string; clock?: Clock; teamId?: string } = {}): FeatureDeps {
  const config = parseConfig(validEnv(options.slackApiUrl ? { SLACK_API_URL: options.slackApiUrl } : {}));
  const { logger } = createLogger({ level: 'silent' });
  return createFeatureDeps({
    db,
    config,
    logger,
    clock: options.clock ?? { now: () => new Date() },
    slackClient: new WebClient(TEST_SECRETS.botToken, { slackApiUrl: config.slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } }),
    router: new Router(),
    teamId: () => options.teamId ?? 'T0TEST',
  });
}
