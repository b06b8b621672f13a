/**
 * `/healthz` (the process lives), `/readyz` (the store answers and the Slack receiver takes
 * payloads: the Socket Mode connection is open, or the HTTP receiver is started) and `/metrics`
 * (Prometheus text). No auth: bind HTTP_HOST accordingly.
 */
import type { Metrics } from '../metrics';
import type { Router } from './router';

export interface ReadinessProbe {
  storeAnswers(): Promise<boolean>;
  /**
   * The Slack receiver's state and its checks (`slackSocket: open|closed` in Socket Mode,
   * `slackReceiver: http` over HTTP, where no connection has to be held).
   */
  slackReceiver(): { ready: boolean; checks: Record<string, string> };
  /**
   * Background workers' states, shown but not counted: a paused delivery (Slack refuses the
   * token) is not a reason to take the process out of a load balancer, whose HTTP API still
   * accepts notifications and keeps them queued.
   */
  workers?(): Record<string, string>;
}

export function registerHealthRoutes(router: Router, probe: ReadinessProbe, metrics: Metrics): void {
  router.add('GET', '/healthz', async () => ({ status: 200, body: { status: 'ok' } }));

  router.add('GET', '/readyz', async () => {
    const store = await probe.storeAnswers();
    const slack = probe.slackReceiver();
    metrics.storeUp.set(store ? 1 : 0);
    const ready = store && slack.ready;
    return {
      status: ready ? 200 : 503,
      body: {
        status: ready ? 'ready' : 'not_ready',
        checks: { store: store ? 'ok' : 'unreachable', ...slack.checks },
        ...(probe.workers ? { workers: probe.workers() } : {}),
      },
    };
  });

  router.add('GET', '/metrics', async () => ({
    status: 200,
    text: await metrics.registry.metrics(),
    contentType: metrics.registry.contentType,
  }));
}
