/**
 * Notifications: the HTTP hand-off into the outbox, member preferences, and (built on top of
 * these) the delivery worker and the DM messages in `./messages`.
 *
 * This part registers the HTTP routes and the App Home's settings and recent notifications
 * (`./home`); the outbox and preferences repositories and the
 * preferences service are exported for the worker, the App Home and the command line.
 */
import type { App } from '@slack/bolt';
import { registerOpenLink } from './open-link.listeners';
import { registerNotificationsHome } from './home';
import type { MappingLookup } from '../mapping/mapping-lookup';
import type { MemberDirectory } from '../members/member-directory';
import type { ScreenDeps } from '../ports';
import { registerDelivery } from './delivery';
import {
  createNotificationRepos,
  createNotificationServices,
  createNotify,
  createWelcomeMember,
  type NotificationServices,
  type Notify,
  type WelcomeMember,
} from './notification-services';
import { WELCOME_MESSAGE_IDS } from './messages';
import { registerNotificationRoutes } from './notifications.routes';
import { tenantBaseUrl } from '../../tenancy/tenant-scope';

export {
  NOTIFICATION_CLAIM_INDEXES,
  OUTBOX_INDEXES,
  OutboxRepository,
  type EnqueueResult,
  type RecordOpenedResult,
  type ResolvedRecipient,
} from './outbox.repository';
export { PREFERENCES_INDEXES, PreferencesRepository } from './preferences.repository';
export { PreferencesService, type PreferencesResult } from './preferences.service';
export { isUnderBaseUrl, notificationFingerprint, notificationRequestSchema } from './notification.schema';
export * from './notification.types';
export {
  createNotificationRepos,
  createNotificationServices,
  createNotify,
  createWelcomeMember,
  welcomeNotificationId,
  type NotificationRepos,
  type NotificationServices,
  type Notify,
  type WelcomeMember,
} from './notification-services';

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
  services: NotificationServices = createNotificationServices({ clock: deps.clock, members: ports.members }, createNotificationRepos(deps)),
): NotificationServices & { notify: Notify; welcome: WelcomeMember } {
  const worker = registerDelivery(deps, ports, services);
  registerNotificationRoutes(deps.router, {
    outbox: services.repos.outbox,
    preferences: services.preferences,
    clock: deps.clock,
    logger: deps.logger.child({ feature: 'notifications' }),
    pigmentBaseUrl: tenantBaseUrl,
    onQueued: () => worker.wake(),
  });
  registerOpenLink(app, deps, (id, at) => services.repos.outbox.recordOpened(id, at));
  // "Open Pigment" in the welcome DM is a link; Slack still sends block_actions: acknowledge, change nothing.
  app.action(WELCOME_MESSAGE_IDS.openPigment, async ({ ack }) => {
    await ack();
  });
  registerNotificationsHome(app, deps, { outbox: services.repos.outbox, preferences: services.preferences, mapping: ports.mapping });
  const outboxDeps = { clock: deps.clock, pigmentBaseUrl: tenantBaseUrl };
  return {
    ...services,
    notify: createNotify(services.repos.outbox, outboxDeps, () => worker.wake()),
    welcome: createWelcomeMember(services.repos.outbox, outboxDeps, () => worker.wake()),
  };
}
