/**
 * The "Open in Pigment" button of a notification DM. It is a url button: Slack opens the link
 * in the browser itself and also sends a `block_actions` payload, which must be acknowledged.
 * The listener records when the link was first opened from Slack and changes nothing else
 * (no unread state on the platform, no message update, no other write).
 */
import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { NOTIFICATION_MESSAGE_IDS } from './messages/ids';

export interface OpenLinkDeps {
  logger: Logger;
  clock: Clock;
}

/** Records `openedInSlackAt` on the notification, the first time only (the repository's rule). */
export type RecordOpened = (notificationId: string, at: Date) => Promise<unknown>;

/** The clicked button as Slack sends it: its value is the notification id (1-200 chars). */
const OpenClick = z.object({
  action_id: z.literal(NOTIFICATION_MESSAGE_IDS.openInPigment),
  value: z.string().min(1).max(200),
});

export function registerOpenLink(app: App, deps: OpenLinkDeps, recordOpened: RecordOpened): void {
  const logger = deps.logger.child({ feature: 'notifications' });

  app.action({ type: 'block_actions', action_id: NOTIFICATION_MESSAGE_IDS.openInPigment }, async ({ ack, action, body }) => {
    await ack();
    const click = OpenClick.safeParse(action);
    if (!click.success) {
      // A button this connector did not build (or a forged payload): nothing to record.
      logger.debug(
        { userId: body.user.id, issues: click.error.issues.map((i) => i.path.join('.') || i.message) },
        'open in Pigment click ignored: invalid value',
      );
      return;
    }
    // No authorisation: the click only records that the link was opened, and only the
    // recipient sees the DM. Errors go on to the global handler.
    await recordOpened(click.data.value, deps.clock.now());
    logger.debug({ userId: body.user.id, notificationId: click.data.value }, 'notification opened from Slack');
  });
}
