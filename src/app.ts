/**
 * The composition root: builds everything in order (logger, metrics, store, Slack app,
 * features, HTTP server, Socket Mode) and stops it in reverse. No other module creates
 * long-lived objects.
 */
import { dropRepeatedEvents } from './slack/repeated-events';
import { secretsOf, type Config } from './config';
import { ensureIndexes } from './db/indexes';
import { ALL_INDEXES } from './features/index-registry';
import { openStore, type Store } from './db/store';
import { WebClient } from '@slack/web-api';
import { createFeatureDeps, registerFeatures, type FeatureDeps, type Features } from './features';
import { createDeliveryClient, type ConnectorTuning } from './features/deps';
import { systemClock, type Clock } from './platform/clock';
import { registerHealthRoutes } from './platform/http/health.routes';
import { startHttpServer, type RunningHttpServer } from './platform/http/http-server';
import { Router } from './platform/http/router';
import { createLogger, type LoggerHandle } from './platform/logger';
import { createMetrics } from './platform/metrics';
import { createSlackApp, stopSocketMode, WEB_API_RETRY, type SlackApp, type SlackAppOptions } from './slack/bolt-app';
import { toSlackLogger } from './slack/bolt-logger';
import { explainSocketStartError, verifyBotToken, type BotIdentity } from './slack/token-check';

export interface ConnectorOptions {
  config: Config;
  /** A ready logger (tests capture its output); built from the config otherwise. */
  logging?: LoggerHandle;
  slack?: SlackAppOptions;
  /** The time; tests move it by hand. */
  clock?: Clock;
  /** Shorter leases, polls and backoff for tests; production uses the defaults. */
  tuning?: ConnectorTuning;
}

export interface Connector {
  config: Config;
  logging: LoggerHandle;
  store: Store;
  slack: SlackApp;
  identity: BotIdentity;
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
    const store = await openStore({ uri: config.mongo.uri, dbName: config.mongo.dbName, dataDir: config.dataDir, logger });
    stack.push(() => store.close());
    await ensureIndexes(store.db, ALL_INDEXES);

    const slack = createSlackApp(config, logger, metrics, options.slack);
    slack.app.use(dropRepeatedEvents(store.db, options.clock ?? systemClock, logger.child({ component: 'bolt' })));
    const identity = await verifyBotToken(slack.app.client);
    await slack.app.init();
    logger.info({ teamId: identity.teamId, team: identity.teamName, botUserId: identity.botUserId }, 'bot token accepted');

    const router = new Router();
    // Jobs and workers get their own client: they handle rate limits themselves instead of
    // blocking inside the SDK's queue.
    const slackClient = new WebClient(config.slack.botToken, {
      slackApiUrl: config.slack.apiUrl,
      retryConfig: WEB_API_RETRY,
      rejectRateLimitedCalls: true,
      logger: toSlackLogger(logger, 'web-api'),
    });
    const deps = createFeatureDeps({
      db: store.db,
      config,
      logger,
      clock: options.clock ?? systemClock,
      slackClient,
      deliveryClient: createDeliveryClient(config, { logger: toSlackLogger(logger, 'delivery-api') }),
      metricsRegistry: metrics.registry,
      ...(options.tuning ? { tuning: options.tuning } : {}),
      router,
      teamId: () => identity.teamId,
    });
    const features = registerFeatures(slack.app, deps);
    await features.workspace.attach({ id: identity.teamId, name: identity.teamName });
    const workspaceRefresh = features.workspace.startRefreshing();
    stack.push(async () => {
      for (const finish of deps.hooks.stopping) await finish();
    });
    stack.push(async () => workspaceRefresh.stop());
    stack.push(() => deps.scheduler.stop());

    registerHealthRoutes(
      router,
      {
        storeAnswers: () => store.ping(),
        socketOpen: () => slack.socket.isOpen(),
        workers: () => Object.fromEntries(deps.background.map((worker) => [worker.name, worker.status()])),
      },
      metrics,
    );
    const http = await startHttpServer({ router, apiToken: config.http.apiToken, logger, metrics }, config.http.host, config.http.port);
    stack.push(() => http.close());

    try {
      await slack.app.start();
    } catch (error) {
      throw explainSocketStartError(error);
    }
    slack.guardReconnects();
    deps.scheduler.start();
    for (const worker of deps.background) {
      worker.start();
      // Stopped before the store closes; each gives back what it held but had not started.
      stack.push(() => worker.stop());
    }
    stack.push(async () => {
      slack.watchdog.stop();
      await stopSocketMode(slack.receiver);
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
