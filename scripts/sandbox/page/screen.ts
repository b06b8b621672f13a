/**
 * The Slack-like part of the page for one user of one workspace: the sidebar with the app,
 * its Home or Messages tab, and the modal stack on top. Pure functions of what the emulator
 * holds.
 */
import type { SlackMessage, SlackUser, SlackView } from '../../slack-emulator';
import { renderBlocks, renderText, type RenderContext } from './block-kit-html';
import { attrs, escapeHtml } from './html';

export type Tab = 'home' | 'messages';

export interface ScreenInput {
  teamName: string;
  appName: string;
  installed: boolean;
  tab: Tab;
  home: SlackView | undefined;
  messages: readonly SlackMessage[];
  /** The app's DM with the user. */
  dmChannel: string | undefined;
  modals: readonly SlackView[];
  /** Field errors of the top modal. */
  errors: Readonly<Record<string, string>> | undefined;
  users: readonly SlackUser[];
}

export function userLabel(user: SlackUser): string {
  return user.real_name || user.profile.display_name || user.name;
}

export function renderSidebar(input: Pick<ScreenInput, 'teamName' | 'appName' | 'tab' | 'installed'>): string {
  const tab = (id: Tab, label: string) =>
    `<a${attrs({ class: `sb-tab${input.tab === id ? ' sb-tab-on' : ''}`, href: '#', 'data-tab': id, 'data-testid': `tab-${id}` })}>${label}</a>`;
  return `<div class="sb-team">${escapeHtml(input.teamName)}</div>
<div class="sb-section">Apps</div>
<div class="sb-app sb-app-on"><span class="sb-app-icon">P</span>${escapeHtml(input.appName)}${input.installed ? '' : ' <span class="sb-muted">(not installed)</span>'}</div>
<nav class="sb-tabs">${tab('home', 'Home')}${tab('messages', 'Messages')}</nav>`;
}

export function renderMain(input: ScreenInput): string {
  const context = contextOf(input);
  if (!input.installed)
    return `<div class="empty">The app is not installed in ${escapeHtml(input.teamName)}. Connect it from the platform panel (install link → Slack's consent page).</div>`;
  if (input.tab === 'home') {
    if (!input.home) return '<div class="empty">Opening the Home tab…</div>';
    return `<div class="surface surface-home"${attrs({ 'data-view-id': input.home.id, 'data-surface': 'home' })}>${renderBlocks(input.home.blocks, context)}</div>`;
  }
  if (input.messages.length === 0) return '<div class="empty">No messages from the app yet.</div>';
  const messages = input.messages.map((message) => renderMessage(message, input.dmChannel ?? '', input.appName, context)).join('');
  return `<div class="messages">${messages}</div>`;
}

function renderMessage(message: SlackMessage, channel: string, appName: string, context: RenderContext): string {
  const when = new Date(Number(message.ts.split('.')[0]) * 1000).toISOString().slice(11, 16);
  const body =
    Array.isArray(message.blocks) && message.blocks.length > 0
      ? renderBlocks(message.blocks, context)
      : `<div class="msg-text">${escapeHtml(message.text)}</div>`;
  const edited = message.edited ? ' <span class="sb-muted">(edited)</span>' : '';
  return `<div class="msg" data-surface="message"${attrs({ 'data-channel': channel, 'data-ts': message.ts })}>
<div class="msg-avatar">P</div><div class="msg-body"><div class="msg-head"><b>${escapeHtml(appName)}</b> <span class="msg-app">APP</span> <span class="sb-muted">${when} UTC</span>${edited}</div>${body}</div></div>`;
}

export function renderModals(input: ScreenInput): string {
  const top = input.modals.at(-1);
  if (!top) return '';
  const context = contextOf(input);
  const crumbs =
    input.modals.length > 1
      ? `<div class="modal-stack" data-testid="modal-stack">Stack: ${input.modals.map((view) => escapeHtml(titleOf(view))).join(' › ')}</div>`
      : '';
  const submit = top.submit ? `<button type="button" class="bk-button bk-button-primary" data-modal="submit">${renderText(top.submit)}</button>` : '';
  const close = `<button type="button" class="bk-button" data-modal="close">${top.close ? renderText(top.close) : 'Cancel'}</button>`;
  return `<div class="overlay"><div class="modal" role="dialog"${attrs({ 'data-view-id': top.id, 'data-surface': 'modal', 'aria-label': titleOf(top) })}>
<div class="modal-head"><span class="modal-title">${escapeHtml(titleOf(top))}</span><button type="button" class="modal-x" data-modal="close" aria-label="Close">×</button></div>
${crumbs}<div class="modal-body">${renderBlocks(top.blocks, context)}</div>
<div class="modal-foot">${close}${submit}</div></div></div>`;
}

/** What changes the screen: the page redraws only when this does, so typing is never lost. */
export function screenVersion(input: ScreenInput): string {
  return JSON.stringify([
    input.installed,
    input.tab,
    input.home?.hash,
    input.modals.map((view) => [view.id, view.hash]),
    input.errors,
    input.messages.map((message) => [message.ts, message.edited?.ts]),
  ]);
}

function contextOf(input: ScreenInput): RenderContext {
  const byId = new Map(input.users.map((user) => [user.id, user]));
  return {
    ...(input.errors ? { errors: input.errors } : {}),
    users: input.users.filter((user) => !user.deleted && !user.is_bot).map((user) => ({ id: user.id, name: userLabel(user) })),
    userName: (id) => {
      const user = byId.get(id);
      return user ? user.profile.display_name || user.name : undefined;
    },
  };
}

function titleOf(view: SlackView): string {
  const title = view.title as { text?: unknown } | undefined;
  return typeof title?.text === 'string' ? title.text : 'Modal';
}
