/**
 * Interaction and event payloads built as Slack builds them, from what the workspace holds:
 * a button pressed in the Home carries the published Home view (`type: 'home'`), one pressed
 * in a DM carries the message, its channel and a `response_url`, one in a modal the modal as
 * stored; a submission carries the stored view with the submitted values.
 *
 * Field sets follow Slack's published samples (slackapi/java-slack-sdk, json-logs/samples/)
 * and the real payloads quoted in that SDK's tests; test/slack-emulator/payload-fields.test.ts
 * compares them. Fields a test passes win, so tests can still forge payloads.
 */
import type { SlackUser, SlackUsergroup, SlackView, WorkspaceState } from './state';

/** What the builders need from the emulator. */
export interface PayloadContext {
  readonly state: WorkspaceState;
  /** A fresh trigger id for the user (only payloads Slack gives one to get it). */
  issueTriggerId(userId: string): string;
  /** `http://host:port`, for the `response_url` of message actions. */
  readonly baseUrl: string;
  /** The app was installed on the whole Enterprise Grid org (payloads say `is_enterprise_install: true`). */
  readonly isEnterpriseInstall?: boolean;
}

/** Where a pressed element was found. */
type Source = { kind: 'view'; view: Record<string, unknown> } | { kind: 'message'; channelId: string; message: Record<string, unknown> };

/** Slack's legacy verification token, sent in every payload. */
export const VERIFICATION_TOKEN = 'emulator-verification-token';

/**
 * A complete interactive payload from `userId`: the fields every interaction carries, then
 * the ones of its `type` (block_actions, view_submission, view_closed, block_suggestion),
 * filled from the workspace, then `fields` as given.
 */
export function interactionPayload(ctx: PayloadContext, userId: string, fields: { type: string } & Record<string, unknown>): Record<string, unknown> {
  const { state } = ctx;
  const user = state.users.get(userId);
  const { enterprise_id: enterpriseId, enterprise_name: enterpriseName } = state.team;
  const common = {
    type: fields.type,
    team: { id: state.team.id, domain: state.team.domain, ...(enterpriseId ? { enterprise_id: enterpriseId, enterprise_name: enterpriseName } : {}) },
    // On Grid, the user's team is their home team, which may be another workspace of the org.
    user: { id: userId, username: user?.name ?? userId, name: user?.name ?? userId, team_id: user?.team_id ?? state.team.id },
    api_app_id: state.app.appId,
    token: VERIFICATION_TOKEN,
    is_enterprise_install: ctx.isEnterpriseInstall ?? false,
    enterprise: enterpriseId ? { id: enterpriseId, name: enterpriseName } : null,
  };
  switch (fields.type) {
    case 'block_actions':
      return blockActions(ctx, userId, common, fields);
    case 'view_submission':
      // `response_urls` lists the conversations picked in inputs with response_url_enabled: none here.
      return { ...common, trigger_id: ctx.issueTriggerId(userId), response_urls: [], ...fields, ...withStoredView(state, fields.view) };
    case 'view_closed':
      return { ...common, is_cleared: false, ...fields, ...withStoredView(state, fields.view) };
    case 'block_suggestion': {
      // Options requests come from a modal (or the Home) and get no trigger id.
      const view = withStoredView(state, fields.view);
      return { ...common, ...(view.view ? { container: { type: 'view', view_id: view.view.id } } : {}), ...fields, ...view };
    }
    default:
      return { ...common, trigger_id: ctx.issueTriggerId(userId), ...fields };
  }
}

function blockActions(ctx: PayloadContext, userId: string, common: Record<string, unknown>, fields: Record<string, unknown>): Record<string, unknown> {
  const actions = Array.isArray(fields.actions) ? fields.actions : [];
  const firstActionId = isRecord(actions[0]) && typeof actions[0].action_id === 'string' ? actions[0].action_id : undefined;
  const source = sourceOf(ctx.state, userId, fields, firstActionId);
  const blocks = source.kind === 'view' ? source.view.blocks : source.message.blocks;
  const completed = actions.map((action) => completeAction(ctx.state, action, Array.isArray(blocks) ? blocks : []));
  const base = { ...common, trigger_id: ctx.issueTriggerId(userId) };
  if (source.kind === 'view') {
    return { ...base, ...fields, container: { type: 'view', view_id: source.view.id }, view: source.view, actions: completed };
  }
  const { channelId, message } = source;
  return {
    ...base,
    channel: { id: channelId, name: 'directmessage' },
    state: { values: {} },
    response_url: `${ctx.baseUrl}/actions/${ctx.state.team.id}/${String(message.ts ?? '')}`,
    ...fields,
    container: { type: 'message', message_ts: message.ts, channel_id: channelId, is_ephemeral: false },
    message,
    actions: completed,
  };
}

/**
 * Where the press happened: what the test said (a message, a view), else where the app
 * showed that action to the user (their open modals, their Home, their DM), else the Home.
 */
function sourceOf(state: WorkspaceState, userId: string, fields: Record<string, unknown>, actionId: string | undefined): Source {
  const container = isRecord(fields.container) ? fields.container : {};
  const dm = state.dmChannelOf(userId);
  if (container.type === 'message' || isRecord(fields.message)) {
    const channelId = typeof container.channel_id === 'string' ? container.channel_id : (dm ?? '');
    const given = isRecord(fields.message) ? fields.message : {};
    const ts = typeof given.ts === 'string' ? given.ts : container.message_ts;
    const stored = typeof ts === 'string' ? state.findMessage(channelId, ts) : undefined;
    return { kind: 'message', channelId, message: { ...stored, ...given } };
  }
  if (isRecord(fields.view)) return { kind: 'view', view: storedView(state, fields.view) };
  const known = typeof container.view_id === 'string' ? state.views.get(container.view_id) : undefined;
  if (known) return { kind: 'view', view: asSent(known) };
  if (container.type !== 'view' && actionId !== undefined) {
    const modal = [...(state.modalStacks.get(userId) ?? [])].reverse().flatMap((id) => state.views.get(id) ?? []);
    const home = state.homeViews.get(userId);
    const view = [...modal, ...(home ? [home] : [])].find((candidate) => findElement(candidate.blocks, actionId));
    if (view) return { kind: 'view', view: asSent(view) };
    const message = dm === undefined ? undefined : [...(state.messages.get(dm) ?? [])].reverse().find((m) => findElement(m.blocks ?? [], actionId));
    if (dm !== undefined && message) return { kind: 'message', channelId: dm, message };
  }
  return { kind: 'view', view: homeViewOf(state, userId, typeof container.view_id === 'string' ? container.view_id : undefined) };
}

/** The stored view behind `given` (by id) as Slack sends it, with what the test gave on top; `given` alone when unknown. */
function storedView(state: WorkspaceState, given: Record<string, unknown>): Record<string, unknown> {
  const stored = typeof given.id === 'string' ? state.views.get(given.id) : undefined;
  return stored ? { ...asSent(stored), ...given } : given;
}

/**
 * A stored view as payloads carry it: Slack sends every view with `title`, `close` and
 * `submit`, null for a button the view has none of, and "View Title" for a Home's title.
 */
export function asSent(view: SlackView): SlackView {
  return { ...(view.type === 'home' ? { title: { type: 'plain_text', text: 'View Title', emoji: true } } : {}), close: null, submit: null, ...view };
}

/** `{view}` completed from the workspace; a missing or malformed view (a forged payload) is passed on as it is. */
function withStoredView(state: WorkspaceState, given: unknown): { view?: Record<string, unknown> } {
  if (given === undefined) return {};
  return isRecord(given) ? { view: storedView(state, given) } : ({ view: given } as { view?: Record<string, unknown> });
}

/**
 * The user's published Home; a Home press before any publish is a forged payload, answered
 * with an empty Home view shaped as Slack's.
 */
function homeViewOf(state: WorkspaceState, userId: string, viewId: string | undefined): SlackView {
  const published = state.homeViews.get(userId);
  if (published) return asSent(published);
  const id = viewId ?? `VHOME${userId}`;
  return {
    id,
    team_id: state.team.id,
    type: 'home',
    blocks: [],
    private_metadata: '',
    callback_id: '',
    state: { values: {} },
    hash: `${state.nowSeconds()}.00000000`,
    title: { type: 'plain_text', text: 'View Title', emoji: true },
    clear_on_close: false,
    notify_on_close: false,
    close: null,
    submit: null,
    previous_view_id: null,
    root_view_id: id,
    app_id: state.app.appId,
    external_id: '',
    app_installed_team_id: state.team.id,
    bot_id: state.app.botId,
  };
}

/** Slack's action entry: the element's type, block and text filled in, and always an `action_ts`. */
function completeAction(state: WorkspaceState, action: unknown, blocks: unknown[]): unknown {
  if (!isRecord(action)) return action;
  const found = typeof action.action_id === 'string' ? findElement(blocks, action.action_id) : undefined;
  const element = found?.element ?? {};
  return {
    ...(found ? { block_id: found.blockId } : {}),
    ...(typeof element.type === 'string' ? { type: element.type } : {}),
    ...(element.type === 'button' && isRecord(element.text) ? { text: element.text } : {}),
    ...(element.type === 'button' && typeof element.value === 'string' ? { value: element.value } : {}),
    action_ts: state.nextTs(),
    ...action,
  };
}

/** The interactive element with `actionId` in a list of blocks, and its block's id. */
function findElement(blocks: unknown, actionId: string): { blockId: string | undefined; element: Record<string, unknown> } | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    const elements = [block.accessory, block.element, ...(Array.isArray(block.elements) ? block.elements : [])];
    const element = elements.find((candidate): candidate is Record<string, unknown> => isRecord(candidate) && candidate.action_id === actionId);
    if (element) return { blockId: typeof block.block_id === 'string' ? block.block_id : undefined, element };
  }
  return undefined;
}

/** Events as Slack sends them for what the workspace holds, to give `socket.sendEvent`. */
export interface EventBuilders {
  /** The user opened the app's Home (or Messages) tab; the published Home view comes with it. */
  appHomeOpened(userId: string, tab?: 'home' | 'messages'): Record<string, unknown>;
  /** A user joined: the user as `users.info` shows them (add them first with `addUser`). */
  teamJoin(userId: string): Record<string, unknown>;
  /** A user changed (e.g. after `updateUser`). */
  userChange(userId: string): Record<string, unknown>;
  subteamCreated(usergroupId: string): Record<string, unknown>;
  subteamUpdated(usergroupId: string): Record<string, unknown>;
  appUninstalled(): Record<string, unknown>;
  tokensRevoked(tokens: { oauth?: string[]; bot?: string[] }): Record<string, unknown>;
}

export function eventBuilders(state: WorkspaceState): EventBuilders {
  const userOf = (userId: string): SlackUser => {
    const user = state.users.get(userId);
    if (!user) throw new Error(`unknown user ${userId}: add it to the emulator first`);
    return user;
  };
  const subteamOf = (usergroupId: string): Record<string, unknown> => {
    const group = state.usergroups.get(usergroupId);
    if (!group) throw new Error(`unknown user group ${usergroupId}`);
    return subteamInEvent(group);
  };
  return {
    appHomeOpened(userId, tab = 'home') {
      userOf(userId);
      const home = state.homeViews.get(userId);
      // The event names the app's DM with the user, which exists once they open the app.
      const channel = state.openDm(userId).channel.id;
      return { type: 'app_home_opened', user: userId, channel, tab, event_ts: state.nextTs(), ...(tab === 'home' && home ? { view: asSent(home) } : {}) };
    },
    teamJoin: (userId) => ({ type: 'team_join', user: userOf(userId) }),
    userChange: (userId) => ({ type: 'user_change', user: userOf(userId), cache_ts: state.nowSeconds() }),
    subteamCreated: (usergroupId) => ({ type: 'subteam_created', subteam: subteamOf(usergroupId), event_ts: state.nextTs() }),
    subteamUpdated: (usergroupId) => ({ type: 'subteam_updated', subteam: subteamOf(usergroupId), event_ts: state.nextTs() }),
    appUninstalled: () => ({ type: 'app_uninstalled' }),
    tokensRevoked: (tokens) => ({ type: 'tokens_revoked', tokens: { oauth: tokens.oauth ?? [], bot: tokens.bot ?? [] } }),
  };
}

/** A user group as subteam events carry it (Slack's subteam_updated example): with its members, their count and its provisioning fields. */
function subteamInEvent(group: SlackUsergroup): Record<string, unknown> {
  return { ...group, auto_provision: false, enterprise_subteam_id: '', users: [...group.users], user_count: group.users.length, channel_count: 0 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
