/**
 * A Slack installation: the app installed in one Slack workspace (team) for one platform
 * workspace (tenant). One per team and one per tenant, both enforced by unique keys.
 */
export type InstallMode = 'oauth' | 'token';

export interface Installation {
  teamId: string;
  teamName: string;
  tenantId: string;
  enterpriseId?: string;
  botUserId: string;
  botId?: string;
  /** Undefined once Slack revoked the tokens or the app was uninstalled (Slack asks apps to delete them). */
  botToken?: string;
  botScopes: string[];
  /** The installing admin's user token with Slack's `admin` scope, when they granted it. */
  adminUserToken?: string;
  installerSlackUserId?: string;
  /** The platform member who installed it (OAuth installs). */
  installedByMemberId?: string;
  installedAt: Date;
  mode: InstallMode;
  revokedAt?: Date;
  revokedReason?: 'app_uninstalled' | 'tokens_revoked';
}

/** Why a team could not be bound to a tenant. */
export type BindRefusal = 'team_bound_elsewhere' | 'tenant_has_other_team';
