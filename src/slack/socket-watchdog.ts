/**
 * Restarts Socket Mode when the SDK has given up reconnecting.
 *
 * @slack/socket-mode 3.1 retries `apps.connections.open` within its Web API retry policy, then
 * treats an HTTP or network error as unrecoverable and stops for good (its reconnect promise
 * rejects unhandled; node-slack-sdk#1495), leaving a process that looks alive but receives no
 * events. When the socket has been closed with no client activity for `restartAfterMs`
 * (longer than the SDK's own retry window), the watchdog starts the client again, and keeps
 * trying at that pace. /readyz reports the closed socket meanwhile.
 */
import type { SocketModeClient } from '@slack/socket-mode';
import type { Logger } from '../platform/logger';
import type { SocketStatus } from './socket-status';
import { explainSocketStartError } from './token-check';

export interface SocketWatchdogOptions {
  checkEveryMs: number;
  restartAfterMs: number;
}

export const DEFAULT_WATCHDOG: SocketWatchdogOptions = { checkEveryMs: 15_000, restartAfterMs: 180_000 };

/**
 * Makes the client's reconnects fail quietly into the log instead of as an unhandled
 * rejection. The SDK reconnects by calling `this.start` from a timer and drops the promise;
 * wrapping `start` on this instance (after the first, checked start) catches that failure,
 * logs it with the token to fix when it is an auth error, and leaves the rest to the watchdog.
 */
export function guardReconnects(client: SocketModeClient, logger: Logger): void {
  const start = client.start.bind(client);
  client.start = async () => {
    try {
      return await start();
    } catch (error) {
      const explained = explainSocketStartError(error);
      logger.error({ err: explained }, `Socket Mode could not reconnect: ${explained instanceof Error ? explained.message : String(explained)}`);
      return undefined as unknown as Awaited<ReturnType<SocketModeClient['start']>>;
    }
  };
}

export function startSocketWatchdog(
  client: SocketModeClient,
  status: SocketStatus,
  logger: Logger,
  options: SocketWatchdogOptions = DEFAULT_WATCHDOG,
): { stop(): void } {
  let restarting = false;
  let lastRestart = 0;
  const timer = setInterval(() => {
    if (status.isOpen() || restarting) return;
    const quietSince = Math.max(status.lastActivity(), lastRestart);
    if (Date.now() - quietSince < options.restartAfterMs) return;
    restarting = true;
    lastRestart = Date.now();
    logger.warn({ closedForMs: Date.now() - status.since() }, 'Socket Mode stopped reconnecting; restarting it');
    // start() is guarded (guardReconnects): failures are logged there, and retried here later.
    client
      .start()
      .catch(() => undefined)
      .finally(() => {
        restarting = false;
      });
  }, options.checkEveryMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
