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
