/**
 * The emulator's OAuth flow with Slack's own installer (`@slack/oauth` InstallProvider, which
 * Bolt uses): the install path redirects to the emulator's authorize page, the consent form
 * redirects back with a code, and the callback exchanges it and stores the installation,
 * calling auth.test with the new bot token as it does on Slack.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InstallProvider, type Installation } from '@slack/oauth';
import type { SlackEmulator } from '../../scripts/slack-emulator';
import { emulatorHarness, SECOND_TEAM, SECOND_TEAM_SEED } from './emulator-fixture';

const harness = emulatorHarness();
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** The app's install routes (`/slack/install`, `/slack/oauth_redirect`) on a free port, storing installations in memory. */
async function appServer(emulator: SlackEmulator): Promise<{ base: string; installations: Installation[] }> {
  const installations: Installation[] = [];
  let base = '';
  const installer = new InstallProvider({
    clientId: emulator.oauth.clientId,
    clientSecret: emulator.oauth.clientSecret,
    stateSecret: 'a-state-secret-of-some-length',
    authorizationUrl: emulator.oauth.authorizeUrl,
    clientOptions: { slackApiUrl: emulator.apiUrl },
    directInstall: true,
    installationStore: {
      storeInstallation: async (installation) => {
        installations.push(installation);
      },
      fetchInstallation: async () => {
        throw new Error('not needed here');
      },
    },
  });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    const redirectUri = `${base}/slack/oauth_redirect`;
    if (path === '/slack/install') {
      void installer.handleInstallPath(req, res, {}, { scopes: ['chat:write', 'users:read'], redirectUri });
    } else if (path === '/slack/oauth_redirect') {
      void installer.handleCallback(req, res);
    } else {
      res.writeHead(404).end();
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, installations };
}

describe('InstallProvider against the emulator', () => {
  it('installs the app in the workspace the admin signs in to', async () => {
    const emulator = await harness.start({ teams: [{ ...SECOND_TEAM_SEED, installed: false }] });
    const { base, installations } = await appServer(emulator);

    const install = await fetch(`${base}/slack/install`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    const cookie = (install.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const authorize = new URL(install.headers.get('location') ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(emulator.oauth.authorizeUrl);

    const page = await (await fetch(authorize)).text();
    const hidden = Object.fromEntries(
      [...page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((match) => [
        match[1] ?? '',
        (match[2] ?? '').replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))),
      ]),
    );
    const decided = await fetch(emulator.oauth.authorizeUrl, {
      method: 'POST',
      body: new URLSearchParams({ ...hidden, as: `${SECOND_TEAM}:U0ADMIN001`, decision: 'allow' }),
      redirect: 'manual',
    });
    const callback = decided.headers.get('location') ?? '';
    expect(callback.startsWith(`${base}/slack/oauth_redirect?code=`)).toBe(true);

    const done = await fetch(callback, { headers: { cookie } });
    expect(done.status).toBe(200);
    const second = emulator.team(SECOND_TEAM);
    expect(installations).toEqual([
      expect.objectContaining({
        team: { id: SECOND_TEAM, name: 'Second Workspace' },
        isEnterpriseInstall: false,
        appId: emulator.state.app.appId,
        user: expect.objectContaining({ id: 'U0ADMIN001' }),
        bot: expect.objectContaining({
          token: second.botToken,
          userId: second.state.app.botUserId,
          id: second.state.app.botId,
          scopes: ['chat:write', 'users:read'],
        }),
      }),
    ]);
    expect(second.installed).toBe(true);
  });
});
