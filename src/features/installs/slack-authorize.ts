/**
 * How Bolt finds the installation behind each event and interaction, and the tenant scope
 * the listeners then run in.
 *
 * - `authorize` (Bolt's hook): the team's installation gives the bot token and the tenant. A
 *   team without an installation, or whose tokens were revoked, is refused: Bolt logs it,
 *   acknowledges, and calls no listener. Org-wide (Enterprise Grid) installs are not served.
 * - `tenantScope` (the global middleware after it): runs the listeners inside the tenant.
 *   `app_uninstalled` and `tokens_revoked` skip Bolt's authorize (the tokens may be gone), so
 *   their tenant is read from the team's binding.
 *
 * An interaction names its workspace more than once: `team.id`, and the view's `team_id` and
 * `app_installed_team_id`. Bolt picks one (the view's `app_installed_team_id` first, for a
 * submission) and the others are not checked; every one of them must be the installation's
 * team, or the payload is ignored (logged, acknowledged empty). Otherwise a user of one
 * workspace submitting a view of another (a Slack Connect modal, or a forged payload) would act
 * in the other's tenant as whoever has their Slack user id there. This app serves nobody
 * outside the workspace it is installed in, so nothing legitimate is refused.
 */
import type { Authorize, Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../../platform/logger';
import { TtlCache } from '../../platform/ttl-cache';
import type { TenantRegistry } from '../tenants/tenant-registry';
import type { InstallationRepository } from './installation.repository';
import type { Installation } from './installation.types';

const CACHE_MS = 5_000;
const KEPT = 5_000;

/** The team → installation reads Bolt does for every payload, kept a few seconds. */
export class InstallationCache {
  private readonly byTeam: TtlCache<Installation | undefined>;

  constructor(
    private readonly installations: InstallationRepository,
    now: () => number = Date.now,
  ) {
    this.byTeam = new TtlCache(CACHE_MS, KEPT, now);
  }

  forTeam(teamId: string): Promise<Installation | undefined> {
    return this.byTeam.get(teamId, () => this.installations.forTeam(teamId));
  }

  forget(teamId: string): void {
    this.byTeam.forget(teamId);
  }
}

export function createAuthorize(cache: InstallationCache): Authorize<boolean> {
  return async (source) => {
    if (source.isEnterpriseInstall || !source.teamId)
      throw new Error(`no installation serves ${source.enterpriseId ?? 'this'} org-wide; only workspace installs are served`);
    const installation = await cache.forTeam(source.teamId);
    if (!installation) throw new Error(`team ${source.teamId} has no installation`);
    if (!installation.botToken) throw new Error(`team ${source.teamId} uninstalled the app or revoked its tokens`);
    return {
      teamId: installation.teamId,
      botToken: installation.botToken,
      botUserId: installation.botUserId,
      ...(installation.botId ? { botId: installation.botId } : {}),
      ...(installation.enterpriseId ? { enterpriseId: installation.enterpriseId } : {}),
      tenantId: installation.tenantId,
    };
  };
}

/** Runs the listeners inside the payload's tenant; a payload with none is dropped (logged). */
export function tenantScope(deps: { cache: InstallationCache; tenants: TenantRegistry; logger: Logger }): Middleware<AnyMiddlewareArgs> {
  return async ({ context, body, next }) => {
    const teamId = typeof context.teamId === 'string' ? context.teamId : undefined;
    let tenantId = typeof context.tenantId === 'string' ? context.tenantId : undefined;
    if (!tenantId && teamId) tenantId = (await deps.cache.forTeam(teamId))?.tenantId;
    if (!tenantId) {
      deps.logger.warn({ teamId, type: (body as { type?: unknown }).type }, 'a Slack payload for a team without an installation was ignored');
      return;
    }
    const foreign = teamId === undefined ? undefined : teamsNamedBy(body).find((named) => named !== teamId);
    if (foreign !== undefined) {
      deps.logger.warn(
        { teamId, tenantId, namedTeam: foreign, type: (body as { type?: unknown }).type },
        'a Slack interaction naming another Slack workspace than its installation’s was ignored',
      );
      return;
    }
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) {
      deps.logger.error({ teamId, tenantId }, 'a Slack payload for an installation whose platform workspace is gone was ignored');
      return;
    }
    await deps.tenants.run(tenantId, next);
  };
}

/** The workspaces an interaction payload names besides the one Bolt authorized (events name theirs in `authorizations`). */
function teamsNamedBy(body: unknown): string[] {
  const payload = body as { type?: unknown; team?: { id?: unknown } | null; view?: { team_id?: unknown; app_installed_team_id?: unknown } | null };
  if (payload.type === 'event_callback') return [];
  return [payload.team?.id, payload.view?.team_id, payload.view?.app_installed_team_id].filter((id): id is string => typeof id === 'string' && id !== '');
}
