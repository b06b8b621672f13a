/**
 * The one Slack workspace this connector serves.
 *
 * - pending: installed, waiting for a Security Admin or Primary Owner to acknowledge;
 * - live: acknowledged; notifications are delivered and mapping runs;
 * - disconnected: the app was uninstalled or its tokens revoked; nothing is delivered and
 *   every record is kept, so reinstalling picks up where it stopped.
 */
export type WorkspaceStatus = 'pending' | 'live' | 'disconnected';

export interface Workspace {
  teamId: string;
  teamName: string;
  status: WorkspaceStatus;
  connectedAt: Date;
  acknowledgedAt?: Date;
  acknowledgedBy?: { slackUserId: string; memberId: string };
  disconnectedAt?: Date;
  disconnectReason?: 'app_uninstalled' | 'tokens_revoked';
}

/**
 * What this process makes of the stored workspace and its own token: `mismatch` when the
 * token belongs to another workspace than the stored one (this process then refuses to go
 * live, and says so).
 */
export type WorkspaceState = { kind: 'attached'; workspace: Workspace } | { kind: 'mismatch'; workspace: Workspace; tokenTeam: { id: string; name: string } };
