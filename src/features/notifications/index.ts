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
import type { MappingLookup } from '../mapping/mapping-lookup';
import type { MemberDirectory } from '../members/member-directory';
import type { ScreenDeps } from '../ports';
import { registerDelivery } from './delivery';
import { createNotificationRepos, createNotificationServices, createNotify, type NotificationServices, type Notify } from './notification-services';
import { registerNotificationRoutes } from './notifications.routes';

export { NOTIFICATION_CLAIM_INDEXES, OUTBOX_INDEXES, OutboxRepository, type EnqueueResult, type RecordOpenedResult, type ResolvedRecipient } from './outbox.repository';
export { PREFERENCES_INDEXES, PreferencesRepository } from './preferences.repository';
export { PreferencesService, type PreferencesResult } from './preferences.service';
export { isUnderBaseUrl, notificationFingerprint, notificationRequestSchema } from './notification.schema';
export * from './notification.types';
export { createNotificationRepos, createNotificationServices, createNotify, type NotificationRepos, type NotificationServices, type Notify } from './notification-services';

/** What notifications use of other features. */
export interface NotificationPorts {
  members: MemberDirectory;
  mapping: MappingLookup;
}

/**
 * Adds the notification and preferences routes to `deps.router`. Pass `services` to share
 * one set with the worker and the App Home; by default they are built from `deps.db`.
 */
export function register(
  app: App,
  deps: ScreenDeps,
  ports: NotificationPorts,
  services: NotificationServices = createNotificationServices({ clock: deps.clock, members: ports.members }, createNotificationRepos(deps.db)),
): NotificationServices & { notify: Notify } {
  const worker = registerDelivery(deps, ports, services);
  registerNotificationRoutes(deps.router, {
    outbox: services.repos.outbox,
    preferences: services.preferences,
    clock: deps.clock,
    logger: deps.logger.child({ feature: 'notifications' }),
    pigmentBaseUrl: deps.config.pigmentBaseUrl,
    onQueued: () => worker.wake(),
  });
  registerOpenLink(app, deps, (id, at) => services.repos.outbox.recordOpened(id, at));
  registerNotificationsHome(app, deps, { outbox: services.repos.outbox, preferences: services.preferences, mapping: ports.mapping });
  return { ...services, notify: createNotify(services.repos.outbox, { clock: deps.clock, pigmentBaseUrl: deps.config.pigmentBaseUrl }, () => worker.wake()) };
}
