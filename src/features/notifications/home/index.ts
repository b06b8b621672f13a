/**
 * The notifications part of the App Home, for every viewer: "Notification settings" (saved on
 * change) and "Your recent notifications". Registered by the notifications feature.
 */
import type { App } from '@slack/bolt';
import type { ScreenDeps } from '../../ports';
import type { MappingLookup } from '../../mapping/mapping-lookup';
import type { OutboxRepository } from '../outbox.repository';
import type { PreferencesService } from '../preferences.service';
import { NOTIFICATIONS_HOME_IDS } from './ids';
import { notificationsHomeSection } from './notifications-home.section';
import { onSettingsChanged } from './settings.listeners';

export { NOTIFICATIONS_HOME_IDS } from './ids';
export { NOTIFICATIONS_SECTION_ORDER } from './notifications-home.section';

export interface NotificationsHomeServices {
  outbox: OutboxRepository;
  preferences: PreferencesService;
  mapping: Pick<MappingLookup, 'lookup'>;
}

/** Adds the Home section and the settings listener. */
export function registerNotificationsHome(app: App, deps: ScreenDeps, services: NotificationsHomeServices): void {
  const logger = deps.logger.child({ feature: 'notifications', component: 'home' });
  deps.home.sections.add(notificationsHomeSection({ mappings: services.mapping, preferences: services.preferences, outbox: services.outbox }));

  app.action({ type: 'block_actions', action_id: NOTIFICATIONS_HOME_IDS.settings }, async ({ ack, body, action, client }) => {
    await ack();
    await onSettingsChanged({ logger, actors: deps.actors, preferences: services.preferences, home: deps.home }, client, body, action);
  });
}
