/**
 * The notifications part of the App Home, for every viewer: "Notification settings" (saved on
 * change) and "Your recent notifications". Registered by the notifications feature.
 */
import type { App } from '@slack/bolt';
import type { FeatureDeps } from '../../deps';
import type { OutboxRepository } from '../outbox.repository';
import type { PreferencesService } from '../preferences.service';
import { NOTIFICATIONS_HOME_IDS } from './ids';
import { notificationsHomeSection } from './notifications-home.section';
import { onSettingsChanged } from './settings.listener';

export { NOTIFICATIONS_HOME_IDS } from './ids';
export { NOTIFICATIONS_SECTION_ORDER } from './notifications-home.section';

export interface NotificationsHomeServices {
  outbox: OutboxRepository;
  preferences: PreferencesService;
}

/** Adds the Home section and the settings listener. */
export function registerNotificationsHome(app: App, deps: FeatureDeps, services: NotificationsHomeServices): void {
  const logger = deps.logger.child({ feature: 'notifications', component: 'home' });
  deps.home.sections.add(notificationsHomeSection({ mappings: deps.repos.mappings, preferences: services.preferences, outbox: services.outbox }));

  app.action({ type: 'block_actions', action_id: NOTIFICATIONS_HOME_IDS.settings }, async ({ ack, body, action, client }) => {
    await ack();
    await onSettingsChanged({ logger, actors: deps.actors, preferences: services.preferences, home: deps.home }, client, body, action);
  });
}
