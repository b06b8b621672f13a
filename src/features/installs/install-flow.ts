/**
 * The install flow an admin's browser goes through (shared/CONTRACT.md):
 *
 * 1. the platform asks for a link for a tenant and the member who clicked Connect
 *    (`POST …/slack/install-links`, Security Admin or Primary Owner only);
 * 2. `GET /slack/install/:token` shows the disclaimer; a GET changes nothing (link previews
 *    and mail scanners open links too);
 * 3. `POST /slack/install/:token` (acknowledged) uses the link, checks the member again, and
 *    sends the browser to Slack's authorize page through @slack/oauth's InstallProvider (its
 *    state kept server-side and in a cookie, see oauth-state.store.ts);
 * 4. `GET /slack/oauth_redirect`: InstallProvider exchanges the code; before anything is
 *    stored the flow refuses org-wide installs, missing scopes, a member who lost their
 *    rights, and a team bound to another tenant; then the installation is bound, the
 *    connection goes live, and the first matching starts.
 *
 * Every failure answers a page that says what happened and what to do, and stores nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, InstallProvider, type CodedError, type Installation as OAuthInstallation, type InstallURLOptions } from '@slack/oauth';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { ADMIN_USER_SCOPES, MANIFEST_BOT_SCOPES } from '../../slack/manifest-scopes';
import { slackErrorCode } from '../../slack/slack-error';
import type { TenantSlack } from '../../slack/tenant-slack';
import { currentTenantId } from '../../tenancy/tenant-scope';
import type { MemberDirectory } from '../members/member-directory';
import { isAllowed } from '../members/permissions';
import type { TenantRegistry } from '../tenants/tenant-registry';
import type { WorkspaceService } from '../workspace/workspace.service';
import { connectedPage, disclaimerPage, failurePage, type InstallFailure, type Page } from './install-pages';
import type { InstallLinkRepository } from './install-link.repository';
import type { InstallationRepository } from './installation.repository';
import type { MongoStateStore } from './oauth-state.store';
import { RefusedStateError } from './oauth-state.store';
import type { InstallationCache } from './slack-authorize';

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';
const MAX_FORM_BYTES = 4_096;

export interface InstallFlowDeps {
  oauth: { clientId: string; clientSecret: string };
  /** Slack's Web API base (its origin serves the authorize page). */
  apiUrl: string;
  publicUrl: string;
  disclaimer: readonly string[];
  links: InstallLinkRepository;
  states: MongoStateStore;
  installations: InstallationRepository;
  cache: InstallationCache;
  slack: TenantSlack;
  tenants: TenantRegistry;
  members: Pick<MemberDirectory, 'findById'>;
  workspace: WorkspaceService;
  clock: Clock;
  logger: Logger;
}

/** What the state carries from the disclaimer to the callback. */
interface InstallMetadata {
  tenantId: string;
  memberId: string;
}

/** A refusal decided during the flow, carried to the failure page. */
class InstallRefused extends Error {
  constructor(readonly failure: InstallFailure) {
    super(`install refused: ${failure.kind}`);
  }
}

/** Slack's authorize page, laid out as Slack lays it out beside its Web API (`…/api/` → `…/oauth/v2/authorize`). */
export function authorizeUrlFor(apiUrl: string): string {
  return new URL('/oauth/v2/authorize', apiUrl).toString();
}

export class InstallFlow {
  private readonly installer: InstallProvider;
  private readonly redirectUri: string;

  constructor(private readonly deps: InstallFlowDeps) {
    this.redirectUri = `${deps.publicUrl}${REDIRECT_PATH}`;
    this.installer = new InstallProvider({
      clientId: deps.oauth.clientId,
      clientSecret: deps.oauth.clientSecret,
      stateStore: deps.states,
      installationStore: {
        storeInstallation: (installation) => this.store(installation),
        fetchInstallation: () => Promise.reject(new Error('installations are read from the connector’s own store')),
      },
      authorizationUrl: authorizeUrlFor(deps.apiUrl),
      // The disclaimer page is ours; InstallProvider only sets its cookie and redirects.
      directInstall: true,
      clientOptions: { slackApiUrl: deps.apiUrl },
      logger: quietLogger(deps.logger),
    });
  }

  /** A new link for `memberId` of the current tenant; undefined when they may not connect Slack. */
  async createLink(tenantId: string, memberId: string): Promise<{ url: string; expiresAt: Date } | undefined> {
    if (!isAllowed(await this.deps.members.findById(memberId), 'workspace.manage')) return undefined;
    const { token, expiresAt } = await this.deps.links.create(tenantId, memberId, this.deps.clock.now());
    return { url: `${this.deps.publicUrl}${INSTALL_PATH}/${token}`, expiresAt };
  }

  /** GET: the disclaimer, or why the link cannot be used. */
  async showDisclaimer(res: ServerResponse, token: string): Promise<void> {
    const state = await this.deps.links.state(token, this.deps.clock.now());
    if (state.kind !== 'usable') return send(res, failurePage({ kind: `link_${state.kind}` }));
    await this.deps.tenants.run(state.link.tenantId, async () => send(res, await this.disclaimer(token, state.link.memberId)));
  }

  /** POST: acknowledged → the link is used and the browser goes to Slack. */
  async acknowledge(req: IncomingMessage, res: ServerResponse, token: string): Promise<void> {
    const form = await readForm(req);
    const now = this.deps.clock.now();
    const state = await this.deps.links.state(token, now);
    if (state.kind !== 'usable') return send(res, failurePage({ kind: `link_${state.kind}` }));
    const { tenantId, memberId } = state.link;
    await this.deps.tenants.run(tenantId, async () => {
      if (form.get('acknowledge') !== 'yes') return send(res, await this.disclaimer(token, memberId, 'Tick the box to acknowledge, then continue.'));
      if (!isAllowed(await this.deps.members.findById(memberId), 'workspace.manage')) return send(res, failurePage({ kind: 'not_allowed' }));
      if (!(await this.deps.links.use(token, now))) return send(res, failurePage({ kind: 'link_used' }));
      const metadata: InstallMetadata = { tenantId, memberId };
      const options: InstallURLOptions = {
        scopes: [...MANIFEST_BOT_SCOPES],
        ...(form.get('admin_scope') === 'yes' ? { userScopes: [...ADMIN_USER_SCOPES] } : {}),
        redirectUri: this.redirectUri,
        metadata: JSON.stringify(metadata),
      };
      res.setHeader('Cache-Control', 'no-store');
      await this.installer.handleInstallPath(req, res, undefined, options);
      this.deps.logger.info({ tenantId, memberId }, 'install link used; admin sent to Slack');
    });
  }

  /** GET /slack/oauth_redirect. */
  async callback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    await this.installer.handleCallback(req, res, {
      afterInstallation: async (installation, options, _req, response) => {
        try {
          await this.check(installation, options);
          return true;
        } catch (error) {
          send(response, this.failureFor(error));
          return false;
        }
      },
      successAsync: async (installation, options, _req, response) => {
        send(response, await this.complete(installation, options));
      },
      failureAsync: async (error, _options, _req, response) => {
        send(response, this.failureFor(error));
      },
    });
  }

  private async disclaimer(token: string, memberId: string, error?: string): Promise<Page> {
    const member = await this.deps.members.findById(memberId);
    const tenant = await this.deps.tenants.get(currentTenantId());
    return disclaimerPage({
      workspaceName: tenant?.name ?? 'your Pigment workspace',
      memberName: member?.name ?? memberId,
      disclaimer: this.deps.disclaimer,
      action: `${INSTALL_PATH}/${token}`,
      ...(error ? { error } : {}),
    });
  }

  /** Everything that must hold before the installation is stored. */
  private async check(installation: OAuthInstallation, options: InstallURLOptions): Promise<void> {
    const { tenantId, memberId } = metadataOf(options);
    if (installation.isEnterpriseInstall || !installation.team?.id) throw new InstallRefused({ kind: 'org_install' });
    const granted = new Set(installation.bot?.scopes ?? []);
    const missing = MANIFEST_BOT_SCOPES.filter((scope) => !granted.has(scope));
    if (!installation.bot?.token || missing.length > 0) throw new InstallRefused({ kind: 'scopes_missing', missing: missing.length > 0 ? missing : ['bot'] });
    const bound = await this.deps.installations.tenantOfTeam(installation.team.id);
    if (bound !== undefined && bound !== tenantId)
      throw new InstallRefused({ kind: 'team_bound_elsewhere', teamName: installation.team.name ?? installation.team.id });
    await this.deps.tenants.run(tenantId, async () => {
      if (!isAllowed(await this.deps.members.findById(memberId), 'workspace.manage')) throw new InstallRefused({ kind: 'not_allowed' });
    });
  }

  /** InstallProvider's store step: the binding, decided by unique keys (a race ends here too). */
  private async store(installation: OAuthInstallation): Promise<void> {
    const { tenantId, memberId } = metadataOf({ scopes: [], metadata: installation.metadata ?? '' });
    const teamId = installation.team!.id;
    const result = await this.deps.installations.bind({
      teamId,
      teamName: installation.team?.name ?? teamId,
      tenantId,
      ...(installation.enterprise?.id ? { enterpriseId: installation.enterprise.id } : {}),
      botUserId: installation.bot!.userId,
      ...(installation.bot?.id ? { botId: installation.bot.id } : {}),
      botToken: installation.bot!.token,
      botScopes: installation.bot!.scopes,
      ...(installation.user.token && installation.user.scopes?.includes('admin') ? { adminUserToken: installation.user.token } : {}),
      installerSlackUserId: installation.user.id,
      installedByMemberId: memberId,
      installedAt: this.deps.clock.now(),
      mode: 'oauth',
    });
    if (!result.ok) {
      if (result.reason === 'team_bound_elsewhere') throw new InstallRefused({ kind: 'team_bound_elsewhere', teamName: installation.team?.name ?? teamId });
      const tenant = await this.deps.tenants.get(tenantId);
      throw new InstallRefused({ kind: 'tenant_has_other_team', workspaceName: tenant?.name ?? tenantId });
    }
    this.deps.cache.forget(teamId);
    this.deps.slack.forget(tenantId);
  }

  /** Stored: the connection goes live (the disclaimer was acknowledged by an allowed member) and matching starts. */
  private async complete(installation: OAuthInstallation, options: InstallURLOptions): Promise<Page> {
    const { tenantId, memberId } = metadataOf(options);
    const team = { id: installation.team!.id, name: installation.team?.name ?? installation.team!.id };
    return this.deps.tenants.run(tenantId, async () => {
      const before = await this.deps.workspace.refresh();
      await this.deps.workspace.attach(team, { acknowledgedBy: { slackUserId: installation.user.id, memberId } });
      const tenant = await this.deps.tenants.get(tenantId);
      this.deps.logger.info({ tenantId, teamId: team.id, memberId, reinstalled: before !== undefined }, 'Slack installed through OAuth');
      return connectedPage({ workspaceName: tenant?.name ?? tenantId, teamName: team.name, reinstalled: before !== undefined });
    });
  }

  private failureFor(error: unknown): Page {
    if (error instanceof InstallRefused) return failurePage(error.failure);
    const code = (error as CodedError | undefined)?.code;
    if (code === ErrorCode.AuthorizationError) return failurePage({ kind: 'cancelled' });
    if (error instanceof RefusedStateError || code === ErrorCode.InvalidStateError || code === ErrorCode.MissingStateError)
      return failurePage({ kind: 'state_invalid' });
    const slackError = slackErrorCode(error);
    if (slackError) return failurePage({ kind: 'slack_error', error: slackError });
    if (code === ErrorCode.MissingCodeError) return failurePage({ kind: 'slack_error', error: 'no authorization code in the redirect' });
    this.deps.logger.error({ err: error }, 'Slack install failed');
    return failurePage({ kind: 'unexpected' });
  }
}

function metadataOf(options: InstallURLOptions): InstallMetadata {
  try {
    const parsed = JSON.parse(options.metadata ?? '') as Partial<InstallMetadata>;
    if (typeof parsed.tenantId === 'string' && typeof parsed.memberId === 'string') return { tenantId: parsed.tenantId, memberId: parsed.memberId };
  } catch {
    // Fall through: a state this flow did not issue.
  }
  throw new InstallRefused({ kind: 'state_invalid' });
}

function send(res: ServerResponse, page: Page): void {
  if (res.headersSent) return;
  res.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
  res.end(page.html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_FORM_BYTES) chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(size <= MAX_FORM_BYTES ? Buffer.concat(chunks).toString('utf8') : '');
}

/** InstallProvider logs every refusal as an error; the flow logs what matters itself. */
function quietLogger(logger: Logger) {
  const child = logger.child({ component: 'slack-oauth' });
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    setLevel: () => undefined,
    getLevel: () => 'info' as never,
    setName: () => undefined,
  };
}
