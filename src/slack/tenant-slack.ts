/**
 * The Slack clients of the current tenant's installation, for work outside listeners (jobs,
 * the delivery worker): listeners get theirs from Bolt (authorize), everything else asks here.
 *
 * Installations are read through a short cache, and clients are kept per token: a process
 * serving thousands of tenants holds clients only for the ones it worked for lately.
 */
import { WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { TtlCache } from '../platform/ttl-cache';
import { currentTenantId } from '../tenancy/tenant-scope';
import { WEB_API_RETRY } from './bolt-app';

/** What work needs of a tenant's installation. */
export interface TenantInstallation {
  teamId: string;
  teamName: string;
  botUserId: string;
  botToken: string;
  /** The installing admin's user token with Slack's `admin` scope, when they granted it. */
  adminUserToken?: string;
}

/** Thrown when the current tenant has no usable Slack installation (never installed, uninstalled, revoked). */
export class NotInstalledError extends Error {
  constructor(readonly tenantId: string) {
    super(`the platform workspace ${tenantId} has no Slack installation`);
    this.name = 'NotInstalledError';
  }
}

export interface TenantSlackClients {
  teamId: string;
  teamName: string;
  botUserId: string;
  /** Bot-token client for jobs: rate limits surface as errors (callers wait them out). */
  client: WebClient;
  /**
   * Bot-token client for DMs: rate limits surface as errors and nothing is retried by the SDK,
   * since a retried chat.postMessage after a timeout could post twice (the worker decides).
   */
  deliveryClient: WebClient;
  /** The admin user token's client (inventory's admin-only columns), when there is one. */
  adminClient?: WebClient;
}

export interface TenantSlackOptions {
  apiUrl: string;
  /** Reads a tenant's installation (undefined: none usable). */
  installationOf(tenantId: string): Promise<TenantInstallation | undefined>;
  logger?: SlackLogger;
  deliveryLogger?: SlackLogger;
  now?: () => number;
}

/** Slow DM answers are given up on after this long and handled as "may have arrived". */
export const DELIVERY_CALL_TIMEOUT_MS = 15_000;
const INSTALLATION_CACHE_MS = 5_000;
const KEPT = 2_000;

export class TenantSlack {
  private readonly installations: TtlCache<TenantInstallation | undefined>;
  private readonly clients = new Map<string, TenantSlackClients>();
  private readonly now: () => number;

  constructor(private readonly options: TenantSlackOptions) {
    this.now = options.now ?? Date.now;
    this.installations = new TtlCache(INSTALLATION_CACHE_MS, KEPT, this.now);
  }

  /** The current tenant's clients; throws NotInstalledError when it has no usable installation. */
  async current(): Promise<TenantSlackClients> {
    const tenantId = currentTenantId('Slack clients');
    const installation = await this.installationOf(tenantId);
    if (!installation) throw new NotInstalledError(tenantId);
    const key = `${installation.botToken}|${installation.adminUserToken ?? ''}`;
    let clients = this.clients.get(key);
    if (!clients) {
      clients = this.build(installation);
      if (this.clients.size >= KEPT) this.clients.delete(this.clients.keys().next().value!);
      this.clients.set(key, clients);
    }
    return clients;
  }

  /** The current tenant's installation, or undefined. */
  async installation(): Promise<TenantInstallation | undefined> {
    return this.installationOf(currentTenantId('a Slack installation'));
  }

  /** Forgets what this process knows of a tenant's installation (after an install or uninstall). */
  forget(tenantId: string): void {
    this.installations.forget(tenantId);
  }

  private installationOf(tenantId: string): Promise<TenantInstallation | undefined> {
    return this.installations.get(tenantId, () => this.options.installationOf(tenantId));
  }

  private build(installation: TenantInstallation): TenantSlackClients {
    const { apiUrl, logger, deliveryLogger } = this.options;
    return {
      teamId: installation.teamId,
      teamName: installation.teamName,
      botUserId: installation.botUserId,
      client: new WebClient(installation.botToken, {
        slackApiUrl: apiUrl,
        retryConfig: WEB_API_RETRY,
        rejectRateLimitedCalls: true,
        ...(logger ? { logger } : {}),
      }),
      deliveryClient: new WebClient(installation.botToken, {
        slackApiUrl: apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: DELIVERY_CALL_TIMEOUT_MS,
        ...(deliveryLogger ? { logger: deliveryLogger } : {}),
      }),
      ...(installation.adminUserToken
        ? { adminClient: new WebClient(installation.adminUserToken, { slackApiUrl: apiUrl, retryConfig: WEB_API_RETRY, rejectRateLimitedCalls: true }) }
        : {}),
    };
  }
}
