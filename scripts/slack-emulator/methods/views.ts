/** `views.publish`, `views.open`, `views.push`, `views.update`: Home tabs and modal stacks. */
import { randomBytes } from 'node:crypto';
import { formatProblems, validateView } from '../block-kit';
import type { SlackView, WorkspaceState } from '../state';
import { fail, isRecord, optionalJson, optionalString, requiredString, type MethodServices, type MethodTable, type RawArgs } from './context';

/** A modal plus two pushed views. */
export const MAX_MODAL_STACK = 3;

/** Reads, size-checks and validates the `view` argument. */
function parseView(args: RawArgs, expectedType: 'home' | 'modal' | undefined): Record<string, unknown> {
  const view = optionalJson(args, 'view', 'invalid_arguments');
  if (!isRecord(view)) fail('invalid_arguments', ['[ERROR] missing required field: view']);
  if (expectedType !== undefined && view.type !== expectedType) {
    fail('invalid_arguments', [`[ERROR] view.type must be ${expectedType} [json-pointer:/view/type]`]);
  }
  const problems = validateView(view);
  // block-kit reports an oversized view as a single problem; Slack answers it with its own error.
  if (problems.some((problem) => problem.message === 'view_too_large')) fail('view_too_large');
  if (problems.length > 0) fail('invalid_arguments', [formatProblems(problems)].flat());
  return view;
}

/** Exchanges a trigger id issued by the emulator: once, and within its lifetime. */
function exchangeTrigger(services: MethodServices, args: RawArgs): string {
  const triggerId = optionalString(args, 'trigger_id') ?? optionalString(args, 'interactivity_pointer');
  if (triggerId === undefined) fail('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
  const trigger = services.state.triggers.get(triggerId);
  if (!trigger) fail('invalid_trigger_id');
  if (trigger.used) fail('exchanged_trigger_id');
  if (services.now() - trigger.issuedAt >= services.triggerTtlMs) fail('expired_trigger_id');
  trigger.used = true;
  return trigger.userId;
}

function newHash(state: WorkspaceState): string {
  return `${state.nowSeconds()}.${randomBytes(4).toString('hex')}`;
}

function checkExternalId(state: WorkspaceState, externalId: unknown, ownId?: string): void {
  if (typeof externalId !== 'string' || externalId === '') return;
  for (const view of state.views.values()) {
    if (view.external_id === externalId && view.id !== ownId) fail('duplicate_external_id');
  }
}

/** Builds the stored view from the payload, keeping identity fields of `previous` on update. */
export function buildView(state: WorkspaceState, payload: Record<string, unknown>, identity: { id: string; root: string; previous: string | null }): SlackView {
  return {
    private_metadata: '',
    callback_id: '',
    external_id: '',
    clear_on_close: false,
    notify_on_close: false,
    ...payload,
    id: identity.id,
    team_id: state.team.id,
    type: String(payload.type),
    blocks: Array.isArray(payload.blocks) ? payload.blocks : [],
    state: { values: {} },
    hash: newHash(state),
    root_view_id: identity.root,
    previous_view_id: identity.previous,
    app_id: state.app.appId,
    bot_id: state.app.botId,
    app_installed_team_id: state.team.id,
  };
}

export function saveView(state: WorkspaceState, view: SlackView, homeOf?: string): SlackView {
  state.views.set(view.id, view);
  if (homeOf !== undefined) state.homeViews.set(homeOf, view);
  return view;
}

function checkHash(args: RawArgs, current: SlackView | undefined): void {
  const hash = optionalString(args, 'hash');
  if (hash !== undefined && current !== undefined && hash !== current.hash) fail('hash_conflict');
}

export const viewsMethods: MethodTable = {
  'views.publish': {
    token: 'bot',
    handler: ({ args, services: { state } }) => {
      const userId = requiredString(args, 'user_id');
      if (!state.users.has(userId)) fail('user_not_found');
      const payload = parseView(args, 'home');
      const current = state.homeViews.get(userId);
      checkHash(args, current);
      checkExternalId(state, payload.external_id, current?.id);
      // A user's Home tab keeps its view id across publishes.
      const id = current?.id ?? state.nextId('V');
      return { view: saveView(state, buildView(state, payload, { id, root: id, previous: null }), userId) };
    },
  },
  'views.open': {
    token: 'bot',
    handler: ({ args, services }) => {
      const { state } = services;
      const payload = parseView(args, 'modal');
      const userId = exchangeTrigger(services, args);
      checkExternalId(state, payload.external_id);
      const id = state.nextId('V');
      state.modalStacks.set(userId, [id]);
      return { view: saveView(state, buildView(state, payload, { id, root: id, previous: null })) };
    },
  },
  'views.push': {
    token: 'bot',
    handler: ({ args, services }) => {
      const { state } = services;
      const payload = parseView(args, 'modal');
      const userId = exchangeTrigger(services, args);
      const stack = state.modalStacks.get(userId);
      if (!stack || stack.length === 0) fail('invalid_arguments', ['[ERROR] no modal is open for this user: use views.open']);
      if (stack.length >= MAX_MODAL_STACK) fail('push_limit_reached');
      checkExternalId(state, payload.external_id);
      const id = state.nextId('V');
      const view = buildView(state, payload, { id, root: stack[0] as string, previous: stack[stack.length - 1] as string });
      stack.push(id);
      return { view: saveView(state, view) };
    },
  },
  'views.update': {
    token: 'bot',
    handler: ({ args, services: { state } }) => {
      const viewId = optionalString(args, 'view_id');
      const externalId = optionalString(args, 'external_id');
      if (viewId === undefined && externalId === undefined) fail('invalid_arguments', ['[ERROR] view_id or external_id is required']);
      const current = viewId !== undefined ? state.views.get(viewId) : [...state.views.values()].find((view) => view.external_id === externalId);
      if (!current) fail('not_found');
      const payload = parseView(args, current.type === 'home' ? 'home' : 'modal');
      checkHash(args, current);
      checkExternalId(state, payload.external_id, current.id);
      const updated = buildView(
        state,
        { external_id: current.external_id, ...payload },
        { id: current.id, root: current.root_view_id, previous: current.previous_view_id },
      );
      const homeOwner = [...state.homeViews].find(([, view]) => view.id === current.id)?.[0];
      return { view: saveView(state, updated, homeOwner) };
    },
  },
};
