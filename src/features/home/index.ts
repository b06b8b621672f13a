/**
 * The App Home: published with views.publish on app_home_opened (Home tab only), composed of
 * every feature's sections for this viewer. Features call `publish` after an action changes
 * what someone sees.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../platform/logger';
import type { ActorService } from '../members/actor.service';
import type { WorkspaceService } from '../workspace/workspace.service';
import type { HomeSections } from './home-sections';
import { renderHome } from './home.view';
import { HOME_IDS } from './ids';

export { HomeSections, type HomeSection, type HomeContext } from './home-sections';
export { escapeMrkdwn } from './home.view';

export interface HomeDeps {
  logger: Logger;
  /** The current tenant's platform base URL. */
  pigmentBaseUrl: () => string;
  sections: HomeSections;
  actors: ActorService;
  workspace: WorkspaceService;
}

/** Renders and publishes the Home tab for one Slack user. */
export async function publishHome(client: WebClient, deps: HomeDeps, slackUserId: string): Promise<void> {
  const actor = await deps.actors.resolve(slackUserId);
  // Read through a cache of a few seconds, and kept current by this process's own changes.
  const workspace = await deps.workspace.current();
  const sections = await deps.sections.render({ actor, workspace });
  const workspaceName = workspace?.workspace.teamName ?? 'Slack';
  await client.views.publish({ user_id: slackUserId, view: renderHome({ workspaceName, pigmentBaseUrl: deps.pigmentBaseUrl(), sections }) });
}

export function register(app: App, deps: HomeDeps): void {
  const logger = deps.logger.child({ feature: 'home' });

  app.event('app_home_opened', async ({ event, client }) => {
    // Slack sends this event for the Messages tab too; only the Home tab has a view to publish.
    if (event.tab !== 'home') return;
    await publishHome(client, deps, event.user);
    logger.debug({ userId: event.user }, 'home published');
  });

  // The "Open Pigment" button is a link; Slack still sends block_actions and expects an ack.
  app.action(HOME_IDS.openInPigment, async ({ ack }) => {
    await ack();
  });
}
