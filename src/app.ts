/**
 * The composition root: builds everything in order (logger, metrics, store, Slack app,
 * features, HTTP server, the Slack receiver) and stops it in reverse. No other module creates
 * long-lived objects.
 */
import { dropRepeatedEvents } from './slack/repeated-events';
import { secretsOf, type Config } from './config';
import { ensureIndexes } from './db/indexes';
import { ALL_INDEXES } from './features/index-registry';
import { openStore, type Store } from './db/store';
import { WebClient } from '@slack/web-api';
import { createFeatureDeps, registerFeatures, type FeatureDeps, type Features } from './features';
import type { ConnectorTuning } from './features/deps';
import { systemClock, type Clock } from './platform/clock';
import { registerHealthRoutes } from './platform/http/health.routes';
import { startHttpServer, type RunningHttpServer } from './platform/http/http-server';
import { Router } from './platform/http/router';
import { createLogger, type LoggerHandle } from './platform/logger';
import { createMetrics } from './platform/metrics';
import { createSlackApp, WEB_API_RETRY, WEB_API_TIMEOUT_MS, type SlackApp, type SlackAppOptions } from './slack/bolt-app';
import { TenantSlack, type TenantInstallation } from './slack/tenant-slack';
import { TenantRegistry, UnknownTenantError } from './features/tenants/tenant-registry';
import { TenantRepository } from './features/tenants/tenant.repository';
import { registerTenantRoutes } from './features/tenants/tenants.routes';
import { createAuthorize, InstallationCache, InstallationRepository, installFromToken, tenantScope, type Installation } from './features/installs';
import { MANIFEST_BOT_SCOPES } from './slack/manifest-scopes';
import type { ApiResponse } from './platform/http/router';
import type { Logger } from './platform/logger';
import { toSlackLogger } from './slack/bolt-logger';
import type { BotIdentity } from './slack/token-check';

export interface ConnectorOptions {
  config: Config;
  /** A ready logger (tests capture its output); built from the config otherwise. */
  logging?: LoggerHandle;
  slack?: SlackAppOptions;
  /** The time; tests move it by hand. */
  clock?: Clock;
  /** Shorter leases, polls and backoff for tests; production uses the defaults. */
  tuning?: ConnectorTuning;
  /** The store client emits command events (benchmarks count round trips on `store.client`). */
  monitorStoreCommands?: boolean;
}

export interface Connector {
  config: Config;
  logging: LoggerHandle;
  store: Store;
  slack: SlackApp;
  /** The SLACK_BOT_TOKEN installation's bot, in single-workspace mode. */
  identity: BotIdentity | undefined;
  http: RunningHttpServer;
  /** The kernel the features were built on (store, clients, scheduler, hooks). */
  deps: FeatureDeps;
  /** The features' ports (workspace state, members, mapping, actors, …). */
  features: Features;
  /** Stops in reverse order of start; in-flight handlers finish first. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the connector; on failure, whatever was already started is stopped again. */
export async function startConnector(options: ConnectorOptions): Promise<Connector> {
  const { config } = options;
  const logging = options.logging ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const logger = logging.logger;
  const metrics = createMetrics();
  const stack: Array<() => Promise<void>> = [];
  const unwind = async () => {
    while (stack.length > 0) {
      const stopOne = stack.pop()!;
      await stopOne().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
  };

  try {
    const store = await openStore({
      uri: config.mongo.uri,
      dbName: config.mongo.dbName,
      dataDir: config.dataDir,
      logger,
      ...(options.monitorStoreCommands ? { monitorCommands: true } : {}),
    });
    stack.push(() => store.close());
    await ensureIndexes(store.db, ALL_INDEXES);

    const clock = options.clock ?? systemClock;
    const tenants = new TenantRegistry(new TenantRepository(store.db), clock);
    const installations = new InstallationRepository(store.db, config.encryptionKey);
    const installationCache = new InstallationCache(installations, () => clock.now().getTime());
    const tenantSlack = new TenantSlack({
      apiUrl: config.slack.apiUrl,
      installationOf: async (tenantId) => usableInstallation(await installations.forTenant(tenantId)),
      logger: toSlackLogger(logger, 'web-api'),
      deliveryLogger: toSlackLogger(logger, 'delivery-api'),
      now: () => clock.now().getTime(),
    });

    const slack = createSlackApp(config, logger, metrics, { ...options.slack, authorize: createAuthorize(installationCache) });
    slack.app.use(dropRepeatedEvents(store.db, clock, logger.child({ component: 'bolt' })));
    slack.app.use(tenantScope({ cache: installationCache, tenants, logger: logger.child({ component: 'bolt' }) }));
    await slack.app.init();

    const router = new Router();
    router.setTenantGate((workspaceId, handle) => tenantGate(tenants, workspaceId, handle));
    const deps = createFeatureDeps({
      db: store.db,
      config,
      logger,
      clock,
      tenants,
      scheduledTenants: () => installations.liveTenantIds(),
      slack: tenantSlack,
      metricsRegistry: metrics.registry,
      ...(options.tuning ? { tuning: options.tuning } : {}),
      router,
    });
    const features = registerFeatures(slack.app, deps, { installations, installationCache });
    registerTenantRoutes(router, tenants);
    // Single-workspace mode: SLACK_BOT_TOKEN is the installation of the default workspace.
    let identity: BotIdentity | undefined;
    if (config.slack.botToken)
      identity = await installDefaultWorkspace(config, { tenants, installations, installationCache, tenantSlack, features, clock, logger });
    stack.push(async () => {
      for (const finish of deps.hooks.stopping) await finish();
    });
    stack.push(() => deps.scheduler.stop());

    registerHealthRoutes(
      router,
      {
        storeAnswers: () => store.ping(),
        slackReceiver: () => slack.receiver.readiness(),
        workers: () => Object.fromEntries(deps.background.map((worker) => [worker.name, worker.status()])),
      },
      metrics,
    );
    slack.receiver.registerRoutes(router);
    const http = await startHttpServer({ router, apiToken: config.http.apiToken, logger, metrics }, config.http.host, config.http.port);
    stack.push(() => http.close());

    await slack.start();
    deps.scheduler.start();
    for (const worker of deps.background) {
      worker.start();
      // Stopped before the store closes; each gives back what it held but had not started.
      stack.push(() => worker.stop());
    }
    stack.push(async () => {
      await slack.stopReceiving();
      // No new events arrive now; let listeners that are running finish with the store open.
      const unfinished = await slack.inFlight.drain(5_000);
      if (unfinished > 0) logger.warn({ unfinished }, 'listeners still running at shutdown');
    });
    logger.info('connector started');

    let stopping: Promise<void> | undefined;
    return {
      config,
      logging,
      store,
      slack,
      identity,
      http,
      deps,
      features,
      stop: () => {
        stopping ??= (async () => {
          logger.info('connector stopping');
          await unwind();
          logger.info('connector stopped');
        })();
        return stopping;
      },
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/** What work may use of an installation: none without a bot token (uninstalled, revoked). */
function usableInstallation(installation: Installation | undefined): TenantInstallation | undefined {
  if (!installation?.botToken) return undefined;
  return {
    teamId: installation.teamId,
    teamName: installation.teamName,
    botUserId: installation.botUserId,
    botToken: installation.botToken,
    ...(installation.adminUserToken ? { adminUserToken: installation.adminUserToken } : {}),
  };
}

/** Runs a tenant route inside its tenant; 404 for a workspace the platform never registered. */
async function tenantGate(tenants: TenantRegistry, workspaceId: string, handle: () => Promise<ApiResponse>): Promise<ApiResponse> {
  try {
    return await tenants.run(workspaceId, handle);
  } catch (error) {
    if (!(error instanceof UnknownTenantError) || error.tenantId !== workspaceId) throw error;
    return {
      status: 404,
      body: {
        error: 'workspace_not_found',
        message: `No platform workspace ${workspaceId} is registered; register it with PUT /api/v1/workspaces/${workspaceId}.`,
      },
    };
  }
}

/**
 * Single-workspace mode: registers the default workspace if needed (its base URL is
 * PIGMENT_BASE_URL), stores SLACK_BOT_TOKEN as its installation, and attaches its Slack
 * connection (pending until a Security Admin or Primary Owner acknowledges it in the App Home).
 */
async function installDefaultWorkspace(
  config: Config,
  parts: {
    tenants: TenantRegistry;
    installations: InstallationRepository;
    installationCache: InstallationCache;
    tenantSlack: TenantSlack;
    features: Features;
    clock: Clock;
    logger: Logger;
  },
): Promise<BotIdentity> {
  const tenantId = config.defaultWorkspaceId;
  const tenant = await parts.tenants.ensure(tenantId, { name: 'Default workspace', baseUrl: config.pigmentBaseUrl! });
  if (tenant.baseUrl !== config.pigmentBaseUrl) {
    parts.logger.warn(
      { tenantId, baseUrl: tenant.baseUrl },
      "PIGMENT_BASE_URL differs from the default workspace's registered base URL; the registered one is used",
    );
  }
  const client = new WebClient(config.slack.botToken, { slackApiUrl: config.slack.apiUrl, retryConfig: WEB_API_RETRY, timeout: WEB_API_TIMEOUT_MS });
  const { identity } = await installFromToken(client, config.slack.botToken!, {
    installations: parts.installations,
    tenantId,
    scopes: [...MANIFEST_BOT_SCOPES],
    now: parts.clock.now(),
    logger: parts.logger,
  });
  parts.installationCache.forget(identity.teamId);
  parts.tenantSlack.forget(tenantId);
  await parts.tenants.run(tenantId, () => parts.features.workspace.attach({ id: identity.teamId, name: identity.teamName }));
  parts.logger.info({ tenantId, teamId: identity.teamId, team: identity.teamName, botUserId: identity.botUserId }, 'bot token accepted');
  return identity;
}
