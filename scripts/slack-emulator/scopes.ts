/**
 * OAuth scopes as Slack checks them: each token holds a set of scopes, each Web API method
 * needs one (some none), and a call without it is answered
 * `{ok: false, error: 'missing_scope', needed, provided}` before the method runs.
 *
 * The bot token's scopes default to exactly what the app's `manifest.json` requests, so a
 * scope the code needs but the manifest lacks fails in the tests as it would on Slack, and
 * an unneeded one is easy to spot.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The app's manifest, whose `oauth_config.scopes.bot` is the bot token's default. */
export const MANIFEST_PATH = resolve(__dirname, '../../manifest.json');

/** An app-level token for Socket Mode carries `connections:write` (README: creating the Slack app). */
export const DEFAULT_APP_SCOPES: readonly string[] = ['connections:write'];

/** The scopes each of the app's two tokens holds. */
export interface TokenScopes {
  bot: string[];
  app: string[];
}

/** `oauth_config.scopes.bot` of manifest.json; read on each call so a changed manifest shows at once. */
export function manifestBotScopes(path = MANIFEST_PATH): string[] {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { oauth_config?: { scopes?: { bot?: unknown } } };
  const scopes = manifest.oauth_config?.scopes?.bot;
  if (!Array.isArray(scopes) || !scopes.every((scope): scope is string => typeof scope === 'string')) {
    throw new Error(`${path}: oauth_config.scopes.bot must be a list of scopes`);
  }
  return scopes;
}

/** Slack's answer to a call whose token lacks `needed`: the scope asked for and every scope held, comma-separated. */
export function missingScopeAnswer(needed: string, provided: readonly string[]): Record<string, unknown> {
  return { ok: false, error: 'missing_scope', needed, provided: provided.join(',') };
}

/**
 * Slack's granular scopes a bot token can hold (api.slack.com/scopes), for the authorize page's
 * `invalid_scope`: a typo in the app's install URL fails here as it fails on Slack.
 */
export const BOT_SCOPES: ReadonlySet<string> = new Set([
  'app_mentions:read',
  'assistant:write',
  'bookmarks:read',
  'bookmarks:write',
  'calls:read',
  'calls:write',
  'canvases:read',
  'canvases:write',
  'channels:history',
  'channels:join',
  'channels:manage',
  'channels:read',
  'channels:write.invites',
  'channels:write.topic',
  'chat:write',
  'chat:write.customize',
  'chat:write.public',
  'commands',
  'conversations.connect:manage',
  'conversations.connect:read',
  'conversations.connect:write',
  'dnd:read',
  'emoji:read',
  'files:read',
  'files:write',
  'groups:history',
  'groups:read',
  'groups:write',
  'groups:write.invites',
  'groups:write.topic',
  'im:history',
  'im:read',
  'im:write',
  'im:write.topic',
  'incoming-webhook',
  'links.embed:write',
  'links:read',
  'links:write',
  'metadata.message:read',
  'mpim:history',
  'mpim:read',
  'mpim:write',
  'mpim:write.topic',
  'pins:read',
  'pins:write',
  'reactions:read',
  'reactions:write',
  'reminders:read',
  'reminders:write',
  'remote_files:read',
  'remote_files:share',
  'remote_files:write',
  'team.billing:read',
  'team.preferences:read',
  'team:read',
  'triggers:read',
  'triggers:write',
  'usergroups:read',
  'usergroups:write',
  'users.profile:read',
  'users:read',
  'users:read.email',
  'users:write',
  'workflow.steps:execute',
]);

/** Scopes only a user token can hold: `admin` (team.billableInfo, team.accessLogs), search, identity, Grid admin. */
export const USER_ONLY_SCOPES: ReadonlySet<string> = new Set([
  'admin',
  'auditlogs:read',
  'dnd:write',
  'email',
  'identity.avatar',
  'identity.basic',
  'identity.email',
  'identity.team',
  'openid',
  'profile',
  'search:read',
  'stars:read',
  'stars:write',
  'users.profile:write',
  'admin.analytics:read',
  'admin.apps:read',
  'admin.apps:write',
  'admin.conversations:read',
  'admin.conversations:write',
  'admin.invites:read',
  'admin.invites:write',
  'admin.teams:read',
  'admin.teams:write',
  'admin.usergroups:read',
  'admin.usergroups:write',
  'admin.users:read',
  'admin.users:write',
]);

/** Bot scopes a user token cannot hold: they belong to the bot user (mentions, commands, customised posts). */
const BOT_ONLY_SCOPES: ReadonlySet<string> = new Set(['app_mentions:read', 'assistant:write', 'chat:write.customize', 'commands', 'workflow.steps:execute']);

/** Whether Slack knows `scope` for this kind of token. */
export function isKnownScope(scope: string, kind: 'bot' | 'user'): boolean {
  if (kind === 'bot') return BOT_SCOPES.has(scope);
  return USER_ONLY_SCOPES.has(scope) || (BOT_SCOPES.has(scope) && !BOT_ONLY_SCOPES.has(scope));
}

/** `display_information.name` of manifest.json: the app's name on the authorize page. */
export function manifestAppName(path = MANIFEST_PATH): string | undefined {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { display_information?: { name?: unknown } };
  const name = manifest.display_information?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
