/** The worker's Prometheus metrics (see README, Operations). */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface DeliveryMetrics {
  finished: Counter<'status' | 'reason'>;
  rateLimited: Counter<'method'>;
  paused: Gauge;
  foundInHistory: Counter;
  deliverySeconds: Histogram;
}

export function createDeliveryMetrics(registry: Registry): DeliveryMetrics {
  return {
    finished: new Counter({
      name: 'pigment_slack_notifications_finished_total',
      help: 'Notifications that reached a final status, by status and reason (skip reason or Slack error)',
      labelNames: ['status', 'reason'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'pigment_slack_delivery_rate_limited_total',
      help: 'Slack 429 answers to delivery calls, by method',
      labelNames: ['method'],
      registers: [registry],
    }),
    paused: new Gauge({
      name: 'pigment_slack_delivery_paused',
      help: '1 while delivery is paused because Slack refuses the bot token',
      registers: [registry],
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
