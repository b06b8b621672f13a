/**
 * manifest.json is valid for Slack (its own JSON schema), and it subscribes to exactly what
 * the code listens to: every event and interactivity feature registered by the features is
 * declared, and nothing declared goes unused.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { METHODS } from '../scripts/slack-emulator/methods';
import { recordListeners } from './support/listener-recorder';
import { openTestDatabase, type TestDatabase } from './support/store';

// Slack's manifest schema (MIT, slackapi/manifest-schema), vendored from shared/ so a clone runs alone.
const SCHEMA_DIR = path.resolve(__dirname, 'fixtures/slack-manifest-schema');
const REMOTE_BASE = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/';

interface Manifest {
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
  features: { slash_commands?: Array<{ command: string }>; app_home: Record<string, boolean>; bot_user: { display_name: string } };
  display_information: { name: string };
}

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../manifest.json'), 'utf8')) as Manifest;

/**
 * Events declared for features that are built in later issues of this project. The manifest
 * carries them already so an installed app does not need re-approval for each release; the
 * list shrinks to nothing as those features land, and an event that stays here unused fails.
 */
const DECLARED_FOR_LATER: Record<string, string> = {};

/** The scope Slack requires to receive each event (SLACK-REFERENCE.md, "Events used"). */
const EVENT_SCOPES: Record<string, string | undefined> = {
  app_home_opened: undefined,
  app_uninstalled: undefined,
  tokens_revoked: undefined,
  team_join: 'users:read',
  user_change: 'users:read',
  subteam_created: 'usergroups:read',
  subteam_updated: 'usergroups:read',
};

const SRC_DIR = path.resolve(__dirname, '../src');

/** Every `.ts` file under src/. */
function sourceFiles(dir = SRC_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * The Web API methods src/ calls through a WebClient (`client.users.list(`…), as the
 * emulator knows them: names it does not implement (`users.map(` on an array) are not Slack
 * calls the tests could run anyway.
 */
function calledMethods(): Set<string> {
  const call = /\.((?:auth|apps|chat|conversations|files|team|usergroups|users|views)\.[a-zA-Z]+(?:\.[a-zA-Z]+)?)\(/g;
  const names = sourceFiles().flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(call)].map((match) => match[1] as string));
  return new Set(names.filter((name) => name in METHODS));
}

/**
 * The bot scope each called method needs, by the emulator's table of Slack's method pages.
 * The app reads history in its own DMs only, so a per-channel rule is asked for a DM.
 * `admin` is left out: Slack never grants it to a bot token, and the inventory shows the
 * refusal instead of its figures.
 */
function scopesOfCalledMethods(): Set<string> {
  const scopes = [...calledMethods()].flatMap((method) => {
    const rule = METHODS[method]?.scope;
    const needed = typeof rule === 'function' ? rule({ channel: 'D0APPDM001' }) : rule;
    return needed === undefined || needed === 'admin' ? [] : [needed];
  });
  return new Set(scopes);
}

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase('manifest');
});
afterAll(() => database.dispose());

/** Registers the features on a real Bolt app and records what they listen to. */
function registeredListeners() {
  return recordListeners(database.db);
}

describe('manifest.json', () => {
  it("is valid against Slack's manifest JSON schema", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const version of ['1.0.0', '2.0.0']) {
      const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'schemas', `manifest.schema.${version}.json`), 'utf8'));
      ajv.addSchema(schema, `${REMOTE_BASE}manifest.schema.${version}.json`);
    }
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'manifest.schema.json'), 'utf8')));
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check catches a broken manifest', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'schemas', 'manifest.schema.1.0.0.json'), 'utf8'));
    const validate = ajv.compile(schema);
    expect(validate({ ...manifest, settings: { ...manifest.settings, socket_mode_enabled: 'yes' } })).toBe(false);
  });

  it('describes the Pigment app in Socket Mode with Home and Messages tabs', () => {
    expect(manifest.display_information.name).toBe('Pigment');
    expect(manifest.features.bot_user.display_name).toBe('Pigment');
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('subscribes to every event the code listens to, and to nothing unused', () => {
    const { events } = registeredListeners();
    const declared = new Set(manifest.settings.event_subscriptions.bot_events);
    for (const event of events) expect(declared).toContain(event);
    const unused = [...declared].filter((e) => !events.has(e) && !(e in DECLARED_FOR_LATER));
    expect(unused).toEqual([]);
    // An event both registered and still listed for later means the list is stale.
    expect(Object.keys(DECLARED_FOR_LATER).filter((e) => events.has(e))).toEqual([]);
  });

  it('has interactivity on exactly when a feature handles actions, views, shortcuts or options', () => {
    const { interactive } = registeredListeners();
    expect(manifest.settings.interactivity.is_enabled).toBe(interactive.length > 0);
  });

  it('declares the slash commands the code handles (none)', () => {
    const { commands } = registeredListeners();
    expect((manifest.features.slash_commands ?? []).map((c) => c.command).sort()).toEqual(commands.sort());
  });

  it('requests exactly the bot scopes the code needs: its Web API calls, its events and its file downloads', () => {
    const needed = new Set([...scopesOfCalledMethods(), ...Object.values(EVENT_SCOPES).flatMap((scope) => (scope ? [scope] : []))]);
    // Files members upload in the import modal are downloaded from url_private_download, which needs files:read.
    if (sourceFiles().some((file) => fs.readFileSync(file, 'utf8').includes('url_private_download'))) needed.add('files:read');
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('finds the Web API calls the scope check relies on', () => {
    // A broken pattern would find nothing and pass the check above vacuously.
    expect([...calledMethods()]).toEqual(expect.arrayContaining(['chat.postMessage', 'conversations.open', 'users.list', 'views.publish']));
  });

  it('requests the scope each subscribed event needs', () => {
    const scopes = new Set(manifest.oauth_config.scopes.bot);
    for (const event of manifest.settings.event_subscriptions.bot_events) {
      expect(event in EVENT_SCOPES).toBe(true);
      const needed = EVENT_SCOPES[event];
      if (needed) expect(scopes).toContain(needed);
    }
  });
});
