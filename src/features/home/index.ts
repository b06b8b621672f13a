/**
 * The App Home: published with views.publish on app_home_opened (Home tab only).
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../../platform/logger';
import { renderHome } from './home.view';
import { HOME_IDS } from './ids';

export interface HomeDeps {
  logger: Logger;
  pigmentBaseUrl: string;
  workspaceName(): string;
}

export function register(app: App, deps: HomeDeps): void {
  const logger = deps.logger.child({ feature: 'home' });

  app.event('app_home_opened', async ({ event, client }) => {
    // Slack sends this event for the Messages tab too; only the Home tab has a view to publish.
    if (event.tab !== 'home') return;
    await client.views.publish({
      user_id: event.user,
      view: renderHome({ workspaceName: deps.workspaceName(), pigmentBaseUrl: deps.pigmentBaseUrl }),
    });
    logger.debug({ userId: event.user }, 'home published');
  });

  // The "Open Pigment" button is a link; Slack still sends block_actions and expects an ack.
  app.action(HOME_IDS.openInPigment, async ({ ack }) => {
    await ack();
  });
}
