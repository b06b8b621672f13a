/**
 * What features with App Home screens and admin actions get besides the kernel: the Home to
 * add sections to and publish, who is acting (authorised on the server at each action), and
 * the Slack workspace's connection state. Each is another feature's narrow port.
 */
import type { FeatureDeps } from './deps';
import type { HomeDeps } from './home';
import type { ActorService } from './members/actor.service';
import type { RequirePermission } from './members/require-permission';
import type { WorkspaceService } from './workspace/workspace.service';

export interface ScreenPorts {
  home: HomeDeps;
  actors: ActorService;
  /** Listener middleware: the permission checked now, the actor in the context, one refusal answer. */
  requirePermission: RequirePermission;
  workspace: WorkspaceService;
}

export type ScreenDeps = FeatureDeps & ScreenPorts;
