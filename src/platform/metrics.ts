/**
 * Prometheus metrics (prom-client), one registry per connector instance so tests can run
 * several instances in one process. Features add their own metrics through `registry`.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  socketOpen: Gauge;
  socketConnects: Counter;
  storeUp: Gauge;
  listenerErrors: Counter<'code'>;
  httpRequests: Counter<'route' | 'status'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pigment_slack_' });
  return {
    registry,
    socketOpen: new Gauge({
      name: 'pigment_slack_socket_open',
      help: '1 while the Socket Mode connection to Slack is open',
      registers: [registry],
    }),
    socketConnects: new Counter({
      name: 'pigment_slack_socket_connects_total',
      help: 'Socket Mode connections established (a fast rise means a reconnect loop)',
      registers: [registry],
    }),
    storeUp: new Gauge({
      name: 'pigment_slack_store_up',
      help: '1 when the last store check answered',
      registers: [registry],
    }),
    listenerErrors: new Counter({
      name: 'pigment_slack_listener_errors_total',
      help: 'Slack listener errors by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'pigment_slack_http_requests_total',
      help: 'HTTP API requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
  };
}
