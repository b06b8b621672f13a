/**
 * Registers the features on a real Bolt app (not started) and records what they listen to:
 * events, actions, views, shortcuts, options and commands, with their constraints.
 */
import { App, SocketModeReceiver } from '@slack/bolt';
import type { Db } from 'mongodb';
import { registerFeatures } from '../../src/features';
import { TEST_SECRETS } from './factories';
import { testFeatureDeps } from './feature-deps';
import { InstallationCache, InstallationRepository } from '../../src/features/installs';

export type Constraint = string | RegExp | Record<string, unknown>;

export interface RecordedListeners {
  events: Set<string>;
  actions: Constraint[];
  views: Constraint[];
  /** Every interactive registration as `kind:id`, for the manifest check. */
  interactive: string[];
  commands: string[];
}

export function recordListeners(db: Db): RecordedListeners {
  const receiver = new SocketModeReceiver({ appToken: TEST_SECRETS.appToken });
  const app = new App({ token: TEST_SECRETS.botToken, receiver, deferInitialization: true });
  const recorded: RecordedListeners = { events: new Set(), actions: [], views: [], interactive: [], commands: [] };
  const spy = (kind: 'event' | 'action' | 'view' | 'shortcut' | 'options' | 'command', sink: (constraint: Constraint) => void) =>
    jest.spyOn(app, kind as 'event').mockImplementation(function (this: App, ...args: unknown[]) {
      sink(args[0] as Constraint);
      return (App.prototype[kind as 'event'] as (...a: unknown[]) => void).apply(this, args);
    } as never);
  spy('event', (c) => recorded.events.add(String(c)));
  spy('action', (c) => {
    recorded.actions.push(c);
    recorded.interactive.push(`action:${describe(c)}`);
  });
  spy('view', (c) => {
    recorded.views.push(c);
    recorded.interactive.push(`view:${describe(c)}`);
  });
  spy('shortcut', (c) => recorded.interactive.push(`shortcut:${describe(c)}`));
  spy('options', (c) => recorded.interactive.push(`options:${describe(c)}`));
  spy('command', (c) => recorded.commands.push(String(c)));
  const deps = testFeatureDeps(db);
  registerFeatures(app, deps, {
    installations: new InstallationRepository(db, deps.config.encryptionKey),
    installationCache: new InstallationCache(new InstallationRepository(db, deps.config.encryptionKey)),
  });
  return recorded;
}

export function describe(constraint: Constraint): string {
  if (typeof constraint === 'string') return constraint;
  if (constraint instanceof RegExp) return constraint.source;
  return JSON.stringify(constraint);
}

/**
 * An id that satisfies a constraint: the string itself, a sample for a row pattern such as
 * `^members\.show_member:\d+$` (→ `members.show_member:0`), or the object's action_id /
 * callback_id.
 */
export function sampleId(constraint: Constraint, key: 'action_id' | 'callback_id'): string {
  if (typeof constraint === 'string') return constraint;
  if (constraint instanceof RegExp) {
    return constraint.source.replace(/^\^/, '').replace(/\$$/, '').replace(/\\d\+/g, '0').replace(/\\d\*/g, '0').replace(/\\(.)/g, '$1');
  }
  const value = constraint[key];
  if (typeof value === 'string') return value;
  if (value instanceof RegExp) return sampleId(value, key);
  throw new Error(`cannot sample ${JSON.stringify(constraint)}`);
}
