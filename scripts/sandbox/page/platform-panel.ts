/**
 * The platform panel: what the platform would do (register a workspace, add members, make an
 * install link, hand over notifications and see whether they were opened), and the emulated
 * faults. Pure: it draws what routes.ts fetched.
 */
import { NOTIFICATION_SUBTYPES } from '../../../src/features/notifications/notification.types';
import { escapeHtml } from './html';

export interface PanelWorkspace {
  id: string;
  name: string;
  connection: string;
  members: ReadonlyArray<{ id: string; name: string; accountType: string }>;
  installLink?: string;
}

export interface PanelNotification {
  workspaceId: string;
  id: string;
  type: string;
  subtype: string;
  memberId: string;
  status: string;
  openedInSlackAt?: string;
}

export interface PanelInput {
  workspaces: readonly PanelWorkspace[];
  notifications: readonly PanelNotification[];
  faults: { rateLimited: boolean; invalidAuth: boolean; socketDrops: number };
  teamName: string;
  ashbyKey: string;
  message?: string;
}

const ACCOUNT_TYPES = ['standard_member', 'workspace_admin', 'security_admin', 'primary_owner'];

export function renderPlatformPanel(input: PanelInput): string {
  const workspaceOptions = input.workspaces.map((w) => `<option value="${escapeHtml(w.id)}">${escapeHtml(w.name)} (${escapeHtml(w.id)})</option>`).join('');
  const memberOptions = input.workspaces
    .map(
      (w) =>
        `<optgroup label="${escapeHtml(w.name)}">${w.members.map((m) => `<option value="${escapeHtml(`${w.id}/${m.id}`)}">${escapeHtml(m.name)} — ${escapeHtml(m.accountType)}</option>`).join('')}</optgroup>`,
    )
    .join('');
  const typeOptions = Object.entries(NOTIFICATION_SUBTYPES)
    .flatMap(([type, subtypes]) => subtypes.map((subtype) => `<option value="${type}/${subtype}">${type} · ${subtype}</option>`))
    .join('');
  const rows = input.workspaces
    .map(
      (
        w,
      ) => `<tr data-workspace="${escapeHtml(w.id)}"><td>${escapeHtml(w.name)}<div class="sb-muted">${escapeHtml(w.id)} · ${w.members.length} members</div></td>
<td class="conn conn-${escapeHtml(w.connection.split(' ')[0] ?? '')}">${escapeHtml(w.connection)}</td>
<td><form data-platform="install-link" hx-post="/sandbox/api/platform/install-link" class="inline"><input type="hidden" name="workspaceId" value="${escapeHtml(w.id)}">
<select name="memberId" aria-label="Member who clicks Connect">${w.members.map((m) => `<option value="${escapeHtml(m.id)}"${m.accountType === 'security_admin' || m.accountType === 'primary_owner' ? '' : ' disabled'}>${escapeHtml(m.name)}</option>`).join('')}</select>
<button type="submit">Install link</button></form>${w.installLink ? `<a class="install-link" data-testid="install-link-${escapeHtml(w.id)}" href="${escapeHtml(w.installLink)}" target="_blank" rel="noopener">Open the install page ↗</a>` : ''}</td></tr>`,
    )
    .join('');
  const notifications = input.notifications
    .slice(-8)
    .reverse()
    .map(
      (n) =>
        `<li data-notification="${escapeHtml(n.id)}"><code>${escapeHtml(n.type)}·${escapeHtml(n.subtype)}</code> → ${escapeHtml(n.memberId)}: <b class="status">${escapeHtml(n.status)}</b>${n.openedInSlackAt ? ` · <span class="opened">opened in Slack ${escapeHtml(n.openedInSlackAt.slice(11, 19))}</span>` : ''}</li>`,
    )
    .join('');
  const toggle = (kind: string, on: boolean, label: string) =>
    `<label class="toggle"><input type="checkbox" data-fault="${kind}" hx-post="/sandbox/api/fault" hx-trigger="change" hx-vals='js:{"kind": "${kind}", "on": this.checked}'${on ? ' checked' : ''}> ${escapeHtml(label)}</label>`;
  return `<h2>Platform</h2>
${input.message ? `<div class="panel-message" role="status">${escapeHtml(input.message)}</div>` : ''}
<table class="ws-table"><thead><tr><th>Workspace</th><th>Slack</th><th>Connect</th></tr></thead><tbody>${rows}</tbody></table>
<details><summary>Register a workspace</summary><form data-platform="register" hx-post="/sandbox/api/platform/register">
<input name="id" placeholder="id (e.g. globex)" required pattern="[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"> <input name="name" placeholder="Name" required> <button type="submit">Register</button></form></details>
<details><summary>Add a member</summary><form data-platform="member" hx-post="/sandbox/api/platform/member"><select name="workspaceId">${workspaceOptions}</select>
<input name="memberId" placeholder="member id" required> <input name="name" placeholder="Name" required> <input name="email" type="email" placeholder="email" required>
<select name="accountType">${ACCOUNT_TYPES.map((t) => `<option>${t}</option>`).join('')}</select> <button type="submit">Add</button></form></details>
<h3>Send a notification</h3>
<form data-platform="notify" hx-post="/sandbox/api/platform/notify"><select name="recipient" aria-label="Recipient">${memberOptions}</select>
<select name="kind" aria-label="Type">${typeOptions}</select>
<input name="title" placeholder="Title" value="Budget 2027 needs your review"> <button type="submit">Send</button></form>
<ul class="notifications">${notifications || '<li class="sb-muted">None sent yet.</li>'}</ul>
<h3>Emulated faults <span class="sb-muted">(${escapeHtml(input.teamName)})</span></h3>
${toggle('rate-limit', input.faults.rateLimited, 'Half of Web API calls answer 429 (Retry-After: 1)')}
${toggle('invalid-auth', input.faults.invalidAuth, "This workspace's tokens answer invalid_auth")}
<button type="button" data-fault="drop-socket" hx-post="/sandbox/api/fault" hx-vals='{"kind": "drop-socket"}'>Drop the Socket Mode connection</button> <span class="sb-muted">${input.faults.socketDrops} dropped</span>
<h3>Ashby</h3><p class="sb-muted">The Ashby emulator has hires; its API key for an Ashby connection: <code>${escapeHtml(input.ashbyKey)}</code></p>
<p class="sb-muted">Open a notification: press its button in Messages; the status above then says when.</p>`;
}
