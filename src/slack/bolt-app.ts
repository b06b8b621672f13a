/**
 * The Bolt app in Socket Mode, pointed at `SLACK_API_URL` for both the Web API and the
 * Socket Mode connection (`apps.connections.open`).
 *
 * We build the receiver ourselves: it is the only way to set ping timeouts and the retry
 * policy of `apps.connections.open`, and to reach its client for connection state.
 */
import { App, SocketModeReceiver } from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import type { Config } from '../config';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import { toSlackLogger } from './bolt-logger';
import { createProcessEventErrorHandler, registerErrorHandler } from './error-handler';
import { trackSocketStatus, type SocketStatus } from './socket-status';

/**
 * Web API calls made by listeners and workers: a few quick retries for network blips and 5xx.
 * Longer waits (rate limits, outages) are the business of the caller's own queue, not of a
 * request that blocks a listener for half an hour (the SDK default).
 */
export const WEB_API_RETRY: RetryOptions = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true };

/**
 * `apps.connections.open` when (re)connecting: keep trying for about 10 minutes, so an
 * `internal_error` during a Slack incident does not end reconnection (node-slack-sdk#1495),
 * but without the socket client's own default of 100 retries.
 */
export const CONNECTIONS_OPEN_RETRY: RetryOptions = { retries: 20, factor: 1.5, minTimeout: 1_000, maxTimeout: 60_000, randomize: true };

export interface SlackApp {
  app: App;
  receiver: SocketModeReceiver;
  socket: SocketStatus;
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
  /** Socket Mode ping timeouts (ms); tests shorten them to detect dead links quickly. */
  clientPingTimeout?: number;
  serverPingTimeout?: number;
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
      clientOptions: { slackApiUrl: config.slack.apiUrl, retryConfig: CONNECTIONS_OPEN_RETRY },
    },
    processEventErrorHandler: createProcessEventErrorHandler(logger.child({ component: 'bolt' })),
  });
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger: slackLogger,
    // Token verification (auth.test) runs in our own start-up check with a clearer error.
    deferInitialization: true,
    // The error handler then gets the payload too, so its log line says what failed.
    extendedErrorHandler: true,
    clientOptions: { slackApiUrl: config.slack.apiUrl, retryConfig: WEB_API_RETRY },
  });
  registerErrorHandler(app, logger.child({ component: 'bolt' }), metrics);
  const socket = trackSocketStatus(receiver.client, logger.child({ component: 'socket-mode' }), metrics);
  return { app, receiver, socket };
}
