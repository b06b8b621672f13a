/**
 * Slack's OAuth v2 install flow for the emulated app: the authorize page
 * (`GET /oauth/v2/authorize`), the member's decision (`POST /oauth/v2/authorize`: Allow,
 * Cancel, or a request when the workspace requires app approval) and the code exchange
 * (`oauth.v2.access`), which installs the app in the workspace.
 *
 * As on Slack: a wrong client_id, a redirect_uri the app does not list and unknown scopes get
 * an error page and no redirect; a code lives 10 minutes and is exchanged once; the exchange
 * takes the client credentials as form fields or HTTP Basic; its redirect_uri must be the one
 * of the authorize request; the answer has Slack's shape (docs.slack.dev/reference/methods/oauth.v2.access).
 */
import { randomBytes } from 'node:crypto';
import { optionalString, type RawArgs } from './methods';
import { consentPage, errorPage, requestSubmittedPage, type SignInChoice } from './oauth-pages';
import { isKnownScope } from './scopes';
import type { SlackEnterpriseUser, SlackUser } from './state';
import type { TeamRuntime } from './team-runtime';

export const AUTHORIZE_PATH = '/oauth/v2/authorize';
/** Slack's codes expire after 10 minutes. */
export const CODE_TTL_MS = 10 * 60_000;
const DEFAULT_CLIENT_ID = 'emulator-client-id';
const DEFAULT_CLIENT_SECRET = 'emulator-client-secret';

export interface OAuthOptions {
  clientId?: string;
  clientSecret?: string;
  /** When given, `redirect_uri` must be one of them (else `bad_redirect_uri`); when omitted any http(s) URL is accepted. */
  redirectUris?: string[];
}

/** What the flow needs of the emulator. */
export interface OAuthHost {
  teams(): readonly TeamRuntime[];
  findTeam(teamId: string): TeamRuntime | undefined;
  readonly appName: string;
  readonly appId: string;
  now(): number;
}

/** An HTTP answer of the flow's pages. */
export interface PageReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A checked authorize request. */
interface AuthorizeRequest {
  botScopes: string[];
  userScopes: string[];
  /** Where to send the browser: the given redirect_uri, else the app's first. */
  redirectUri: string;
  /** redirect_uri as the request gave it, which the exchange must repeat. */
  givenRedirectUri: string | undefined;
  state: string | undefined;
  teamHint: string | undefined;
}

interface IssuedCode {
  teamId: string;
  userId: string;
  botScopes: string[];
  userScopes: string[];
  redirectUri: string;
  givenRedirectUri: string | undefined;
  enterpriseInstall: boolean;
  issuedAt: number;
}

/** The parameters of the authorize URL, posted back by the consent form. */
const AUTHORIZE_PARAMS = ['client_id', 'scope', 'user_scope', 'redirect_uri', 'state', 'team'] as const;

export class OAuthApp {
  readonly clientId: string;
  readonly clientSecret: string;
  private readonly redirectUris: readonly string[] | undefined;
  private readonly codes = new Map<string, IssuedCode>();

  constructor(
    options: OAuthOptions | undefined,
    private readonly host: OAuthHost,
  ) {
    this.clientId = options?.clientId ?? DEFAULT_CLIENT_ID;
    this.clientSecret = options?.clientSecret ?? DEFAULT_CLIENT_SECRET;
    this.redirectUris = options?.redirectUris ? [...options.redirectUris] : undefined;
  }

  /** `GET /oauth/v2/authorize`: the consent screen, or an error page. */
  authorizePage(query: URLSearchParams): PageReply {
    const request = this.checkRequest(query);
    if ('status' in request) return request;
    const choices = this.signInChoices();
    if (choices.length === 0) return html(400, errorPage('no_users', 'no workspace has a member who can install apps'));
    const selected = this.defaultSignIn(query.get('as'), request.teamHint, choices);
    const signedIn = this.signIn(selected);
    if (!signedIn) return html(400, errorPage('invalid_user', `no member ${selected} can sign in`));
    const { team, user } = signedIn;
    const params = AUTHORIZE_PARAMS.flatMap((name): Array<[string, string]> => {
      const value = query.get(name);
      return value === null ? [] : [[name, value]];
    });
    return html(
      200,
      consentPage({
        appName: this.host.appName,
        teamName: team.state.team.name,
        botScopes: request.botScopes,
        userScopes: request.userScopes,
        params,
        choices,
        selected,
        approvalNeeded: needsApproval(team, user),
        ...(team.state.team.enterprise_name ? { enterpriseName: team.state.team.enterprise_name } : {}),
      }),
    );
  }

  /** `POST /oauth/v2/authorize`: the member's answer on the consent screen. */
  decide(form: URLSearchParams): PageReply {
    const request = this.checkRequest(form);
    if ('status' in request) return request;
    const decision = form.get('decision');
    if (decision === 'cancel') return redirect(request.redirectUri, { error: 'access_denied', state: request.state });
    const signedIn = this.signIn(form.get('as') ?? '');
    if (!signedIn) return html(400, errorPage('invalid_user', `no member ${form.get('as') ?? '(none)'} can sign in`));
    const { team, user } = signedIn;
    const teamName = team.state.team.name;
    if (decision === 'request') {
      if (!needsApproval(team, user)) return html(400, errorPage('no_approval_needed', `${user.name} can install apps in ${teamName}: nothing to request`));
      team.installRequests.push({ userId: user.id, at: this.host.now() });
      return html(200, requestSubmittedPage(this.host.appName, teamName));
    }
    if (decision !== 'allow') return html(400, errorPage('invalid_decision', 'decision must be allow, cancel or request'));
    if (needsApproval(team, user)) {
      return html(403, errorPage('app_approval_required', `${teamName} requires an admin to approve ${this.host.appName}: submit a request instead`));
    }
    const isAdmin = user.is_admin || user.is_owner;
    if (request.userScopes.includes('admin') && !isAdmin) {
      return html(403, errorPage('admin_required', `only an admin or owner of ${teamName} can grant the admin scope`));
    }
    const enterpriseInstall = form.get('org_install') === 'true' || form.get('org_install') === 'on';
    if (enterpriseInstall && team.state.team.enterprise_id === undefined) {
      return html(400, errorPage('not_an_enterprise', `${teamName} belongs to no Enterprise Grid organization`));
    }
    const orgRole = user.enterprise_user as SlackEnterpriseUser | undefined;
    if (enterpriseInstall && !(orgRole?.is_admin || orgRole?.is_owner)) {
      return html(
        403,
        errorPage('org_admin_required', `only an admin or owner of ${team.state.team.enterprise_name ?? 'the organization'} can install on all of it`),
      );
    }
    const code = `${this.host.now()}.${randomBytes(20).toString('hex')}`;
    this.codes.set(code, {
      teamId: team.teamId,
      userId: user.id,
      botScopes: request.botScopes,
      userScopes: request.userScopes,
      redirectUri: request.redirectUri,
      givenRedirectUri: request.givenRedirectUri,
      enterpriseInstall,
      issuedAt: this.host.now(),
    });
    return redirect(request.redirectUri, { code, state: request.state });
  }

  /**
   * `oauth.v2.access`: exchanges a code (once, within 10 minutes) and installs the app in the
   * code's workspace. Answers Slack's body, `{ok: false, error}` included.
   */
  exchange(args: RawArgs, authorization: string | undefined): Record<string, unknown> {
    const grantType = optionalString(args, 'grant_type');
    if (grantType !== undefined && grantType !== 'authorization_code') {
      return { ok: false, error: grantType === 'refresh_token' ? 'invalid_refresh_token' : 'invalid_grant_type' };
    }
    const credentials = basicCredentials(authorization) ?? { id: optionalString(args, 'client_id'), secret: optionalString(args, 'client_secret') };
    if (credentials.id !== this.clientId) return { ok: false, error: 'invalid_client_id' };
    if (credentials.secret !== this.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const codeValue = optionalString(args, 'code');
    const code = codeValue === undefined ? undefined : this.codes.get(codeValue);
    if (!code || codeValue === undefined || this.host.now() - code.issuedAt >= CODE_TTL_MS) return { ok: false, error: 'invalid_code' };
    const redirectUri = optionalString(args, 'redirect_uri');
    const expected = code.givenRedirectUri ?? (redirectUri === undefined ? undefined : code.redirectUri);
    if (redirectUri !== expected) return { ok: false, error: 'bad_redirect_uri' };
    const team = this.host.findTeam(code.teamId);
    if (!team) return { ok: false, error: 'invalid_code' };
    this.codes.delete(codeValue);
    const allowed = (scopes: string[]) => (team.grantedScopes === undefined ? scopes : scopes.filter((scope) => team.grantedScopes?.includes(scope)));
    const installed = team.installWith({
      botScopes: allowed(code.botScopes),
      userId: code.userId,
      userScopes: allowed(code.userScopes),
      enterpriseInstall: code.enterpriseInstall,
    });
    const { enterprise_id: enterpriseId, enterprise_name: enterpriseName } = team.state.team;
    return {
      ok: true,
      ...(installed.bot
        ? { access_token: installed.bot.token, token_type: 'bot', scope: installed.bot.scopes.join(','), bot_user_id: team.state.app.botUserId }
        : {}),
      app_id: this.host.appId,
      team: code.enterpriseInstall ? null : { id: team.teamId, name: team.state.team.name },
      enterprise: enterpriseId ? { id: enterpriseId, name: enterpriseName ?? enterpriseId } : null,
      authed_user: {
        id: code.userId,
        ...(installed.user ? { scope: installed.user.scopes.join(','), access_token: installed.user.token, token_type: 'user' } : {}),
      },
      is_enterprise_install: code.enterpriseInstall,
    };
  }

  /** Checks the app's part of an authorize request, in Slack's order: client, redirect, scopes. */
  private checkRequest(params: URLSearchParams): AuthorizeRequest | PageReply {
    const clientId = params.get('client_id');
    if (clientId !== this.clientId) return html(400, errorPage('invalid_client_id', `Invalid client_id parameter: ${clientId ?? '(none)'}`));
    const given = params.get('redirect_uri') ?? undefined;
    const redirectUri = given ?? this.redirectUris?.[0];
    if (redirectUri === undefined) return html(400, errorPage('bad_redirect_uri', 'No redirect_uri was given and the app has none configured'));
    if (!isHttpUrl(redirectUri) || (this.redirectUris !== undefined && !this.redirectUris.includes(redirectUri))) {
      return html(400, errorPage('bad_redirect_uri', `redirect_uri did not match any configured URIs. Passed URI: ${redirectUri}`));
    }
    const botScopes = scopeList(params.get('scope'));
    const userScopes = scopeList(params.get('user_scope'));
    const unknown = [...botScopes.filter((scope) => !isKnownScope(scope, 'bot')), ...userScopes.filter((scope) => !isKnownScope(scope, 'user'))];
    if (botScopes.length === 0 && userScopes.length === 0) return html(400, errorPage('invalid_scope', 'No scopes were requested'));
    if (unknown.length > 0) return html(400, errorPage('invalid_scope', `Invalid permissions requested: ${unknown.join(', ')}`));
    return { botScopes, userScopes, redirectUri, givenRedirectUri: given, state: params.get('state') ?? undefined, teamHint: params.get('team') ?? undefined };
  }

  /** Every member of every workspace who can install apps: people, neither bots, deactivated, guests nor Slack Connect strangers. */
  private signInChoices(): SignInChoice[] {
    return this.host.teams().flatMap((team) =>
      [...team.state.users.values()].filter(canSignIn).map((user) => ({
        value: `${team.teamId}:${user.id}`,
        userName: user.name,
        realName: user.real_name ?? user.name,
        teamName: team.state.team.name,
      })),
    );
  }

  /** `as` when it names a member, else the first admin of the `team` hint's workspace, else the primary's, else anyone. */
  private defaultSignIn(as: string | null, teamHint: string | undefined, choices: readonly SignInChoice[]): string {
    if (as !== null && choices.some((choice) => choice.value === as)) return as;
    const firstAdmin = (team: TeamRuntime | undefined) =>
      team ? [...team.state.users.values()].find((user) => canSignIn(user) && (user.is_admin || user.is_owner)) : undefined;
    const hinted = teamHint === undefined ? undefined : this.host.findTeam(teamHint);
    const primary = this.host.teams()[0];
    for (const team of [hinted, primary]) {
      const admin = firstAdmin(team);
      if (team && admin) return `${team.teamId}:${admin.id}`;
    }
    return (choices[0] as SignInChoice).value;
  }

  private signIn(value: string): { team: TeamRuntime; user: SlackUser } | undefined {
    const [teamId, userId] = value.split(':');
    const team = teamId === undefined ? undefined : this.host.findTeam(teamId);
    const user = userId === undefined ? undefined : team?.state.users.get(userId);
    return team && user && canSignIn(user) ? { team, user } : undefined;
  }
}

/** Whether a member must ask an admin first: the workspace requires approval, has not given it, and they are no admin or owner. */
function needsApproval(team: TeamRuntime, user: SlackUser): boolean {
  return team.state.team.app_approval_required && !team.approved && !(user.is_admin || user.is_owner);
}

function canSignIn(user: SlackUser): boolean {
  return !user.is_bot && !user.deleted && !user.is_restricted && !user.is_ultra_restricted && user.is_stranger !== true;
}

/** Slack reads scopes separated by commas (spaces tolerated). */
function scopeList(value: string | null): string[] {
  return [...new Set((value ?? '').split(/[\s,]+/).filter((scope) => scope !== ''))];
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `Authorization: Basic base64(client_id:client_secret)`, which Slack prefers to form fields. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? { id: decoded, secret: '' } : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function html(status: number, body: string): PageReply {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

/** A 302 to `target` with `params` added to its query (undefined ones left out). */
function redirect(target: string, params: Record<string, string | undefined>): PageReply {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return { status: 302, headers: { location: url.toString(), 'content-type': 'text/html; charset=utf-8' }, body: '' };
}
