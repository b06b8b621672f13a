/**
 * Slack installations: which Slack workspace (team) serves which platform workspace (tenant),
 * with its encrypted tokens. Offers Bolt its `authorize` and tenant scope, the current
 * tenant's Slack clients to everyone else (through TenantSlack), and handles Slack's
 * uninstall and revocation events.
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../../platform/logger';
import type { Clock } from '../../platform/clock';
import { currentTenantId } from '../../tenancy/tenant-scope';
import type { WorkspaceService } from '../workspace/workspace.service';
import type { InstallationRepository } from './installation.repository';
import type { InstallationCache } from './slack-authorize';
import type { TenantSlack } from '../../slack/tenant-slack';
import type { Db } from 'mongodb';
import type { Config } from '../../config';
import type { Router } from '../../platform/http/router';
import type { MemberDirectory } from '../members/member-directory';
import type { TenantRegistry } from '../tenants/tenant-registry';
import { InstallFlow } from './install-flow';
import { DEFAULT_DISCLAIMER } from './install-pages';
import { InstallLinkRepository } from './install-link.repository';
import { MongoStateStore } from './oauth-state.store';
import { registerInstallRoutes } from './install.routes';

export { INSTALLATION_INDEXES, InstallationRepository } from './installation.repository';
export { INSTALL_LINK_INDEXES, INSTALL_LINK_USE_INDEXES } from './install-link.repository';
export { OAUTH_STATE_INDEXES, OAUTH_STATE_USE_INDEXES } from './oauth-state.store';
export { createAuthorize, InstallationCache, tenantScope } from './slack-authorize';
export { installFromToken } from './token-install';
export type { Installation } from './installation.types';

export interface InstallsDeps {
  installations: InstallationRepository;
  cache: InstallationCache;
  slack: TenantSlack;
  workspace: WorkspaceService;
  members: Pick<MemberDirectory, 'findById'>;
  tenants: TenantRegistry;
  globalDb: Db;
  config: Config;
  router: Router;
  clock: Clock;
  logger: Logger;
}

export function register(app: App, deps: InstallsDeps): void {
  const logger = deps.logger.child({ feature: 'installs' });
  const { oauth } = deps.config.slack;
  const flow = oauth
    ? new InstallFlow({
        oauth,
        apiUrl: deps.config.slack.apiUrl,
        publicUrl: deps.config.publicUrl,
        disclaimer: deps.config.installDisclaimer ?? DEFAULT_DISCLAIMER,
        links: new InstallLinkRepository(deps.globalDb),
        states: new MongoStateStore(deps.globalDb),
        installations: deps.installations,
        cache: deps.cache,
        slack: deps.slack,
        tenants: deps.tenants,
        members: deps.members,
        workspace: deps.workspace,
        clock: deps.clock,
        logger,
      })
    : undefined;
  registerInstallRoutes(deps.router, { flow, installations: deps.installations, workspace: deps.workspace });

  const disconnect = async (teamId: string, reason: 'app_uninstalled' | 'tokens_revoked') => {
    // Slack asks apps to delete the tokens; the binding and every record stay for a reinstall.
    await deps.installations.revoke(teamId, reason, deps.clock.now());
    deps.cache.forget(teamId);
    deps.slack.forget(currentTenantId());
    await deps.workspace.disconnect(teamId, reason);
    logger.warn({ teamId, reason }, 'Slack tokens deleted');
  };

  app.event('app_uninstalled', async ({ body }) => {
    await disconnect(String(body.team_id), 'app_uninstalled');
  });

  app.event('tokens_revoked', async ({ body, event }) => {
    const teamId = String(body.team_id);
    if ((event.tokens.bot ?? []).length > 0) {
      await disconnect(teamId, 'tokens_revoked');
      return;
    }
    // User tokens alone (the optional admin token): the bot keeps working, the user token goes.
    if ((event.tokens.oauth ?? []).length === 0) return;
    await deps.installations.forgetAdminUserToken(teamId);
    deps.cache.forget(teamId);
    deps.slack.forget(currentTenantId());
    logger.warn({ teamId, users: event.tokens.oauth }, 'Slack user token deleted; the bot token stays');
  });
}
