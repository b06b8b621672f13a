/**
 * Scopes as Slack checks them: the bot token holds manifest.json's bot scopes unless a test
 * grants others, each method needs the scope its Slack page names, and a call without it is
 * answered `missing_scope` with `needed` and `provided` before anything happens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { botClient, clientFor, emulatorHarness, MEMBER, rejectionOf, TEST_SEED } from './emulator-fixture';

const harness = emulatorHarness();

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../manifest.json'), 'utf8')) as { oauth_config: { scopes: { bot: string[] } } };

/** What views.* and auth.test need. */
const NO_SCOPE = 'no scope';

/** Each implemented bot method, arguments that pass its own checks, and the scope it needs. */
const BOT_METHODS: Array<[method: string, args: Record<string, unknown>, needed: string]> = [
  ['auth.test', {}, NO_SCOPE],
  ['team.info', {}, 'team:read'],
  ['team.billableInfo', {}, 'admin'],
  ['team.accessLogs', {}, 'admin'],
  ['users.list', {}, 'users:read'],
  ['users.info', { user: MEMBER }, 'users:read'],
  ['users.lookupByEmail', { email: 'chloe@example.com' }, 'users:read.email'],
  ['usergroups.list', {}, 'usergroups:read'],
  ['usergroups.users.list', { usergroup: 'S0FINANCE1' }, 'usergroups:read'],
  ['conversations.open', { users: MEMBER }, 'im:write'],
  ['conversations.history', { channel: 'D0000000001' }, 'im:history'],
  ['conversations.history', { channel: 'C0GENERAL1' }, 'channels:history'],
  ['chat.postMessage', { channel: MEMBER, text: 'hi' }, 'chat:write'],
  ['chat.update', { channel: 'D0000000001', ts: '1.000001', text: 'hi' }, 'chat:write'],
  ['files.getUploadURLExternal', { filename: 'a.csv', length: 3 }, 'files:write'],
  ['files.completeUploadExternal', { files: [{ id: 'F0NOWHERE1' }] }, 'files:write'],
  ['views.publish', { user_id: MEMBER, view: { type: 'home', blocks: [] } }, NO_SCOPE],
  ['views.open', { trigger_id: 'expired', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } }, NO_SCOPE],
  ['views.push', { trigger_id: 'expired', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } }, NO_SCOPE],
  ['views.update', { view_id: 'V0NOWHERE1', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } }, NO_SCOPE],
];

describe('scopes', () => {
  it('gives the bot token exactly the bot scopes manifest.json requests, and the app token connections:write', async () => {
    const emulator = await harness.start();
    expect(emulator.state.scopes).toEqual({ bot: manifest.oauth_config.scopes.bot, app: ['connections:write'] });
  });

  it('answers missing_scope with needed and provided, in that shape, and does nothing', async () => {
    const emulator = await harness.start({ scopes: { bot: ['users:read', 'im:write'] } });
    const error = await rejectionOf(botClient(emulator).chat.postMessage({ channel: MEMBER, text: 'hi' }));
    expect(error.data).toEqual({ ok: false, error: 'missing_scope', needed: 'chat:write', provided: 'users:read,im:write', response_metadata: {} });
    expect(emulator.messagesTo(MEMBER)).toEqual([]);
    expect(emulator.callsOf('chat.postMessage')[0]?.response).toEqual({
      ok: false,
      error: 'missing_scope',
      needed: 'chat:write',
      provided: 'users:read,im:write',
    });
  });

  it.each(BOT_METHODS)('%s %j needs %s', async (method, args, needed) => {
    const emulator = await harness.start({ scopes: { bot: [] } });
    const { json } = await postJson(emulator.apiUrl, method, args, emulator.botToken);
    if (needed === NO_SCOPE) expect(json.error).not.toBe('missing_scope');
    else expect(json).toEqual({ ok: false, error: 'missing_scope', needed, provided: '' });
  });

  it('lets each method through once its scope is granted', async () => {
    const emulator = await harness.start({ scopes: { bot: [...new Set(BOT_METHODS.flatMap(([, , needed]) => (needed === NO_SCOPE ? [] : [needed])))] } });
    for (const [method, args] of BOT_METHODS) {
      const { json } = await postJson(emulator.apiUrl, method, args, emulator.botToken);
      expect({ method, error: json.error }).not.toEqual({ method, error: 'missing_scope' });
    }
  });

  it('refuses team.billableInfo and team.accessLogs to a bot token with the manifest’s scopes (admin is a user-token scope)', async () => {
    const emulator = await harness.start();
    const provided = manifest.oauth_config.scopes.bot.join(',');
    expect((await rejectionOf(botClient(emulator).team.billableInfo({}))).data).toMatchObject({ error: 'missing_scope', needed: 'admin', provided });
    expect((await rejectionOf(botClient(emulator).team.accessLogs({}))).data).toMatchObject({ error: 'missing_scope', needed: 'admin', provided });
  });

  it('needs connections:write on the app token for apps.connections.open', async () => {
    const emulator = await harness.start({ scopes: { app: ['authorizations:read'] } });
    const error = await rejectionOf(clientFor(emulator, emulator.appToken).apps.connections.open());
    expect(error.data).toMatchObject({ error: 'missing_scope', needed: 'connections:write', provided: 'authorizations:read' });
  });

  it('leaves emails out of users.list and users.info without users:read.email', async () => {
    const emulator = await harness.start({ scopes: { bot: ['users:read'] } });
    const bot = botClient(emulator);
    const { members } = await bot.users.list({});
    expect(members?.find((member) => member.id === MEMBER)?.profile).not.toHaveProperty('email');
    expect((await bot.users.info({ user: MEMBER })).user?.profile).not.toHaveProperty('email');
    emulator.state.scopes.bot.push('users:read.email');
    expect((await bot.users.info({ user: MEMBER })).user?.profile?.email).toBe('Chloe@Example.com');
  });

  it('takes scopes from the seed, the option winning over it', async () => {
    const seeded = await harness.start({ seed: { ...TEST_SEED, scopes: { bot: ['team:read'] } } });
    expect((await botClient(seeded).team.info()).ok).toBe(true);
    const overridden = await harness.start({ seed: { ...TEST_SEED, scopes: { bot: ['team:read'] } }, scopes: { bot: ['users:read'] } });
    expect((await rejectionOf(botClient(overridden).team.info())).data).toMatchObject({ error: 'missing_scope', needed: 'team:read', provided: 'users:read' });
  });

  it('serves a file download only to a bot token holding files:read', async () => {
    const emulator = await harness.start({ scopes: { bot: ['files:write'] } });
    const file = emulator.addFile({ name: 'members.csv', content: 'email\n', user: MEMBER });
    const download = () => fetch(file.url_private_download, { headers: { authorization: `Bearer ${emulator.botToken}` } });
    expect(await (await download()).text()).toContain('Sign in');
    emulator.state.scopes.bot.push('files:read');
    expect(await (await download()).text()).toBe('email\n');
  });
});

async function postJson(apiUrl: string, method: string, args: Record<string, unknown>, token: string): Promise<{ json: Record<string, unknown> }> {
  const response = await fetch(`${apiUrl}${method}`, {
    method: 'POST',
    body: JSON.stringify(args),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  });
  return { json: (await response.json()) as Record<string, unknown> };
}
