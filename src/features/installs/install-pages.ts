/**
 * The pages an admin's browser sees while connecting Slack: the disclaimer, the outcome of the
 * install, and every way it can fail. Pure functions of their data; every value is escaped.
 */

export const DEFAULT_DISCLAIMER = [
  'Connecting Slack lets Pigment send your members their Pigment notifications as direct messages from the Pigment app, match members to Slack users by email, and, if you turn it on, add Slack users to this Pigment workspace.',
  'To do that the app reads your Slack workspace’s user directory (names, emails, user groups) and writes direct messages. It does not read channels or messages other than its own.',
  'Workspace admins can remove the app at any time from Slack’s app management; delivery then stops and nothing stored in Pigment is deleted.',
];

export interface Page {
  status: number;
  html: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · Pigment for Slack</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f6f8;color:#1d1c1d}
main{max-width:38rem;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem 2.25rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.5rem;margin:0 0 1rem}p{margin:.75rem 0}.muted{color:#616061;font-size:.9rem}
label{display:flex;gap:.6rem;align-items:flex-start;margin:1rem 0}input[type=checkbox]{margin-top:.3rem}
button{font:inherit;font-weight:600;background:#4a154b;color:#fff;border:0;border-radius:8px;padding:.7rem 1.4rem;cursor:pointer}
.error{background:#fdecee;border-left:4px solid #e01e5a;padding:.6rem .9rem;border-radius:4px}
ol{padding-left:1.25rem}
</style></head><body><main>${body}</main></body></html>`;
}

function page(status: number, title: string, paragraphs: string[], extra = ''): Page {
  return { status, html: layout(title, `<h1>${escapeHtml(title)}</h1>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}${extra}`) };
}

export interface DisclaimerModel {
  workspaceName: string;
  memberName: string;
  disclaimer: readonly string[];
  action: string;
  error?: string;
}

export function disclaimerPage(model: DisclaimerModel): Page {
  const body = `<h1>Connect Slack to ${escapeHtml(model.workspaceName)}</h1>
<p class="muted">Signed in to Pigment as ${escapeHtml(model.memberName)}.</p>
${model.error ? `<p class="error" role="alert">${escapeHtml(model.error)}</p>` : ''}
${model.disclaimer.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}
<form method="post" action="${escapeHtml(model.action)}">
<label><input type="checkbox" name="acknowledge" value="yes" required> <span>I have read this and connect Slack on behalf of ${escapeHtml(model.workspaceName)}.</span></label>
<label><input type="checkbox" name="admin_scope" value="yes"> <span>Also let the user inventory show last activity and billing. Slack then asks you, a Slack admin, for its <code>admin</code> permission. Optional.</span></label>
<button type="submit">Continue to Slack</button>
</form>
<p class="muted">Slack then asks you to pick the Slack workspace and press Allow. If your Slack workspace requires admins to approve apps, Slack lets you send a request instead: once a Slack admin approves it, ask Pigment for a new link and connect again.</p>`;
  return { status: model.error ? 400 : 200, html: layout(`Connect Slack to ${model.workspaceName}`, body) };
}

export function connectedPage(model: { workspaceName: string; teamName: string; reinstalled: boolean }): Page {
  return page(
    200,
    `${model.workspaceName} is connected to ${model.teamName}`,
    [
      model.reinstalled
        ? `Pigment is back in the Slack workspace ${model.teamName}. Members stay connected as before, and notifications queued meanwhile are delivered now.`
        : `Pigment is now installed in the Slack workspace ${model.teamName}. Members are being matched to Slack users by email right now.`,
    ],
    `<ol><li>In Slack, open <b>Pigment</b> under Apps: its Home tab shows who is connected and lets you review members without a match.</li>
<li>Members receive their notifications as direct messages once matched; each chooses which types in the app’s Home tab.</li>
<li>To remove the app, use Slack’s app management; everything stored in Pigment is kept.</li></ol>
<p class="muted">You can close this page.</p>`,
  );
}

export type InstallFailure =
  | { kind: 'link_unknown' }
  | { kind: 'link_expired' }
  | { kind: 'link_used' }
  | { kind: 'not_allowed' }
  | { kind: 'cancelled' }
  | { kind: 'state_invalid' }
  | { kind: 'team_bound_elsewhere'; teamName: string }
  | { kind: 'tenant_has_other_team'; workspaceName: string }
  | { kind: 'org_install' }
  | { kind: 'scopes_missing'; missing: string[] }
  | { kind: 'slack_error'; error: string }
  | { kind: 'oauth_not_configured' }
  | { kind: 'unexpected' };

const NEW_LINK = 'Start again from Pigment: Settings → Messaging Apps → Connector, then Connect.';

export function failurePage(failure: InstallFailure): Page {
  switch (failure.kind) {
    case 'link_unknown':
      return page(404, 'This link does not work', ['The address is incomplete or was never issued.', NEW_LINK]);
    case 'link_expired':
      return page(410, 'This link has expired', ['Install links work for 10 minutes.', NEW_LINK]);
    case 'link_used':
      return page(410, 'This link was already used', ['Each install link works once.', NEW_LINK]);
    case 'not_allowed':
      return page(403, 'Only a Security Admin or Primary Owner can connect Slack', [
        'Your Pigment account cannot connect this workspace to Slack (or is no longer active). Ask a Security Admin or the Primary Owner to connect it.',
      ]);
    case 'cancelled':
      return page(200, 'Slack was not connected', ['You cancelled on Slack’s page, so nothing changed.', NEW_LINK]);
    case 'state_invalid':
      return page(400, 'This install attempt cannot be completed', [
        'It expired, was already completed, or was started in another browser. Nothing changed.',
        NEW_LINK,
      ]);
    case 'team_bound_elsewhere':
      return page(409, `${failure.teamName} is already connected to another Pigment workspace`, [
        'A Slack workspace can serve one Pigment workspace. Nothing changed. Pick another Slack workspace, or remove the app from that one first.',
      ]);
    case 'tenant_has_other_team':
      return page(409, `${failure.workspaceName} is already connected to another Slack workspace`, [
        'A Pigment workspace connects to one Slack workspace. Nothing changed. Reinstall into the Slack workspace it is connected to, or ask Pigment support to disconnect it first.',
      ]);
    case 'org_install':
      return page(400, 'Install Pigment on one Slack workspace, not the whole organization', [
        'Org-wide installs on Enterprise Grid are not supported: each Pigment workspace connects to one Slack workspace. Nothing was stored.',
        `${NEW_LINK} On Slack’s page, pick a single workspace.`,
      ]);
    case 'scopes_missing':
      return page(400, 'Slack did not grant every permission Pigment needs', [
        `Missing: ${failure.missing.join(', ')}. A Slack admin may have approved the app with fewer permissions. Nothing was stored.`,
        'Ask your Slack admin to approve all of the app’s permissions, then connect again.',
      ]);
    case 'slack_error':
      return page(502, 'Slack refused the connection', [`Slack answered: ${failure.error}. Nothing was stored.`, `Try again in a minute. ${NEW_LINK}`]);
    case 'oauth_not_configured':
      return page(503, 'Slack installs are not set up on this connector', [
        'Its operator must set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET.',
      ]);
    case 'unexpected':
      return page(500, 'Something went wrong', [
        'The connection could not be completed and nothing was stored. The error was logged; try again in a minute.',
        NEW_LINK,
      ]);
  }
}
