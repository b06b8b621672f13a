/**
 * Starts the real connector (real Bolt app, real SDK clients) against a Slack emulator and
 * its own database in the test run's store, capturing every log line.
 */
import { Writable } from 'node:stream';
import { startConnector, type Connector } from '../../src/app';
import type { SlackAppOptions } from '../../src/slack/bolt-app';
import { SLACK_EVENTS_PATH } from '../../src/slack/http-receiver';
import type { ConnectorTuning } from '../../src/features/deps';
import type { Clock } from '../../src/platform/clock';
import { parseConfig, secretsOf } from '../../src/config';
import { useSingleTenantScopeInTests } from '../../src/tenancy/tenant-scope';
import { createLogger } from '../../src/platform/logger';
import { createSlackEmulator, type SlackEmulator, type SlackEmulatorOptions } from '../../scripts/slack-emulator';
import { TEST_SECRETS, validEnv } from './factories';
import { testStoreUri, uniqueDbName } from './store';
import { appendSuiteLog, registerSuiteSecret } from './suite-log';

/**
 * Delivery knobs for tests: quick polls and retries. Leases and the mapping wait keep their
 * production length; tests that need them to pass move the clock.
 */
export const TEST_TUNING: ConnectorTuning = {
  delivery: {
    pollIntervalMs: 50,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    pauseProbeMs: 100,
    mappingRecheckMinMs: 1_000,
    mappingRecheckMaxMs: 1_000,
    queueDepthRefreshMs: 100,
  },
};

export interface TestConnector {
  emulator: SlackEmulator;
  connector: Connector;
  /** Every log line written so far (JSON strings). */
  logs: string[];
  /** GET/POST against the connector's HTTP server. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestConnector(
  options: {
    emulator?: SlackEmulatorOptions;
    env?: Record<string, string>;
    label?: string;
    slack?: SlackAppOptions;
    /** Keep the database at stop(), for a second connector on it (pass MONGODB_DB in env). */
    keepDatabase?: boolean;
    /** Another connector's emulator (one Slack workspace, several processes); not closed by stop(). */
    sharedEmulator?: SlackEmulator;
    clock?: Clock;
    /** Fast polls, short leases and backoff by default (see TEST_TUNING). */
    tuning?: ConnectorTuning;
    /**
     * Several tenants: no single-tenant fallback scope, so every service call the test makes
     * must open its tenant's scope, as production code must.
     */
    multiTenant?: boolean;
    /**
     * `http`: SLACK_RECEIVER=http with TEST_SECRETS.signingSecret and no app-level token; once the
     * connector listens (HTTP_PORT=0 picks the port at start), the emulator delivers to its
     * `/slack/events`. Socket Mode by default.
     */
    receiver?: 'socket' | 'http';
  } = {},
): Promise<TestConnector> {
  const emulator = options.sharedEmulator ?? (await createSlackEmulator({ rateLimitScale: 50, ...options.emulator }));
  const closeEmulator = () => (options.sharedEmulator ? Promise.resolve() : emulator.close());
  registerSuiteSecret('Slack emulator bot token', emulator.botToken);
  registerSuiteSecret('Slack emulator app token', emulator.appToken);
  const overHttp = options.receiver === 'http';
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      appendSuiteLog(chunk as Buffer);
      callback();
    },
  });
  const config = parseConfig(
    validEnv({
      SLACK_API_URL: emulator.apiUrl,
      SLACK_BOT_TOKEN: emulator.botToken,
      ...(overHttp
        ? { SLACK_RECEIVER: 'http', SLACK_SIGNING_SECRET: TEST_SECRETS.signingSecret, SLACK_APP_TOKEN: undefined }
        : { SLACK_APP_TOKEN: emulator.appToken }),
      MONGODB_URI: testStoreUri(),
      MONGODB_DB: uniqueDbName(options.label ?? 'connector'),
      HTTP_PORT: '0',
      LOG_LEVEL: 'debug',
      ...options.env,
    }),
  );
  const logging = createLogger({
    level: config.logLevel,
    destination,
    // The same list production uses, so the redaction tests prove the real set-up.
    secrets: secretsOf(config, {}),
  });
  let connector: Connector;
  try {
    // Short ping timeouts: the client waits clientPingTimeout before each reconnect.
    connector = await startConnector({
      config,
      logging,
      slack: { clientPingTimeout: 1_500, ...options.slack },
      ...(options.clock ? { clock: options.clock } : {}),
      tuning: { delivery: { ...TEST_TUNING.delivery, ...options.tuning?.delivery } },
    });
  } catch (error) {
    await closeEmulator();
    throw error;
  }
  if (overHttp) emulator.useHttpDelivery(`${connector.http.url}${SLACK_EVENTS_PATH}`, TEST_SECRETS.signingSecret);
  // The suite's one tenant: services called directly run in it (see useSingleTenantScopeInTests).
  useSingleTenantScopeInTests(
    options.multiTenant ? undefined : { tenantId: config.defaultWorkspaceId, baseUrl: config.pigmentBaseUrl ?? 'https://acme.pigment.test' },
  );
  return {
    emulator,
    connector,
    logs,
    fetch: (path, init) => fetch(`${connector.http.url}${path}`, init),
    stop: async () => {
      if (process.env.JEST_WORKER_ID === undefined) throw new Error('test connectors only run under jest');
      if (!options.keepDatabase) await connector.store.db.dropDatabase().catch(() => undefined);
      await connector.stop();
      await closeEmulator();
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
