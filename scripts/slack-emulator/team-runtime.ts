/**
 * One workspace the emulated app may be installed in: its state, its rate limits (Slack's are
 * per workspace and app), its faults, and its installation: the bot token, the users' tokens,
 * app approval and the scopes the workspace grants. The HTTP layer (emulator.ts) picks the
 * workspace by the call's token and answers from here.
 */
import type { MethodServices } from './methods';
import { RateLimiter } from './rate-limits';
import { FaultQueue } from './faults';
import type { EventAuthorization } from './socket-mode';
import { parseSeed, WorkspaceState, type AppIdentity, type IdSequence, type Seed } from './state';
import type { TokenScopes } from './scopes';
import type { IssuedToken, TokenRegistry } from './tokens';

export interface TeamRuntimeOptions {
  seed: Seed | undefined;
  now: () => number;
  ids: IdSequence;
  /** The team and bot a seed leaves out (see `defaultsForTeam`). */
  defaults: { team?: { id: string; name: string; domain: string }; app?: Partial<AppIdentity> };
  /** The app's configured scopes, over the seed's. */
  scopes?: Partial<TokenScopes>;
  rateLimitScale: number;
  triggerTtlMs: number;
  openSocketUrl: (hostHeader: string) => string;
  tokens: TokenRegistry;
  /** Starts installed (a bot token exists). */
  installed: boolean;
  /** The bot token of the first install (the primary workspace's `botToken` option); generated when absent. */
  firstBotToken?: string;
}

/** What an install through OAuth grants (oauth.ts decides it from the request and the workspace). */
export interface InstallGrant {
  botScopes: string[];
  /** The user who approved the install, and the user scopes they granted (none: no user token). */
  userId: string;
  userScopes: string[];
  enterpriseInstall: boolean;
}

/** The tokens an install leaves, with all the scopes each holds. */
export interface InstallResult {
  bot?: { token: string; scopes: string[] };
  user?: { token: string; scopes: string[] };
}

export class TeamRuntime {
  readonly state: WorkspaceState;
  readonly limiter: RateLimiter;
  readonly faults = new FaultQueue();
  readonly services: MethodServices;
  /** Revocations a test asked for (`revokeTokens`), lifted by `restoreTokens`; an uninstall's are for good. */
  readonly testRevocations = new Map<'bot' | 'user', string>();
  accountInactive = false;
  /** An admin approved the app (app approval); it stays approved, uninstalls included, as on Slack. */
  approved = false;
  readonly installRequests: Array<{ userId: string; at: number }> = [];
  /** What the workspace lets the app have (an admin-restricted approval); undefined: whatever is asked. */
  grantedScopes: string[] | undefined;
  /** The app was installed on the whole Enterprise Grid org from this workspace. */
  enterpriseInstall = false;
  private bot: IssuedToken | undefined;
  private readonly userTokens = new Map<string, IssuedToken>();
  private nextBotToken: string | undefined;
  /** The bot scopes an install from the app's settings grants: the configured ones. */
  private readonly configuredBotScopes: string[];

  constructor(private readonly options: TeamRuntimeOptions) {
    this.state = new WorkspaceState(options.seed, options.now, { ids: options.ids, defaults: options.defaults });
    if (options.scopes?.bot) this.state.scopes.bot = [...options.scopes.bot];
    if (options.scopes?.app) this.state.scopes.app = [...options.scopes.app];
    this.configuredBotScopes = [...this.state.scopes.bot];
    this.limiter = new RateLimiter({ scale: options.rateLimitScale, now: options.now, distributedApp: () => this.state.team.distributed_app });
    this.services = {
      state: this.state,
      now: options.now,
      triggerTtlMs: options.triggerTtlMs,
      openSocketUrl: options.openSocketUrl,
      isEnterpriseInstall: () => this.enterpriseInstall,
    };
    this.nextBotToken = options.firstBotToken;
    if (options.installed) this.install();
  }

  get teamId(): string {
    return this.state.team.id;
  }

  get botToken(): string | undefined {
    return this.bot?.token;
  }

  get installed(): boolean {
    return this.bot !== undefined;
  }

  /** Whom this workspace's events are for, as `authorizations` names it. */
  authorization(): EventAuthorization {
    const { enterprise_id: enterpriseId } = this.state.team;
    return {
      teamId: this.teamId,
      botUserId: this.state.app.botUserId,
      ...(enterpriseId ? { enterpriseId } : {}),
      isEnterpriseInstall: this.enterpriseInstall,
    };
  }

  /** Installs from the app's settings: the configured scopes, the same token when already installed. */
  install(): string {
    if (this.bot) return this.bot.token;
    this.state.scopes.bot = [...this.configuredBotScopes];
    return this.issueBotToken().token;
  }

  /**
   * Installs through OAuth. Scopes add up over reinstalls (Slack upgrades the token it already
   * issued); after an uninstall everything starts again with new tokens.
   */
  installWith(grant: InstallGrant): InstallResult {
    const result: InstallResult = {};
    this.enterpriseInstall = grant.enterpriseInstall;
    if (grant.botScopes.length > 0) {
      this.state.scopes.bot = this.bot ? union(this.state.scopes.bot, grant.botScopes) : [...grant.botScopes];
      const bot = this.bot ?? this.issueBotToken();
      result.bot = { token: bot.token, scopes: [...this.state.scopes.bot] };
    }
    if (grant.userScopes.length > 0) {
      const existing = this.userTokens.get(grant.userId);
      const user = existing ?? this.options.tokens.issue({ kind: 'user', teamId: this.teamId, userId: grant.userId });
      user.scopes = existing ? union(existing.scopes, grant.userScopes) : [...grant.userScopes];
      this.userTokens.set(grant.userId, user);
      result.user = { token: user.token, scopes: [...user.scopes] };
    }
    return result;
  }

  /** Revokes every token of the workspace for good; says whose tokens they were (for `tokens_revoked`). */
  uninstall(): { bot: string[]; oauth: string[] } {
    const bot = this.bot ? [this.bot.userId] : [];
    const oauth = [...this.userTokens.keys()];
    for (const token of [...(this.bot ? [this.bot] : []), ...this.userTokens.values()]) token.revokedError = 'token_revoked';
    this.bot = undefined;
    this.userTokens.clear();
    this.enterpriseInstall = false;
    return { bot, oauth };
  }

  /** The scopes a token of this workspace holds. */
  scopesOf(token: IssuedToken): string[] {
    return token.kind === 'bot' ? this.state.scopes.bot : token.scopes;
  }

  private issueBotToken(): IssuedToken {
    const token = this.nextBotToken;
    this.nextBotToken = undefined;
    this.bot = this.options.tokens.issue({ kind: 'bot', teamId: this.teamId, userId: this.state.app.botUserId, ...(token ? { token } : {}) });
    return this.bot;
  }
}

/**
 * The team and bot of the workspace at `index` (0 is the primary) when its seed names none:
 * each workspace has its own bot user and bot id, while the app id is the app's, the same in
 * every workspace.
 */
export function defaultsForTeam(index: number, appId: string | undefined): TeamRuntimeOptions['defaults'] {
  if (index === 0) return {};
  const number = String(index + 1).padStart(4, '0');
  return {
    team: { id: `T0EMULATOR${index + 1}`, name: `Emulated Workspace ${index + 1}`, domain: `emulated-${index + 1}` },
    app: { botUserId: `U0BOT${number}`, botId: `B0BOT${number}`, ...(appId ? { appId } : {}) },
  };
}

/** Whether a seed wants the workspace installed from the start (the primary unless it says no). */
export function startsInstalled(seed: Seed | undefined, primary: boolean): boolean {
  return parseSeed(seed).installed ?? primary;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
