/**
 * The Socket Mode receiver, pointed at `SLACK_API_URL` for `apps.connections.open`.
 *
 * We build Bolt's receiver ourselves: it is the only way to set ping timeouts and the retry
 * policy of `apps.connections.open`, and to reach its client for connection state (readiness,
 * the watchdog that restarts a client that gave up, the guard on its reconnects).
 */
import { SocketModeReceiver } from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import { toSlackLogger } from './bolt-logger';
import { createProcessEventErrorHandler } from './error-handler';
import type { SlackReceiver } from './slack-receiver';
import { trackSocketStatus } from './socket-status';
import { guardReconnects, startSocketWatchdog, type SocketWatchdogOptions } from './socket-watchdog';
import { explainSocketStartError } from './token-check';

/**
 * `apps.connections.open` when (re)connecting, for HTTP and network errors (Slack's own
 * `ok:false` errors such as internal_error are retried by the socket client itself): about
 * 1-2 minutes of tries instead of the client's default of 100 retries. If they all fail, the
 * client stops for good and the watchdog (socket-watchdog.ts) starts it again later.
 */
export const CONNECTIONS_OPEN_RETRY: RetryOptions = { retries: 8, factor: 1.5, minTimeout: 1_000, maxTimeout: 30_000, randomize: true };

export interface SocketReceiverOptions {
  appToken: string;
  apiUrl: string;
  /** Timeout of `apps.connections.open` (ms). */
  requestTimeoutMs: number;
  /** Socket Mode ping timeouts (ms); tests shorten them to detect dead links quickly. */
  clientPingTimeout?: number;
  serverPingTimeout?: number;
  /** Retry policy of apps.connections.open; tests shorten it. */
  connectionsOpenRetry?: RetryOptions;
  /** When the watchdog restarts a client that gave up; tests shorten it. */
  watchdog?: SocketWatchdogOptions;
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

export function createSocketReceiver(options: SocketReceiverOptions, logger: Logger, metrics: Metrics): SlackReceiver {
  const socketLogger = logger.child({ component: 'socket-mode' });
  const receiver = new SocketModeReceiver({
    appToken: options.appToken,
    logger: toSlackLogger(logger, 'socket-mode'),
    autoReconnectEnabled: true,
    clientPingTimeout: options.clientPingTimeout,
    serverPingTimeout: options.serverPingTimeout,
    installerOptions: {
      clientOptions: { slackApiUrl: options.apiUrl, retryConfig: options.connectionsOpenRetry ?? CONNECTIONS_OPEN_RETRY, timeout: options.requestTimeoutMs },
    },
    processEventErrorHandler: createProcessEventErrorHandler(logger.child({ component: 'bolt' })),
  });
  const socket = trackSocketStatus(receiver.client, socketLogger, metrics);
  const watchdog = startSocketWatchdog(receiver.client, socket, socketLogger, options.watchdog);
  return {
    kind: 'socket',
    bolt: receiver,
    socket,
    registerRoutes: () => undefined,
    explainStartError: explainSocketStartError,
    // Installed after the first start, whose errors must reach the caller.
    started: () => guardReconnects(receiver.client, socketLogger),
    async stop() {
      watchdog.stop();
      await stopSocketMode(receiver);
    },
    readiness: () => {
      const open = socket.isOpen();
      return { ready: open, checks: { slackSocket: open ? 'open' : 'closed' } };
    },
  };
}
