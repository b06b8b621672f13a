/**
 * The sandbox page's routes, served by the Slack emulator beside Slack's own:
 *
 * - `GET /sandbox`: the page; `GET /sandbox/parts?team=&user=&tab=&version=`: its parts as
 *   HTML fragments for htmx's out-of-band swaps.
 * - `POST /sandbox/api/*`: what a person does in Slack (open a tab, press, choose, submit or
 *   close a modal), sent to the app through Socket Mode as the payloads Slack sends, built by
 *   the emulator's own builder (`interactionPayload`); and what the platform does (through the
 *   connector's HTTP API), and the emulated faults.
 * - `GET /pigment/<workspace>/…`: a stand-in for the platform's pages, where notification
 *   links lead.
 *
 * Nothing here loosens the emulator: payloads go through the same Socket Mode server and the
 * app's answers through the same checked Web API.
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { SlackEmulator, SlackTeamEmulator } from '../../slack-emulator';
import type { DemoWorkspace } from '../demo-data';
import type { PlatformClient } from '../platform-client';
import { escapeHtml } from './html';
import { renderPlatformPanel, type PanelNotification, type PanelWorkspace } from './platform-panel';
import { renderMain, renderModals, renderSidebar, screenVersion, userLabel, type ScreenInput, type Tab } from './screen';

export interface SandboxPages {
  /** Answers a request for a sandbox path; false for any other path. */
  answer(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

export interface SandboxPagesDeps {
  emulator: SlackEmulator;
  platform: PlatformClient;
  workspaces: readonly DemoWorkspace[];
  connectorUrl: string;
  ashbyKey: string;
}

const APP_NAME = 'Pigment';
const ASSETS = path.join(__dirname, 'assets');
/** htmx (a maintained library, `htmx.org` in devDependencies), served from node_modules: nothing is fetched from the network. */
const HTMX = (): string => require.resolve('htmx.org/dist/htmx.min.js');

type Json = Record<string, unknown>;

export function createSandboxPages(deps: SandboxPagesDeps): SandboxPages {
  const { emulator, platform } = deps;
  const workspaces = deps.workspaces.map((w) => ({ id: w.id, name: w.name }));
  const sent: Omit<PanelNotification, 'status' | 'openedInSlackAt'>[] = [];
  const installLinks = new Map<string, string>();
  const faults = { rateLimited: false, invalidAuth: new Set<string>(), socketDrops: 0 };
  let lastMessage: string | undefined;

  const teamOf = (teamId: unknown): SlackTeamEmulator => {
    const found = emulator.teams.find((team) => team.teamId === teamId);
    return found ?? (emulator.teams[0] as SlackTeamEmulator);
  };
  const peopleOf = (team: SlackTeamEmulator) => [...team.state.users.values()].filter((user) => !user.is_bot && !user.deleted && user.id !== 'USLACKBOT');

  function screenInput(team: SlackTeamEmulator, userId: string, tab: Tab): ScreenInput {
    const modals = team.modalStackOf(userId);
    const top = modals.at(-1);
    return {
      teamName: team.state.team.name,
      appName: APP_NAME,
      installed: team.installed,
      tab,
      home: team.homeViewOf(userId),
      messages: team.messagesTo(userId),
      dmChannel: team.state.dmChannelOf(userId),
      modals,
      errors: top ? team.viewErrorsOf(top.id) : undefined,
      users: [...team.state.users.values()],
    };
  }

  async function panel(team: SlackTeamEmulator): Promise<string> {
    const listed: PanelWorkspace[] = [];
    for (const workspace of workspaces) {
      const [connection, members] = await Promise.all([
        platform.call('GET', `/workspaces/${workspace.id}/slack`),
        platform.call('GET', `/workspaces/${workspace.id}/members?limit=100`),
      ]);
      const status = typeof connection.body.status === 'string' ? connection.body.status : `error ${connection.status}`;
      const slackTeam = connection.body.team as { name?: string } | undefined;
      const link = installLinks.get(workspace.id);
      listed.push({
        ...workspace,
        connection: slackTeam?.name ? `${status} · ${slackTeam.name}` : status,
        members: ((members.body.members as Json[] | undefined) ?? []).map((m) => ({
          id: String(m.id),
          name: String(m.name ?? m.id),
          accountType: String(m.accountType),
        })),
        ...(link ? { installLink: link } : {}),
      });
    }
    const notifications: PanelNotification[] = [];
    for (const notification of sent.slice(-8)) {
      const reply = await platform.call('GET', `/workspaces/${notification.workspaceId}/notifications/${encodeURIComponent(notification.id)}`);
      const openedInSlackAt = typeof reply.body.openedInSlackAt === 'string' ? reply.body.openedInSlackAt : undefined;
      notifications.push({ ...notification, status: String(reply.body.status ?? reply.status), ...(openedInSlackAt ? { openedInSlackAt } : {}) });
    }
    const message = lastMessage;
    lastMessage = undefined;
    return renderPlatformPanel({
      workspaces: listed,
      notifications,
      faults: { rateLimited: faults.rateLimited, invalidAuth: faults.invalidAuth.has(team.teamId), socketDrops: faults.socketDrops },
      teamName: team.state.team.name,
      ashbyKey: deps.ashbyKey,
      ...(message ? { message } : {}),
    });
  }

  function switcher(teamId: string, userId: string): string {
    return emulator.teams
      .map((team) => {
        const options = peopleOf(team)
          .map((user) => {
            const role = user.is_primary_owner ? 'primary owner' : user.is_owner ? 'owner' : user.is_admin ? 'admin' : user.is_restricted ? 'guest' : 'member';
            const value = `${team.teamId}:${user.id}`;
            return `<option value="${escapeHtml(value)}"${team.teamId === teamId && user.id === userId ? ' selected' : ''}>${escapeHtml(userLabel(user))} (${role})</option>`;
          })
          .join('');
        return `<optgroup label="${escapeHtml(team.state.team.name)}${team.installed ? '' : ' — not installed'}">${options}</optgroup>`;
      })
      .join('');
  }

  /** The team, user and tab a request names; the first admin of the primary workspace by default. */
  function who(source: URLSearchParams | Json): { team: SlackTeamEmulator; userId: string; tab: Tab } {
    const get = (name: string) =>
      source instanceof URLSearchParams ? (source.get(name) ?? undefined) : typeof source[name] === 'string' ? (source[name] as string) : undefined;
    const team = teamOf(get('team'));
    const people = peopleOf(team);
    const asked = get('user');
    const userId = people.some((user) => user.id === asked) ? (asked as string) : (people.find((user) => user.is_admin)?.id ?? people[0]?.id ?? '');
    return { team, userId, tab: get('tab') === 'messages' ? 'messages' : 'home' };
  }

  /**
   * The page's parts as HTML for htmx's out-of-band swaps. When the page already shows `version`,
   * only the panel comes back; `panel=0` (a platform form being edited) leaves the panel out.
   */
  async function parts(query: URLSearchParams): Promise<string> {
    const { team, userId, tab } = who(query);
    const input = screenInput(team, userId, tab);
    const version = screenVersion(input);
    const oob = (id: string, html: string) => `<div id="${id}" hx-swap-oob="innerHTML">${html}</div>`;
    const out = [
      `<div id="screen-state" hx-swap-oob="true" data-version="${escapeHtml(version)}" data-team="${escapeHtml(team.teamId)}" data-user="${escapeHtml(userId)}"></div>`,
    ];
    if (query.get('version') !== version) out.push(oob('sidebar', renderSidebar(input)), oob('main', renderMain(input)), oob('modals', renderModals(input)));
    if (query.get('panel') !== '0') out.push(oob('panel', await panel(team)));
    return out.join('');
  }

  /** Sends an interactive payload built by the emulator; resolves with the app's ack payload. */
  async function interact(team: SlackTeamEmulator, userId: string, fields: { type: string } & Json): Promise<Json> {
    const payload = team.interactionPayload(userId, fields);
    const ack = await team.socket.sendInteractive(payload);
    return (ack.payload ?? {}) as Json;
  }

  const api: Record<string, (input: Json) => Promise<Json>> = {
    async 'open-tab'(input) {
      const { team, userId, tab } = who(input);
      if (!team.installed) return { ok: false, error: 'not_installed' };
      await team.socket.sendEvent(team.events.appHomeOpened(userId, tab));
      return { ok: true };
    },
    async action(input) {
      const { team, userId } = who(input);
      const action = input.action as Json;
      const source = input.source as Json;
      const fields: { type: string } & Json =
        source.kind === 'message'
          ? { type: 'block_actions', container: { type: 'message', channel_id: source.channel, message_ts: source.ts }, actions: [action] }
          : { type: 'block_actions', view: { id: source.viewId, ...(isJson(input.state) ? { state: { values: input.state } } : {}) }, actions: [action] };
      await interact(team, userId, fields);
      return { ok: true };
    },
    async submit(input) {
      const { team, userId } = who(input);
      const ack = await interact(team, userId, {
        type: 'view_submission',
        view: { id: input.viewId, state: { values: isJson(input.state) ? input.state : {} } },
      });
      return { ok: true, ack };
    },
    async close(input) {
      const { team, userId } = who(input);
      const stack = team.state.modalStacks.get(userId) ?? [];
      const viewId = stack.at(-1);
      const view = viewId === undefined ? undefined : team.state.views.get(viewId);
      if (!view) return { ok: true };
      // Slack's Close: the pushed view goes back to the one below; `clear_on_close` closes them all.
      if (view.clear_on_close === true) stack.splice(0);
      else stack.pop();
      if (stack.length === 0) team.state.modalStacks.delete(userId);
      if (view.notify_on_close === true) await interact(team, userId, { type: 'view_closed', view: { id: view.id }, is_cleared: view.clear_on_close === true });
      return { ok: true };
    },
    async suggest(input) {
      const { team, userId } = who(input);
      const ack = await interact(team, userId, {
        type: 'block_suggestion',
        view: { id: input.viewId },
        action_id: input.action_id,
        block_id: input.block_id,
        value: typeof input.value === 'string' ? input.value : '',
      });
      return { ok: true, options: ack.options ?? [], option_groups: ack.option_groups ?? [] };
    },
    async upload(input) {
      const { team, userId } = who(input);
      const file = team.addFile({ name: String(input.name ?? 'upload.csv'), content: Buffer.from(String(input.content ?? ''), 'base64'), user: userId });
      return { ok: true, file };
    },
    async 'platform/register'(input) {
      const id = String(input.id ?? '').trim();
      const reply = await platform.call('PUT', `/workspaces/${id}`, { name: String(input.name ?? id), baseUrl: `${emulator.baseUrl}/pigment/${id}` });
      if (reply.status < 300 && !workspaces.some((w) => w.id === id)) workspaces.push({ id, name: String(input.name ?? id) });
      lastMessage = reply.status < 300 ? `Registered ${id}.` : `Register: ${reply.status} ${JSON.stringify(reply.body)}`;
      return { ok: reply.status < 300 };
    },
    async 'platform/member'(input) {
      const reply = await platform.call('PUT', `/workspaces/${String(input.workspaceId)}/members/${String(input.memberId)}`, {
        email: input.email,
        name: input.name,
        accountType: input.accountType,
      });
      lastMessage = reply.status < 300 ? `Member ${String(input.memberId)} saved.` : `Member: ${reply.status} ${JSON.stringify(reply.body)}`;
      return { ok: reply.status < 300 };
    },
    async 'platform/install-link'(input) {
      const workspaceId = String(input.workspaceId);
      const reply = await platform.call('POST', `/workspaces/${workspaceId}/slack/install-links`, { memberId: input.memberId });
      if (typeof reply.body.url === 'string') installLinks.set(workspaceId, reply.body.url);
      lastMessage =
        typeof reply.body.url === 'string'
          ? `Install link for ${workspaceId} ready (10 minutes, once).`
          : `Install link: ${reply.status} ${JSON.stringify(reply.body)}`;
      return { ok: typeof reply.body.url === 'string', url: reply.body.url };
    },
    async 'platform/notify'(input) {
      const [workspaceId = '', memberId = ''] = String(input.recipient ?? '').split('/');
      const [type = 'conversation', subtype = 'other'] = String(input.kind ?? '').split('/');
      const id = `sandbox-${Date.now().toString(36)}-${sent.length + 1}`;
      const reply = await platform.call('POST', `/workspaces/${workspaceId}/notifications`, {
        id,
        type,
        subtype,
        recipient: { memberId },
        title: String(input.title || 'A notification from the sandbox'),
        body: 'Sent from the sandbox page.',
        url: `${emulator.baseUrl}/pigment/${workspaceId}/notifications/${id}`,
        actor: { name: 'Sandbox' },
      });
      if (reply.status < 300) sent.push({ workspaceId, id, type, subtype, memberId });
      lastMessage =
        reply.status < 300 ? `Notification ${id} handed over (${String(reply.body.status)}).` : `Notify: ${reply.status} ${JSON.stringify(reply.body)}`;
      return { ok: reply.status < 300, id };
    },
    async fault(input) {
      const { team } = who(input);
      // `true` from the page's htmx request (form-encoded); `true` in JSON from a script.
      const on = input.on === true || input.on === 'true';
      if (input.kind === 'rate-limit') {
        faults.rateLimited = on;
        if (on) emulator.injectFault('*', { status: 429, probability: 0.5, retryAfter: 1 });
        else emulator.clearFaults();
      } else if (input.kind === 'invalid-auth') {
        if (on) {
          team.revokeTokens({ error: 'invalid_auth' });
          faults.invalidAuth.add(team.teamId);
        } else {
          team.restoreTokens();
          faults.invalidAuth.delete(team.teamId);
        }
      } else if (input.kind === 'drop-socket') {
        emulator.socket.dropAll();
        faults.socketDrops += 1;
      }
      return { ok: true };
    },
  };

  return {
    async answer(req, res, url) {
      const route = url.pathname;
      if (route === '/sandbox' || route === '/sandbox/') {
        const { team, userId, tab } = who(url.searchParams);
        sendHtml(res, 200, pageShell(switcher(team.teamId, userId), tab));
      } else if (route === '/sandbox/parts') {
        sendHtml(res, 200, await parts(url.searchParams));
      } else if (route === '/sandbox/assets/htmx.min.js' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
        res.end(fs.readFileSync(HTMX()));
      } else if (route.startsWith('/sandbox/assets/') && req.method === 'GET') {
        const name = route.slice('/sandbox/assets/'.length);
        const type = name.endsWith('.js') ? 'text/javascript' : name.endsWith('.css') ? 'text/css' : undefined;
        if (!type || !/^[a-z-]+\.(js|css)$/.test(name)) return false;
        res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
        res.end(fs.readFileSync(path.join(ASSETS, name)));
      } else if (route.startsWith('/sandbox/api/') && req.method === 'POST') {
        const handler = api[route.slice('/sandbox/api/'.length)];
        if (!handler) return false;
        try {
          sendJson(res, 200, await handler(await readJson(req)));
        } catch (error) {
          sendJson(res, 200, { ok: false, error: (error as Error).message });
        }
      } else if (route.startsWith('/pigment/')) {
        sendHtml(
          res,
          200,
          `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Pigment (sandbox)</title><link rel="stylesheet" href="/sandbox/assets/sandbox.css"></head><body class="pigment-page"><h1>Pigment</h1><p>The platform would show <code>${escapeHtml(route)}</code> here.</p><p><a href="/sandbox">Back to the sandbox</a></p></body></html>`,
        );
      } else {
        return false;
      }
      return true;
    },
  };
}

// htmx wires up swapped-in content (the panel's hx-post buttons) only once it settles, 20 ms
// later by default, and a click in between did nothing; the page has no transitions to wait for.
function pageShell(switcherOptions: string, tab: Tab): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pigment for Slack — sandbox</title><meta name="htmx-config" content='{"defaultSettleDelay":0}'><link rel="stylesheet" href="/sandbox/assets/sandbox.css"></head>
<body data-tab="${tab}">
<header class="topbar"><b>Pigment for Slack</b> <span class="sb-muted">sandbox — an emulated Slack, no workspace needed</span>
<label class="switcher">Acting as <select id="as" data-testid="as">${switcherOptions}</select></label></header>
<div class="layout"><aside class="sidebar" id="sidebar"></aside><main class="main" id="main"><div class="empty">Loading…</div></main>
<aside class="panel" id="panel" hx-swap="none" hx-vals="js:{...sandboxWho()}"></aside></div><div id="modals"></div><div id="toast" class="toast" role="alert" hidden></div>
<div id="screen-state" hidden></div>
<div id="poll" hidden hx-get="/sandbox/parts" hx-trigger="every 700ms, sandbox:refresh from:body" hx-sync="this:replace" hx-swap="none" hx-vals="js:{...sandboxPoll()}"></div>
<script src="/sandbox/assets/htmx.min.js"></script><script src="/sandbox/assets/sandbox.js"></script></body></html>`;
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  // htmx posts forms and hx-vals form-encoded.
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  const value: unknown = JSON.parse(text);
  return isJson(value) ? value : {};
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
