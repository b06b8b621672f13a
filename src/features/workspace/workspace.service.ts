/**
 * The workspace connection's lifecycle: attach at start, acknowledge, disconnect on uninstall.
 */
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { AuditLog } from '../audit';
import type { Actor } from '../members/actor.service';
import { isAllowed } from '../members/permissions';
import type { WorkspaceRepository } from './workspace.repository';
import type { Workspace, WorkspaceState } from './workspace.types';

export type AcknowledgeResult = { ok: true; workspace: Workspace } | { ok: false; reason: 'not_allowed' | 'not_pending' | 'mismatch' | 'not_attached' };

export interface WorkspaceServiceDeps {
  workspaces: WorkspaceRepository;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Called once a workspace goes live by acknowledgement: runs the first full matching. */
  onWentLive(workspace: Workspace): void;
}

export class WorkspaceService {
  private state: WorkspaceState | undefined;

  constructor(private readonly deps: WorkspaceServiceDeps) {}

  /**
   * Reads or creates the stored workspace for the token's team. A new workspace is pending;
   * the stored one, reinstalled, comes back as it was before the uninstall (live if it had
   * been acknowledged), mappings untouched; another team's token is a mismatch.
   */
  async attach(tokenTeam: { id: string; name: string }): Promise<WorkspaceState> {
    const now = this.deps.clock.now();
    let workspace = await this.deps.workspaces.createIfAbsent({ teamId: tokenTeam.id, teamName: tokenTeam.name, status: 'pending', connectedAt: now });
    if (workspace.teamId !== tokenTeam.id) {
      this.deps.logger.error(
        { storedTeamId: workspace.teamId, storedTeam: workspace.teamName, tokenTeamId: tokenTeam.id, tokenTeam: tokenTeam.name },
        'the bot token belongs to another workspace than the connected one; refusing to go live (one workspace at a time)',
      );
      this.state = { kind: 'mismatch', workspace, tokenTeam };
      return this.state;
    }
    if (workspace.status === 'disconnected') {
      workspace =
        (await this.deps.workspaces.update(
          tokenTeam.id,
          { status: workspace.acknowledgedAt ? 'live' : 'pending', teamName: tokenTeam.name, connectedAt: now },
          ['disconnectedAt', 'disconnectReason'],
        )) ?? workspace;
      this.deps.logger.info({ teamId: workspace.teamId, status: workspace.status }, 'workspace reconnected');
    } else if (workspace.teamName !== tokenTeam.name) {
      workspace = (await this.deps.workspaces.update(tokenTeam.id, { teamName: tokenTeam.name })) ?? workspace;
    }
    this.state = { kind: 'attached', workspace };
    return this.state;
  }

  /** The state as of the last change this process saw. */
  current(): WorkspaceState | undefined {
    return this.state;
  }

  /** Reads the stored workspace again (another process may have acknowledged it). */
  async refresh(): Promise<WorkspaceState | undefined> {
    if (!this.state) return undefined;
    const stored = await this.deps.workspaces.get();
    if (!stored) return this.state;
    this.state = this.state.kind === 'mismatch' ? { ...this.state, workspace: stored } : { kind: 'attached', workspace: stored };
    return this.state;
  }

  /**
   * Re-reads the stored workspace every `intervalMs`, so a process learns within that time
   * that another one acknowledged it or received app_uninstalled.
   */
  startRefreshing(intervalMs = 5_000): { stop(): void } {
    const timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not refresh the workspace state'));
    }, intervalMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /** True when notifications may be delivered: attached, live (as of the last refresh). */
  isLive(): boolean {
    return this.state?.kind === 'attached' && this.state.workspace.status === 'live';
  }

  /** Acknowledges the pending connection; only a Security Admin or Primary Owner may. */
  async acknowledge(actor: Actor): Promise<AcknowledgeResult> {
    const state = await this.refresh();
    if (!state) return { ok: false, reason: 'not_attached' };
    if (state.kind === 'mismatch') return { ok: false, reason: 'mismatch' };
    if (!isAllowed(actor.member, 'workspace.manage')) return { ok: false, reason: 'not_allowed' };
    const now = this.deps.clock.now();
    const live = await this.deps.workspaces.transition(state.workspace.teamId, ['pending'], 'live', {
      acknowledgedAt: now,
      acknowledgedBy: { slackUserId: actor.slackUserId, memberId: actor.member!.id },
    });
    if (!live) return { ok: false, reason: 'not_pending' };
    this.state = { kind: 'attached', workspace: live };
    await this.deps.audit.record({
      at: now,
      actor: { slackUserId: actor.slackUserId, memberId: actor.member!.id },
      action: 'workspace.acknowledge',
      target: { type: 'workspace', id: live.teamId },
      before: { status: 'pending' },
      after: { status: 'live' },
    });
    this.deps.logger.info({ teamId: live.teamId, by: actor.slackUserId }, 'workspace acknowledged; live');
    this.deps.onWentLive(live);
    return { ok: true, workspace: live };
  }

  /** app_uninstalled / tokens_revoked for `teamId`: stop delivery, keep everything. */
  async disconnect(teamId: string, reason: 'app_uninstalled' | 'tokens_revoked'): Promise<Workspace | undefined> {
    const now = this.deps.clock.now();
    const workspace = await this.deps.workspaces.transition(teamId, ['pending', 'live'], 'disconnected', { disconnectedAt: now, disconnectReason: reason });
    if (!workspace) return undefined;
    if (this.state?.kind === 'attached') this.state = { kind: 'attached', workspace };
    await this.deps.audit.record({
      at: now,
      actor: { slackUserId: 'slack' },
      action: `workspace.${reason}`,
      target: { type: 'workspace', id: teamId },
      after: { status: 'disconnected' },
    });
    this.deps.logger.warn({ teamId, reason }, 'workspace disconnected; delivery stopped, all data kept');
    return workspace;
  }
}
