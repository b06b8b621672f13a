/**
 * A tenant's Slack connection lifecycle: attach on install (OAuth, or the SLACK_BOT_TOKEN
 * installation at start), acknowledge, disconnect on uninstall. Every method works on the
 * current tenant; each process keeps each tenant's state a few seconds (CACHE_MS), so a
 * change made by another process is seen within that time.
 */
import type { Clock } from '../../platform/clock';
import { currentTenantId } from '../../tenancy/tenant-scope';
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

/** How long a process trusts its copy of a tenant's connection. */
export const WORKSPACE_CACHE_MS = 5_000;
const KEPT = 10_000;

export interface AttachOptions {
  /**
   * An OAuth install: the installing Security Admin or Primary Owner acknowledged the
   * disclaimer on the install page, so the connection is live at once. Without it (the
   * SLACK_BOT_TOKEN installation) a new connection waits for the acknowledgement in the App Home.
   */
  acknowledgedBy?: { slackUserId: string; memberId: string };
}

export class WorkspaceService {
  /** Per tenant: the stored connection as last read, and when. */
  private readonly states = new Map<string, { state: WorkspaceState | undefined; at: number }>();
  /** Tenants whose SLACK_BOT_TOKEN names another team than the stored one (this process refuses admin actions). */
  private readonly mismatches = new Map<string, { id: string; name: string }>();

  constructor(private readonly deps: WorkspaceServiceDeps) {}

  /**
   * Reads or creates the current tenant's connection for the installed team. A new one is
   * pending (or live, see AttachOptions); the stored one, reinstalled, comes back as it was
   * before the uninstall (live if it had been acknowledged), mappings untouched; another
   * team is a mismatch (only the SLACK_BOT_TOKEN installation can get there: OAuth binds a
   * tenant to one team first).
   */
  async attach(tokenTeam: { id: string; name: string }, options: AttachOptions = {}): Promise<WorkspaceState> {
    const now = this.deps.clock.now();
    const acknowledged = options.acknowledgedBy ? { acknowledgedAt: now, acknowledgedBy: options.acknowledgedBy } : {};
    let workspace = await this.deps.workspaces.createIfAbsent({
      teamId: tokenTeam.id,
      teamName: tokenTeam.name,
      status: options.acknowledgedBy ? 'live' : 'pending',
      connectedAt: now,
      ...acknowledged,
    });
    if (workspace.teamId !== tokenTeam.id) {
      this.deps.logger.error(
        { storedTeamId: workspace.teamId, storedTeam: workspace.teamName, tokenTeamId: tokenTeam.id, tokenTeam: tokenTeam.name },
        'the bot token belongs to another workspace than the connected one; refusing to go live (one workspace per platform workspace)',
      );
      this.mismatches.set(currentTenantId(), tokenTeam);
      return this.remember({ kind: 'mismatch', workspace, tokenTeam });
    }
    this.mismatches.delete(currentTenantId());
    if (workspace.status === 'disconnected') {
      const live = Boolean(workspace.acknowledgedAt ?? options.acknowledgedBy);
      workspace =
        (await this.deps.workspaces.update(
          tokenTeam.id,
          { status: live ? 'live' : 'pending', teamName: tokenTeam.name, connectedAt: now, ...(workspace.acknowledgedAt ? {} : acknowledged) },
          ['disconnectedAt', 'disconnectReason'],
        )) ?? workspace;
      this.deps.logger.info({ teamId: workspace.teamId, status: workspace.status }, 'workspace reconnected');
    } else if (workspace.status === 'pending' && options.acknowledgedBy) {
      workspace = (await this.deps.workspaces.transition(tokenTeam.id, ['pending'], 'live', { teamName: tokenTeam.name, ...acknowledged })) ?? workspace;
    } else if (workspace.teamName !== tokenTeam.name) {
      workspace = (await this.deps.workspaces.update(tokenTeam.id, { teamName: tokenTeam.name })) ?? workspace;
    }
    const state = this.remember({ kind: 'attached', workspace });
    // Live through this install (OAuth, or a reinstall of an acknowledged one): match members now.
    if (workspace.status === 'live' && (workspace.connectedAt.getTime() === now.getTime() || options.acknowledgedBy)) this.deps.onWentLive(workspace);
    return state;
  }

  /** The current tenant's connection, read at most WORKSPACE_CACHE_MS ago (undefined: never installed). */
  async current(): Promise<WorkspaceState | undefined> {
    const cached = this.states.get(currentTenantId('the Slack connection'));
    if (cached && this.deps.clock.now().getTime() - cached.at < WORKSPACE_CACHE_MS) return cached.state;
    return this.refresh();
  }

  /** Reads the current tenant's connection again (another process may have acknowledged it). */
  async refresh(): Promise<WorkspaceState | undefined> {
    const tenantId = currentTenantId('the Slack connection');
    const stored = await this.deps.workspaces.get();
    const tokenTeam = this.mismatches.get(tenantId);
    if (!stored) {
      this.states.set(tenantId, { state: undefined, at: this.deps.clock.now().getTime() });
      return undefined;
    }
    return this.remember(
      tokenTeam && tokenTeam.id !== stored.teamId ? { kind: 'mismatch', workspace: stored, tokenTeam } : { kind: 'attached', workspace: stored },
    );
  }

  /** True when notifications may be delivered: attached and live. */
  async isLive(): Promise<boolean> {
    const state = await this.current();
    return state?.kind === 'attached' && state.workspace.status === 'live';
  }

  private remember(state: WorkspaceState): WorkspaceState {
    const tenantId = currentTenantId();
    this.states.delete(tenantId);
    if (this.states.size >= KEPT) this.states.delete(this.states.keys().next().value!);
    this.states.set(tenantId, { state, at: this.deps.clock.now().getTime() });
    return state;
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
    this.remember({ kind: 'attached', workspace: live });
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
    if (!this.mismatches.has(currentTenantId())) this.remember({ kind: 'attached', workspace });
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
