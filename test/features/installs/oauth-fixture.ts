/**
 * A connector that installs through Slack's OAuth flow (no SLACK_BOT_TOKEN), with a
 * "browser" that keeps cookies, follows the install pages and answers Slack's consent page
 * as a person would: the pieces the install tests share.
 */
import { createServer } from 'node:net';
import type { Seed, SlackEmulator } from '../../../scripts/slack-emulator';
import type { Clock } from '../../../src/platform/clock';
import { TEST_SECRETS } from '../../support/factories';
import { startTestConnector, type TestConnector } from '../../support/connector';

export const CLIENT = { clientId: '1111111111.2222222222', clientSecret: 'c'.repeat(32) };
export const AUTH = { authorization: `Bearer ${TEST_SECRETS.apiToken}`, 'content-type': 'application/json' };

/** A port nobody listens on now: PUBLIC_URL must name the connector's port before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startOAuthConnector(options: { seed: Seed; teams?: Seed[]; clock?: Clock; env?: Record<string, string> }): Promise<TestConnector> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  return startTestConnector({
    multiTenant: true,
    emulator: {
      seed: options.seed,
      ...(options.teams ? { teams: options.teams } : {}),
      oauth: { ...CLIENT, redirectUris: [`${publicUrl}/slack/oauth_redirect`] },
    },
    env: {
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: CLIENT.clientId,
      SLACK_CLIENT_SECRET: CLIENT.clientSecret,
      SLACK_STATE_SECRET: 's'.repeat(40),
      HTTP_PORT: String(port),
      PUBLIC_URL: publicUrl,
      ...options.env,
    },
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

export async function putJson(t: TestConnector, path: string, body: unknown, method = 'PUT'): Promise<Response> {
  return t.fetch(path, { method, headers: AUTH, body: JSON.stringify(body) });
}

/** Registers a platform workspace with a Security Admin (and a standard member). */
export async function registerTenant(
  t: TestConnector,
  id: string,
  admin: { id: string; email: string },
  others: Array<{ id: string; email: string }> = [],
): Promise<void> {
  expect((await putJson(t, `/api/v1/workspaces/${id}`, { name: `${id} Inc`, baseUrl: `https://${id}.pigment.test` })).status).toBe(201);
  const put = (m: { id: string; email: string }, accountType: string) =>
    putJson(t, `/api/v1/workspaces/${id}/members/${m.id}`, { email: m.email, name: m.id, accountType, status: 'activated' });
  expect((await put(admin, 'security_admin')).status).toBe(201);
  for (const other of others) expect((await put(other, 'standard_member')).status).toBe(201);
}

export async function installLink(
  t: TestConnector,
  tenantId: string,
  memberId: string,
): Promise<{ status: number; url?: string; expiresAt?: string; error?: string }> {
  const response = await putJson(t, `/api/v1/workspaces/${tenantId}/slack/install-links`, { memberId }, 'POST');
  return { status: response.status, ...((await response.json()) as object) };
}

/** A browser: keeps cookies per origin (enough for one connector), never follows redirects by itself. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  async open(url: string, init: RequestInit = {}): Promise<{ status: number; html: string; location?: string }> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, value] = pair!.split('=');
      if (value === 'deleted' || /Expires=Thu, 01 Jan 1970/.test(cookie)) this.cookies.delete(name!);
      else this.cookies.set(name!, value!);
    }
    const location = response.headers.get('location');
    return { status: response.status, html: await response.text(), ...(location ? { location: new URL(location, url).toString() } : {}) };
  }

  submit(url: string, fields: Record<string, string>): Promise<{ status: number; html: string; location?: string }> {
    return this.open(url, { method: 'POST', body: new URLSearchParams(fields) });
  }
}

/** The hidden fields of Slack's consent form. */
export function consentFields(html: string): Record<string, string> {
  const decode = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [decode(m[1]!), decode(m[2]!)]));
}

/**
 * Goes through the install as an admin: the link's disclaimer, acknowledge, Slack's consent
 * page signed in as `as` (`TEAM:USER`), `decision`; returns the last page the browser landed on.
 */
export async function installThroughSlack(
  emulator: SlackEmulator,
  link: string,
  as: string,
  options: { decision?: 'allow' | 'cancel' | 'request'; adminScope?: boolean; orgInstall?: boolean; browser?: Browser } = {},
): Promise<{ status: number; html: string; location?: string }> {
  const browser = options.browser ?? new Browser();
  const disclaimer = await browser.open(link);
  expect(disclaimer.status).toBe(200);
  const toSlack = await browser.submit(link, { acknowledge: 'yes', ...(options.adminScope ? { admin_scope: 'yes' } : {}) });
  expect(toSlack.status).toBe(302);
  expect(toSlack.location?.startsWith(emulator.oauth.authorizeUrl)).toBe(true);
  const consentPage = await browser.open(toSlack.location!);
  expect(consentPage.status).toBe(200);
  const decided = await browser.submit(emulator.oauth.authorizeUrl, {
    ...consentFields(consentPage.html),
    as,
    decision: options.decision ?? 'allow',
    ...(options.orgInstall ? { org_install: 'true' } : {}),
  });
  if (!decided.location) return decided;
  return browser.open(decided.location);
}
