/**
 * The single-workspace mode: a SLACK_BOT_TOKEN (an app installed from its settings page) is
 * the installation of the tenant DEFAULT_WORKSPACE_ID. It goes through the same store and
 * binding as an OAuth install; only the acknowledgement differs (in the App Home, as before).
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../platform/logger';
import { verifyBotToken, type BotIdentity } from '../../slack/token-check';
import type { InstallationRepository } from './installation.repository';

export interface TokenInstallResult {
  identity: BotIdentity;
  /** False when the team is bound to another tenant, or the tenant to another team (logged; nothing changed). */
  bound: boolean;
}

export async function installFromToken(
  client: WebClient,
  token: string,
  deps: { installations: InstallationRepository; tenantId: string; scopes: string[]; now: Date; logger: Logger },
): Promise<TokenInstallResult> {
  const identity = await verifyBotToken(client);
  const result = await deps.installations.bind({
    teamId: identity.teamId,
    teamName: identity.teamName,
    tenantId: deps.tenantId,
    botUserId: identity.botUserId,
    ...(identity.botId ? { botId: identity.botId } : {}),
    botToken: token,
    botScopes: deps.scopes,
    installedAt: deps.now,
    mode: 'token',
  });
  if (!result.ok) {
    deps.logger.error(
      { teamId: identity.teamId, tenantId: deps.tenantId, reason: result.reason, boundTo: result.boundTo },
      result.reason === 'team_bound_elsewhere'
        ? 'SLACK_BOT_TOKEN belongs to a Slack workspace connected to another platform workspace; it is not used'
        : 'the default platform workspace is connected to another Slack workspace than SLACK_BOT_TOKEN; it is not used',
    );
  }
  return { identity, bound: result.ok };
}
