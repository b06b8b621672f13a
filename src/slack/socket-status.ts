/**
 * Whether the Socket Mode connection is open right now, from the client's own state events.
 * `/readyz` reports it, so a socket that died silently (bolt-js#1906) shows up as not ready.
 */
import type { SocketModeClient } from '@slack/socket-mode';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';

export interface SocketStatus {
  isOpen(): boolean;
  /** When the client last did anything (connecting, authenticated, state change), ms since epoch. */
  lastActivity(): number;
  /** When the state last changed (ms since epoch). */
  since(): number;
  /** How many times the connection was (re)established since start. */
  connects(): number;
}

export function trackSocketStatus(client: SocketModeClient, logger: Logger, metrics: Metrics): SocketStatus {
  let open = false;
  let since = Date.now();
  let connects = 0;
  let lastActivity = Date.now();
  const set = (value: boolean) => {
    open = value;
    since = Date.now();
    lastActivity = since;
    metrics.socketOpen.set(value ? 1 : 0);
  };
  // Attempts in progress count as activity: the watchdog leaves a client that is still trying alone.
  client.on('connecting', () => {
    lastActivity = Date.now();
  });
  client.on('authenticated', () => {
    lastActivity = Date.now();
  });
  client.on('connected', () => {
    connects += 1;
    metrics.socketConnects.inc();
    set(true);
    logger.info({ connects }, 'Socket Mode connected');
  });
  // An abrupt drop only emits 'close'; 'reconnecting' follows after the reconnect delay.
  client.on('close', () => {
    if (open) logger.warn('Socket Mode connection closed');
    set(false);
  });
  client.on('reconnecting', () => {
    set(false);
    logger.warn('Socket Mode reconnecting');
  });
  client.on('disconnected', () => {
    set(false);
    logger.warn('Socket Mode disconnected');
  });
  return { isOpen: () => open, lastActivity: () => lastActivity, since: () => since, connects: () => connects };
}
