/**
 * Delivery: the worker, its Slack client wrapper, and the outbox's housekeeping jobs, wired
 * from the feature deps. The worker runs as a background worker the composition root starts
 * once the app is up.
 */
import type { FeatureDeps } from '../../deps';
import type { MappingLookup } from '../../mapping/mapping-lookup';
import type { MemberDirectory } from '../../members/member-directory';
import type { ScreenPorts } from '../../ports';
import type { NotificationServices } from '../notification-services';
import { createDeliveryMetrics } from './delivery.metrics';
import { DmHistoryRepository } from './dm-history.repository';
import { DEFAULT_DELIVERY_TUNING, type DeliveryTuning } from './delivery-tuning';
import { DeliveryWorker } from './delivery.worker';
import { requeueOrphansJob, retentionJob, REQUEUE_ORPHANS_CRON, RETENTION_CRON } from './outbox-maintenance.job';
import { SlackDm } from './slack-dm';
import { DeliveryTenants } from '../outbox/delivery-tenants.repository';
import { tenantBaseUrl } from '../../../tenancy/tenant-scope';

export { DeliveryWorker } from './delivery.worker';
export { DEFAULT_DELIVERY_TUNING, type DeliveryTuning } from './delivery-tuning';
export { OUTBOX_JOBS } from './outbox-maintenance.job';

/** The settings' part of the tuning, then the composition root's overrides. */
export function deliveryTuning(deps: Pick<FeatureDeps, 'config' | 'tuning'>): DeliveryTuning {
  const { notifications } = deps.config;
  return {
    ...DEFAULT_DELIVERY_TUNING,
    concurrency: notifications.concurrency,
    maxAttempts: notifications.maxAttempts,
    mappingWaitMs: Math.round(notifications.mappingWaitHours * 3_600_000),
    ...deps.tuning.delivery,
  };
}

export function registerDelivery(
  deps: FeatureDeps & Pick<ScreenPorts, 'workspace'>,
  ports: { members: MemberDirectory; mapping: MappingLookup },
  services: NotificationServices,
): DeliveryWorker {
  const { outbox } = services.repos;
  const worker = new DeliveryWorker({
    outbox,
    members: ports.members,
    mappings: ports.mapping,
    preferences: services.preferences,
    workspace: deps.workspace,
    dm: new SlackDm(async () => (await deps.slack.current()).deliveryClient),
    historyReads: new DmHistoryRepository(deps.db, () => deps.clock.now().getTime()),
    dueTenants: new DeliveryTenants(deps.globalDb),
    tenants: deps.tenants,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'delivery' }),
    metrics: createDeliveryMetrics(deps.metricsRegistry, () => deps.clock.now().getTime()),
    pigmentBaseUrl: tenantBaseUrl,
    tuning: deliveryTuning(deps),
  });
  const orphans = requeueOrphansJob(outbox);
  deps.scheduler.schedule(retentionJob(outbox, deps.config.notifications.retentionDays), RETENTION_CRON);
  deps.scheduler.schedule(orphans, REQUEUE_ORPHANS_CRON);
  deps.background.push({
    name: 'notifications.delivery',
    start: () => {
      worker.start();
      // A crash before the last start may have left notifications out of the queue (in any
      // installed tenant: marks written by an older version may be missing).
      void deps.scheduler.runForEveryTenant(orphans);
    },
    stop: () => worker.stop(),
    status: () => worker.status(),
  });
  return worker;
}
