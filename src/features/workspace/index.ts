/**
 * The workspace connection: the App Home panel, acknowledgement, and the uninstall events.
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../../platform/logger';
import { publishHome, seenHomeHash, type HomeDeps } from '../home';
import { isAllowed } from '../members/permissions';
import { gated, type RequirePermission } from '../members/require-permission';
import { connectionAttention, renderConnectionPanel } from './connection-panel.view';
import { WORKSPACE_IDS } from './ids';
import { WorkspaceRepository } from './workspace.repository';
import { WorkspaceService } from './workspace.service';
import type { AuditLog } from '../audit';
import type { FeatureDeps } from '../deps';

export { WORKSPACE_INDEXES } from './workspace.repository';

/** The workspace connection's service (the port others use: current state, live or not). */
export function createWorkspaceService(deps: Pick<FeatureDeps, 'db' | 'clock' | 'logger' | 'hooks'>, audit: AuditLog): WorkspaceService {
  return new WorkspaceService({
    workspaces: new WorkspaceRepository(deps.db),
    audit,
    clock: deps.clock,
    logger: deps.logger.child({ feature: 'workspace' }),
    onWentLive: (ws) => {
      for (const hook of deps.hooks.workspaceWentLive) hook(ws);
    },
  });
}

export interface WorkspaceDeps {
  logger: Logger;
  workspace: WorkspaceService;
  requirePermission: RequirePermission;
  home: HomeDeps;
}

export function register(app: App, deps: WorkspaceDeps): void {
  const logger = deps.logger.child({ feature: 'workspace' });

  deps.home.sections.add({
    order: 10,
    name: 'workspace.connection',
    area: 'overview',
    render: async ({ actor, workspace }) => {
      const model = { state: workspace, canManage: isAllowed(actor.member, 'workspace.manage') };
      return { blocks: renderConnectionPanel(model), attention: connectionAttention(model) };
    },
  });

  // The service checks again when it writes (and refuses a workspace that is live already).
  app.action(WORKSPACE_IDS.acknowledge, deps.requirePermission('workspace.manage'), async ({ context, client, body }) => {
    const { actor } = gated(context);
    const result = await deps.workspace.acknowledge(actor);
    if (!result.ok) logger.warn({ userId: actor.slackUserId, reason: result.reason }, 'acknowledgement refused');
    await publishHome(client, deps.home, actor.slackUserId, undefined, seenHomeHash(body));
  });
}
