/**
 * The App Home: published with views.publish on app_home_opened (Home tab only), composed of
 * every feature's sections for this viewer. Features call `publishHome` after an action changes
 * what someone sees; the area buttons call it with the area clicked, which is remembered.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { slackErrorCode } from '../../slack/slack-error';
import { currentTenantId } from '../../tenancy/tenant-scope';
import type { ActorService } from '../members/actor.service';
import type { WorkspaceService } from '../workspace/workspace.service';
import type { HomeAreaRepository } from './home-area.repository';
import { HOME_AREAS, parseHomeArea, type HomeArea } from './home-areas';
import { arrangeHome } from './home-layout';
import type { HomeSections } from './home-sections';
import { renderHome } from './home.view';
import { HOME_ATTENTION_PATTERN, HOME_IDS } from './ids';
import type { HomePublishOrder } from './publish-order';

export { HomeSections, type HomeSection, type HomeContext, type AttentionItem, type HomeSectionOutput } from './home-sections';
export { HomeAreaRepository, HOME_AREA_INDEXES } from './home-area.repository';
export type { HomeArea } from './home-areas';
export { escapeMrkdwn } from './home.view';
export { HomePublishOrder } from './publish-order';

export interface HomeDeps {
  logger: Logger;
  clock: Clock;
  /** The current tenant's platform base URL. */
  pigmentBaseUrl: () => string;
  sections: HomeSections;
  /** Each person's last chosen area. */
  areas: HomeAreaRepository;
  actors: ActorService;
  workspace: WorkspaceService;
  /** One publish at a time per person in this process. */
  publishing: HomePublishOrder;
}

/**
 * Renders and publishes the Home tab for one Slack user, on the area they chose last or, with
 * `area`, on that one, remembered when it is one of theirs (a member has none to choose, and
 * an area that is not theirs is ignored, so a click can only change one's own view).
 *
 * `seenHash` is the hash of the Home the person acted on (from the event or the action's
 * payload). Slack answers hash_conflict when another publish (another process's) landed since;
 * that one may have read older state than ours, or newer, so the Home is read and published
 * again, after it: what stays on screen is never older than what this call read.
 */
export function publishHome(client: WebClient, deps: HomeDeps, slackUserId: string, area?: HomeArea, seenHash?: string): Promise<void> {
  return deps.publishing.run(`${currentTenantId('a Home publish')}:${slackUserId}`, async () => {
    try {
      await renderAndPublish(client, deps, slackUserId, area, seenHash);
    } catch (error) {
      if (seenHash === undefined || slackErrorCode(error) !== 'hash_conflict') throw error;
      deps.logger.debug({ userId: slackUserId }, 'home changed since it was seen; publishing it again');
      await renderAndPublish(client, deps, slackUserId, area);
    }
  });
}

async function renderAndPublish(client: WebClient, deps: HomeDeps, slackUserId: string, area?: HomeArea, hash?: string): Promise<void> {
  const actor = await deps.actors.resolve(slackUserId);
  // Read through a cache of a few seconds, and kept current by this process's own changes.
  const [workspace, remembered] = await Promise.all([deps.workspace.current(), deps.areas.rememberedBy(slackUserId)]);
  const sections = await deps.sections.render({ actor, workspace });
  const layout = arrangeHome({ sections, ...(remembered !== undefined ? { remembered } : {}), ...(area ? { requested: area } : {}) });
  if (area && layout.areas?.selected === area) await deps.areas.remember(slackUserId, area, deps.clock.now());
  const workspaceName = workspace?.workspace.teamName ?? 'Slack';
  const view = renderHome({ workspaceName, pigmentBaseUrl: deps.pigmentBaseUrl(), ...layout });
  await client.views.publish({ user_id: slackUserId, view, ...(hash !== undefined ? { hash } : {}) });
}

export function register(app: App, deps: HomeDeps): void {
  const logger = deps.logger.child({ feature: 'home' });

  app.event('app_home_opened', async ({ event, client }) => {
    // Slack sends this event for the Messages tab too; only the Home tab has a view to publish.
    if (event.tab !== 'home') return;
    await publishHome(client, deps, event.user, undefined, seenHomeHash(event));
    logger.debug({ userId: event.user }, 'home published');
  });

  // The "Open Pigment" button is a link; Slack still sends block_actions and expects an ack.
  app.action(HOME_IDS.openInPigment, async ({ ack }) => {
    await ack();
  });

  // The area row: open to everyone, as it changes only the clicker's own view (publishHome
  // remembers an area only when it is one of theirs). The area comes from the action id.
  for (const area of HOME_AREAS) {
    app.action(HOME_IDS.area(area), async ({ ack, body, client }) => {
      await ack();
      await publishHome(client, deps, body.user.id, area, seenHomeHash(body));
      logger.debug({ userId: body.user.id, area }, 'home area opened');
    });
  }

  // An attention item's button opens the area named by its value; anything else reopens the Home as it was.
  app.action(HOME_ATTENTION_PATTERN, async ({ ack, body, action, client }) => {
    await ack();
    const area = parseHomeArea('value' in action ? action.value : undefined);
    await publishHome(client, deps, body.user.id, area, seenHomeHash(body));
    logger.debug({ userId: body.user.id, area }, 'home area opened from an attention item');
  });
}

/** The hash of the Home an app_home_opened event or a block action came from, for `publishHome`'s guard. */
export function seenHomeHash(payload: unknown): string | undefined {
  const view = (payload as { view?: { type?: unknown; hash?: unknown } } | undefined)?.view;
  return view?.type === 'home' && typeof view.hash === 'string' ? view.hash : undefined;
}
