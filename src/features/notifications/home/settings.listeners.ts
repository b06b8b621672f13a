/**
 * "Notification settings" changed in the App Home: Slack sends `block_actions` for the
 * `checkboxes` element on every tick and untick, with every box ticked at that moment. The
 * listener acknowledges at once, stores the new state through the preferences service (which
 * checks, now and on the server, that the Slack user is an active member changing their own
 * settings), and publishes the Home again so it shows what is stored.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../../platform/logger';
import { publishHome, type HomeDeps } from '../../home';
import type { ActorService } from '../../members/actor.service';
import { NOTIFICATION_TYPES, type NotificationType, type SlackPreferences } from '../notification.types';
import type { PreferencesService } from '../preferences.service';
import { NOTIFICATIONS_HOME_IDS } from './ids';

export interface SettingsListenerDeps {
  logger: Logger;
  actors: Pick<ActorService, 'resolve'>;
  preferences: Pick<PreferencesService, 'setForActor'>;
  home: HomeDeps;
}

/** The checkboxes action as Slack sends it; only values the view renders (the types) are accepted. */
const SettingsAction = z.object({
  type: z.literal('checkboxes'),
  action_id: z.literal(NOTIFICATIONS_HOME_IDS.settings),
  selected_options: z.array(z.object({ value: z.enum(NOTIFICATION_TYPES) }).loose()).max(NOTIFICATION_TYPES.length),
});

const ActionBody = z.object({ user: z.object({ id: z.string().min(1) }) });

/** Every type: on when ticked, off otherwise (the element shows them all, so its selection is the whole state). */
export function preferencesFromSelection(selected: readonly NotificationType[]): SlackPreferences {
  const on = new Set(selected);
  return Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, on.has(type)])) as SlackPreferences;
}

/**
 * Handles one change, after the ack. A payload this view did not build (another element, an
 * unknown value) changes nothing. A refused actor changes nothing either; their Home is
 * published again and says why they have no settings. Errors go on to the global handler.
 */
export async function onSettingsChanged(deps: SettingsListenerDeps, client: WebClient, body: unknown, action: unknown): Promise<void> {
  const { user } = ActionBody.parse(body);
  const change = SettingsAction.safeParse(action);
  if (!change.success) {
    deps.logger.warn(
      { userId: user.id, issues: change.error.issues.map((i) => i.path.join('.') || i.message) },
      'notification settings change ignored: not a settings payload',
    );
    return;
  }
  const actor = await deps.actors.resolve(user.id);
  const result = await deps.preferences.setForActor(actor, preferencesFromSelection(change.data.selected_options.map((o) => o.value)));
  if (result.ok) deps.logger.info({ userId: user.id, memberId: result.preferences.memberId, slack: result.preferences.slack }, 'notification settings changed');
  else deps.logger.warn({ userId: user.id, reason: result.reason }, 'notification settings change refused');
  await publishHome(client, deps.home, user.id);
}
