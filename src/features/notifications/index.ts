/**
 * Notifications: the HTTP hand-off into the outbox, member preferences, and (built on top of
 * these) the delivery worker and the DM messages in `./messages`.
 *
 * This part registers the HTTP routes and the App Home's settings and recent notifications
 * (`./home`); the outbox and preferences repositories and the
 * preferences service are exported for the worker, the App Home and the command line.
 */
import type { App } from '@slack/bolt';
import { registerOpenLink } from './open-link';
import { registerNotificationsHome } from './home';
import type { Db } from 'mongodb';
import type { FeatureDeps } from '../deps';
import { registerDelivery } from './delivery';
import { registerNotificationRoutes } from './notifications.routes';
import { OutboxRepository } from './outbox.repository';
import { PreferencesRepository } from './preferences.repository';
import { PreferencesService } from './preferences.service';
import type { Clock } from '../../platform/clock';
import { notificationFingerprint, notificationRequestSchema } from './notification.schema';
import type { NotificationRequest } from './notification.types';
import type { EnqueueResult } from './outbox.repository';

export { NOTIFICATION_CLAIM_INDEXES, OUTBOX_INDEXES, OutboxRepository, type EnqueueResult, type RecordOpenedResult, type ResolvedRecipient } from './outbox.repository';
export { PREFERENCES_INDEXES, PreferencesRepository } from './preferences.repository';
export { PreferencesService, type PreferencesResult } from './preferences.service';
export { isUnderBaseUrl, notificationFingerprint, notificationRequestSchema } from './notification.schema';
export * from './notification.types';

/** The notification repositories, built from the database (the composition root and tests). */
export function createNotificationRepos(db: Db): { outbox: OutboxRepository; preferences: PreferencesRepository } {
  return { outbox: new OutboxRepository(db), preferences: new PreferencesRepository(db) };
}
export type NotificationRepos = ReturnType<typeof createNotificationRepos>;

/** What `register` built, to share with the worker and the App Home. */
export interface NotificationServices {
  repos: NotificationRepos;
  preferences: PreferencesService;
}

/** Builds the preferences service from the repositories and the shared deps. */
export function createNotificationServices(deps: Pick<FeatureDeps, 'clock'> & { repos: Pick<FeatureDeps['repos'], 'members'> }, repos: NotificationRepos): NotificationServices {
  return { repos, preferences: new PreferencesService({ preferences: repos.preferences, members: deps.repos.members, clock: deps.clock }) };
}

/**
 * Hands a notification from another feature (e.g. an import's outcome) to the outbox, as
 * `POST /api/v1/notifications` does: validated (a bad request throws a ZodError), idempotent by
 * id (the same id again changes nothing), and this process's worker woken.
 */
export type Notify = (request: NotificationRequest) => Promise<EnqueueResult>;

export function createNotify(outbox: OutboxRepository, deps: { clock: Clock; pigmentBaseUrl: string }, onQueued?: () => void): Notify {
  const schema = notificationRequestSchema(deps.pigmentBaseUrl);
  return async (request) => {
    const parsed = schema.parse(request);
    const result = await outbox.enqueue(parsed, notificationFingerprint(parsed), deps.clock.now());
    if (result.outcome === 'created') onQueued?.();
    return result;
  };
}

/**
 * Adds the notification and preferences routes to `deps.router`. Pass `services` to share
 * one set with the worker and the App Home; by default they are built from `deps.db`.
 */
export function register(
  app: App,
  deps: FeatureDeps,
  services: NotificationServices = createNotificationServices(deps, createNotificationRepos(deps.db)),
): NotificationServices & { notify: Notify } {
  const worker = registerDelivery(deps, services);
  registerNotificationRoutes(deps.router, {
    outbox: services.repos.outbox,
    preferences: services.preferences,
    clock: deps.clock,
    logger: deps.logger.child({ feature: 'notifications' }),
    pigmentBaseUrl: deps.config.pigmentBaseUrl,
    onQueued: () => worker.wake(),
  });
  registerOpenLink(app, deps, (id, at) => services.repos.outbox.recordOpened(id, at));
  registerNotificationsHome(app, deps, { outbox: services.repos.outbox, preferences: services.preferences });
  return { ...services, notify: createNotify(services.repos.outbox, { clock: deps.clock, pigmentBaseUrl: deps.config.pigmentBaseUrl }, () => worker.wake()) };
}
