/**
 * The worker's Prometheus metrics (see README, Operations). The per-workspace figures an
 * operator acts on (failures, 429s, a refused token, the queue) carry a `tenant` label, bounded
 * to the 50 tenants with the most to report plus `_other` (src/platform/tenant-metrics.ts).
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { TenantCounter, TenantGauge } from '../../../platform/tenant-metrics';
import { DELIVERY_TENANT_MAX_BACKOFF_MS } from '../outbox/delivery-tenants.repository';
import type { SlackStep } from './rate-limit-gates';

export interface DeliveryMetrics {
  finished: Counter<'status' | 'reason'>;
  /** Failed notifications per tenant (the reasons are on `finished`). */
  failed: TenantCounter;
  rateLimited: TenantCounter<'method'>;
  /** 1 per tenant paused on a token error. */
  paused: TenantGauge;
  /** Notifications in each tenant's queue, as this process last counted them. */
  queueDepth: TenantGauge;
  foundInHistory: Counter;
  deliverySeconds: Histogram;
}

const STEPS: SlackStep[] = ['conversations.open', 'conversations.history', 'chat.postMessage'];

/** `now`: the connector's clock (ms), which also times the queue depth's refreshes. */
export function createDeliveryMetrics(registry: Registry, now: () => number = Date.now): DeliveryMetrics {
  return {
    finished: new Counter({
      name: 'pigment_slack_notifications_finished_total',
      help: 'Notifications that reached a final status, by status and reason (skip reason or Slack error)',
      labelNames: ['status', 'reason'],
      registers: [registry],
    }),
    failed: new TenantCounter({
      name: 'pigment_slack_notifications_failed_total',
      help: 'Notifications that failed, by workspace (the 50 with the most failures in the last hour or two; the rest under tenant="_other")',
      registry,
      now,
    }),
    rateLimited: new TenantCounter({
      name: 'pigment_slack_delivery_rate_limited_total',
      help: 'Slack 429 answers to delivery calls, by workspace (the 50 with the most in the last hour or two; the rest under tenant="_other") and method',
      labelNames: ['method'],
      otherLabels: STEPS.map((method) => ({ method })),
      registry,
      now,
    }),
    paused: new TenantGauge({
      name: 'pigment_slack_delivery_paused',
      help: '1 per workspace whose delivery is paused because Slack refuses its bot token (50 named; the count of the others under tenant="_other")',
      registry,
      now,
    }),
    queueDepth: new TenantGauge({
      name: 'pigment_slack_delivery_queue_depth',
      help: 'Notifications waiting in the queue of a workspace (queued or delivering), as this process last counted them (the 50 largest; the rest summed under tenant="_other")',
      registry,
      now,
      // Every tenant with a queue is looked at again within the longest backoff: a count not
      // refreshed for twice that belongs to a tenant another process serves now, or emptied.
      staleAfterMs: 2 * DELIVERY_TENANT_MAX_BACKOFF_MS,
    }),
    foundInHistory: new Counter({
      name: 'pigment_slack_notifications_found_in_history_total',
      help: 'Re-attempted notifications found already posted in the DM (recorded, not sent again)',
      registers: [registry],
    }),
    deliverySeconds: new Histogram({
      name: 'pigment_slack_notification_delivery_seconds',
      help: 'Time from the hand-off to the recorded delivery',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers: [registry],
    }),
  };
}
