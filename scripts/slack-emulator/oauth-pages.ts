/**
 * The HTML pages of the OAuth v2 flow, laid out like Slack's: the consent screen (the app, the
 * workspace, what it asks for, who is signed in, Allow or Cancel), the request screen of
 * app approval, and error pages. Pure functions of their inputs; every value is escaped.
 */

/** Someone who may be signed in on the consent screen. */
export interface SignInChoice {
  /** `TEAM:USER`, the value the form posts as `as`. */
  value: string;
  userName: string;
  realName: string;
  teamName: string;
}

export interface ConsentPageInput {
  appName: string;
  teamName: string;
  botScopes: readonly string[];
  userScopes: readonly string[];
  /** The authorize parameters, posted back as hidden inputs. */
  params: ReadonlyArray<[string, string]>;
  choices: readonly SignInChoice[];
  selected: string;
  /** The signed-in member needs an admin's approval: the page offers "Submit request" instead of Allow. */
  approvalNeeded: boolean;
  /** The workspace's Enterprise Grid org, when the app may be installed on all of it. */
  enterpriseName?: string;
}

export function consentPage(input: ConsentPageInput): string {
  const options = input.choices
    .map(
      (choice) =>
        `<option value="${escapeHtml(choice.value)}"${choice.value === input.selected ? ' selected' : ''}>${escapeHtml(choice.realName)} (@${escapeHtml(choice.userName)}) — ${escapeHtml(choice.teamName)}</option>`,
    )
    .join('');
  const hidden = input.params.map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
  const scopeList = (title: string, scopes: readonly string[]) =>
    scopes.length === 0
      ? ''
      : `<h2>${escapeHtml(title)}</h2><ul class="scopes">${scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('')}</ul>`;
  const orgInstall =
    input.enterpriseName === undefined
      ? ''
      : `<p><label><input type="checkbox" name="org_install" value="true"> Install on the whole ${escapeHtml(input.enterpriseName)} organization</label></p>`;
  const primary = input.approvalNeeded
    ? '<p class="approval">This workspace requires an admin to approve apps before they are installed.</p><button type="submit" name="decision" value="request">Submit request</button>'
    : '<button type="submit" name="decision" value="allow">Allow</button>';
  return page(
    `${input.appName} is requesting permission to access the ${input.teamName} Slack workspace`,
    [
      `<h1><span class="app">${escapeHtml(input.appName)}</span> is requesting permission to access the <span class="workspace">${escapeHtml(input.teamName)}</span> Slack workspace</h1>`,
      scopeList(`What will ${input.appName} be able to view and do?`, input.botScopes),
      scopeList(`What will ${input.appName} be able to do on your behalf?`, input.userScopes),
      '<form method="post" action="/oauth/v2/authorize">',
      hidden,
      `<p><label for="as">Signed in as</label> <select id="as" name="as">${options}</select></p>`,
      orgInstall,
      `${primary} <button type="submit" name="decision" value="cancel">Cancel</button>`,
      '</form>',
    ].join('\n'),
  );
}

export function requestSubmittedPage(appName: string, teamName: string): string {
  return page(
    'Request submitted',
    `<h1>Request submitted</h1><p>Your request to install ${escapeHtml(appName)} has been sent: an admin of ${escapeHtml(teamName)} will review it.</p>`,
  );
}

/** An error Slack shows instead of redirecting, with its error code (e.g. `bad_redirect_uri`). */
export function errorPage(code: string, message: string): string {
  return page(`Error: ${code}`, `<h1>Oops, something went wrong.</h1><p class="error"><code>${escapeHtml(code)}</code>: ${escapeHtml(message)}</p>`);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} | Slack</title></head><body>\n${body}\n</body></html>\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
