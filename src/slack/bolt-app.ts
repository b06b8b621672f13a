/**
 * The Bolt app, pointed at `SLACK_API_URL` for the Web API, with the receiver the settings
 * choose (slack-receiver.ts): Socket Mode by default, Slack's signed HTTPS requests with
 * `SLACK_RECEIVER=http`. Everything after the receiver (authorize, middleware, listeners,
 * error handling, the ack of unhandled payloads, in-flight tracking) is the same for both.
 */
import { markReceived } from './ack-deadline';
import { App, type Authorize } from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import type { Config } from '../config';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import { ackUnhandledPayloads } from './ack-unhandled';
import { toSlackLogger } from './bolt-logger';
import { registerErrorHandler } from './error-handler';
import { createHttpReceiver } from './http-receiver';
import { InFlightTracker } from './in-flight';
import type { SlackReceiver } from './slack-receiver';
import { createSocketReceiver } from './socket-receiver';
import type { SocketStatus } from './socket-status';
import type { SocketWatchdogOptions } from './socket-watchdog';

/**
 * Web API calls made by listeners and workers: a few quick retries for network blips and 5xx.
 * Longer waits (rate limits, outages) are the business of the caller's own queue, not of a
 * request that blocks a listener for half an hour (the SDK default).
 */
export const WEB_API_RETRY: RetryOptions = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true };

/** A request that hangs is abandoned after this long (the SDK default is no timeout). */
export const WEB_API_TIMEOUT_MS = 30_000;

export interface SlackApp {
  app: App;
  /** Socket Mode or HTTP, as SLACK_RECEIVER says. */
  receiver: SlackReceiver;
  /** Socket Mode's connection state; undefined with the HTTP receiver. */
  socket: SocketStatus | undefined;
  /** Listener runs in progress; shutdown waits for them before closing the store. */
  inFlight: InFlightTracker;
  /** Starts receiving; a failure names the setting to fix. Later failures are logged and retried, not thrown. */
  start(): Promise<void>;
  /** Takes no new payloads from now on (listeners already running go on; see inFlight). */
  stopReceiving(): Promise<void>;
}

export interface SlackAppOptions {
  /** Finds each payload's installation (its team's bot token and tenant). */
  authorize?: Authorize<boolean>;
  /** Socket Mode ping timeouts (ms); tests shorten them to detect dead links quickly. */
  clientPingTimeout?: number;
  serverPingTimeout?: number;
  /** Retry policy of apps.connections.open; tests shorten it. */
  connectionsOpenRetry?: RetryOptions;
  /** When the watchdog restarts a client that gave up; tests shorten it. */
  watchdog?: SocketWatchdogOptions;
}

export function createSlackApp(config: Config, logger: Logger, metrics: Metrics, options: SlackAppOptions = {}): SlackApp {
  const slackLogger = toSlackLogger(logger, 'bolt');
  if (!options.authorize) throw new Error('the Slack app needs an authorize function (installations)');
  const receiver = createReceiver(config, logger, metrics, options);
  const app = new App({
    authorize: options.authorize,
    receiver: receiver.bolt,
    logger: slackLogger,
    // Token verification (auth.test) runs in our own start-up check with a clearer error.
    deferInitialization: true,
    // The error handler then gets the payload too, so its log line says what failed.
    extendedErrorHandler: true,
    clientOptions: { slackApiUrl: config.slack.apiUrl, retryConfig: WEB_API_RETRY, timeout: WEB_API_TIMEOUT_MS },
  });
  registerErrorHandler(app, logger.child({ component: 'bolt' }), metrics);
  ackUnhandledPayloads(app, logger.child({ component: 'bolt' }));
  const inFlight = new InFlightTracker();
  // First middleware: every listener run, event or interaction, is counted while it runs, and
  // the moment it arrived is kept for the ack's deadline (ack-deadline.ts).
  app.use(async ({ next, context }) => {
    markReceived(context);
    await inFlight.track(next());
  });
  return {
    app,
    receiver,
    socket: receiver.socket,
    inFlight,
    async start() {
      try {
        await app.start();
      } catch (error) {
        throw receiver.explainStartError(error);
      }
      receiver.started();
    },
    stopReceiving: () => receiver.stop(),
  };
}

function createReceiver(config: Config, logger: Logger, metrics: Metrics, options: SlackAppOptions): SlackReceiver {
  const settings = config.slack.receiver;
  if (settings.kind === 'http') return createHttpReceiver({ signingSecret: settings.signingSecret }, logger);
  return createSocketReceiver(
    {
      appToken: settings.appToken,
      apiUrl: config.slack.apiUrl,
      requestTimeoutMs: WEB_API_TIMEOUT_MS,
      clientPingTimeout: options.clientPingTimeout,
      serverPingTimeout: options.serverPingTimeout,
      connectionsOpenRetry: options.connectionsOpenRetry,
      watchdog: options.watchdog,
    },
    logger,
    metrics,
  );
}
