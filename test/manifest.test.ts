/**
 * manifest.json is valid for Slack (its own JSON schema), and it subscribes to exactly what
 * the code listens to: every event and interactivity feature registered by the features is
 * declared, and nothing declared goes unused.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
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
const DECLARED_FOR_LATER: Record<string, string> = {
  // Each sync reads the groups' members itself, and events start no sync (issue 5).
  subteam_members_changed: 'provisioning by user group (issue 5)',
};

/** The scope Slack requires to receive each event (SLACK-REFERENCE.md, "Events used"). */
const EVENT_SCOPES: Record<string, string | undefined> = {
  app_home_opened: undefined,
  app_uninstalled: undefined,
  tokens_revoked: undefined,
  team_join: 'users:read',
  user_change: 'users:read',
  subteam_created: 'usergroups:read',
  subteam_updated: 'usergroups:read',
  subteam_members_changed: 'usergroups:read',
};

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

  it('requests the scope each subscribed event needs', () => {
    const scopes = new Set(manifest.oauth_config.scopes.bot);
    for (const event of manifest.settings.event_subscriptions.bot_events) {
      expect(event in EVENT_SCOPES).toBe(true);
      const needed = EVENT_SCOPES[event];
      if (needed) expect(scopes).toContain(needed);
    }
  });
});
