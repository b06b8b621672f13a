/**
 * The notifications section of the App Home (order 25, after the viewer's own connection and
 * before the admin panels): loads what the viewer may see and renders it with the pure view.
 */
import type { HomeContext, HomeSection } from '../../home';
import type { MappingLookup } from '../../mapping/mapping-lookup';
import type { OutboxRepository } from '../outbox.repository';
import type { PreferencesService } from '../preferences.service';
import { RECENT_NOTIFICATIONS_SHOWN, renderNotificationsHome, type NotificationsHomeModel } from './notifications-home.view';

/** Own status 20, mapping 30, members 40: a member's own settings sit just under their connection. */
export const NOTIFICATIONS_SECTION_ORDER = 25;

export interface NotificationsHomeSectionDeps {
  mappings: Pick<MappingLookup, 'lookup'>;
  preferences: Pick<PreferencesService, 'getForActor'>;
  outbox: Pick<OutboxRepository, 'listRecentForMember'>;
}

export function notificationsHomeSection(deps: NotificationsHomeSectionDeps): HomeSection {
  return {
    order: NOTIFICATIONS_SECTION_ORDER,
    name: 'notifications.home',
    area: 'notifications',
    render: async (context) => renderNotificationsHome(await loadNotificationsHome(deps, context)),
  };
}

/**
 * What this viewer sees: settings and recent notifications for a member whose Slack account
 * is connected to them, else why not. The preferences service decides who may have settings.
 */
export async function loadNotificationsHome(deps: NotificationsHomeSectionDeps, { actor }: HomeContext): Promise<NotificationsHomeModel> {
  const member = actor.member;
  if (!member) return { viewer: 'not_member' };
  const [preferences, mapping] = await Promise.all([deps.preferences.getForActor(actor), deps.mappings.lookup(member.id)]);
  if (!preferences.ok) return { viewer: 'not_allowed' };
  // Found through their email only (not connected yet), or connected to another Slack user.
  if (mapping?.slackUserId !== actor.slackUserId) return { viewer: 'not_connected' };
  const recent = await deps.outbox.listRecentForMember(member.id, RECENT_NOTIFICATIONS_SHOWN);
  return { viewer: 'member', preferences: preferences.preferences, recent };
}
