/**
 * The Bolt app in Socket Mode, pointed at `SLACK_API_URL` for both the Web API and the
 * Socket Mode connection (`apps.connections.open`).
 *
 * We build the receiver ourselves: it is the only way to set ping timeouts and the retry
 * policy of `apps.connections.open`, and to reach its client for connection state.
 */
import { markReceived } from './ack-deadline';
import { App, SocketModeReceiver, type Authorize } from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import type { Config } from '../config';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import { ackUnhandledPayloads } from './ack-unhandled';
import { toSlackLogger } from './bolt-logger';
import { createProcessEventErrorHandler, registerErrorHandler } from './error-handler';
import { InFlightTracker } from './in-flight';
import { trackSocketStatus, type SocketStatus } from './socket-status';
import { guardReconnects, startSocketWatchdog, type SocketWatchdogOptions } from './socket-watchdog';

/**
 * Web API calls made by listeners and workers: a few quick retries for network blips and 5xx.
 * Longer waits (rate limits, outages) are the business of the caller's own queue, not of a
 * request that blocks a listener for half an hour (the SDK default).
 */
export const WEB_API_RETRY: RetryOptions = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true };

/** A request that hangs is abandoned after this long (the SDK default is no timeout). */
export const WEB_API_TIMEOUT_MS = 30_000;

/**
 * `apps.connections.open` when (re)connecting, for HTTP and network errors (Slack's own
 * `ok:false` errors such as internal_error are retried by the socket client itself): about
 * 1-2 minutes of tries instead of the client's default of 100 retries. If they all fail, the
 * client stops for good and the watchdog (socket-watchdog.ts) starts it again later.
 */
export const CONNECTIONS_OPEN_RETRY: RetryOptions = { retries: 8, factor: 1.5, minTimeout: 1_000, maxTimeout: 30_000, randomize: true };

export interface SlackApp {
  app: App;
  receiver: SocketModeReceiver;
  socket: SocketStatus;
  watchdog: { stop(): void };
  /** Listener runs in progress; shutdown waits for them before closing the store. */
  inFlight: InFlightTracker;
  /** Call once the first start succeeded: later reconnect failures are logged, not thrown. */
  guardReconnects(): void;
}

/**
 * Closes the Socket Mode connection and waits for the close handshake (at most `deadlineMs`).
 * Bolt's `app.stop()` only starts the disconnect and returns at once, which leaves the
 * socket and its timers behind in a process that is about to exit or start again.
 */
export async function stopSocketMode(receiver: SocketModeReceiver, deadlineMs = 3_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    receiver.client.disconnect(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
    }),
  ]);
  clearTimeout(timer);
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
  const receiver = new SocketModeReceiver({
    appToken: config.slack.appToken,
    logger: toSlackLogger(logger, 'socket-mode'),
    autoReconnectEnabled: true,
    clientPingTimeout: options.clientPingTimeout,
    serverPingTimeout: options.serverPingTimeout,
    installerOptions: {
      clientOptions: { slackApiUrl: config.slack.apiUrl, retryConfig: options.connectionsOpenRetry ?? CONNECTIONS_OPEN_RETRY, timeout: WEB_API_TIMEOUT_MS },
    },
    processEventErrorHandler: createProcessEventErrorHandler(logger.child({ component: 'bolt' })),
  });
  if (!options.authorize) throw new Error('the Slack app needs an authorize function (installations)');
  const app = new App({
    authorize: options.authorize,
    receiver,
    logger: slackLogger,
    // Token verification (auth.test) runs in our own start-up check with a clearer error.
    deferInitialization: true,
    // The error handler then gets the payload too, so its log line says what failed.
    extendedErrorHandler: true,
    clientOptions: { slackApiUrl: config.slack.apiUrl, retryConfig: WEB_API_RETRY, timeout: WEB_API_TIMEOUT_MS },
  });
  registerErrorHandler(app, logger.child({ component: 'bolt' }), metrics);
  ackUnhandledPayloads(app, logger.child({ component: 'bolt' }));
  const socket = trackSocketStatus(receiver.client, logger.child({ component: 'socket-mode' }), metrics);
  const watchdog = startSocketWatchdog(receiver.client, socket, logger.child({ component: 'socket-mode' }), options.watchdog);
  // Installed by the caller after the first start, whose errors must reach it.
  const guard = () => guardReconnects(receiver.client, logger.child({ component: 'socket-mode' }));
  const inFlight = new InFlightTracker();
  // First middleware: every listener run, event or interaction, is counted while it runs, and
  // the moment it arrived is kept for the ack's deadline (ack-deadline.ts).
  app.use(async ({ next, context }) => {
    markReceived(context);
    await inFlight.track(next());
  });
  return { app, receiver, socket, watchdog, inFlight, guardReconnects: guard };
}
