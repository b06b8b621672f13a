/**
 * The bot scopes the app asks for, read from manifest.json (the one place they are written):
 * what an OAuth install requests and checks were granted, and what a SLACK_BOT_TOKEN
 * installation is recorded with.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../platform/project-root';

interface Manifest {
  oauth_config?: { scopes?: { bot?: string[] } };
}

function readBotScopes(): readonly string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'manifest.json'), 'utf8')) as Manifest;
  const scopes = manifest.oauth_config?.scopes?.bot;
  if (!scopes || scopes.length === 0) throw new Error('manifest.json lists no bot scopes under oauth_config.scopes.bot');
  return Object.freeze([...scopes]);
}

export const MANIFEST_BOT_SCOPES: readonly string[] = readBotScopes();

/** The optional user scope an installing admin may grant for the inventory's admin-only columns. */
export const ADMIN_USER_SCOPES: readonly string[] = Object.freeze(['admin']);
