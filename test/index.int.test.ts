/**
 * `npm start` as a process: settings errors, tokens Slack refuses, the embedded store started
 * and stopped with the connector, and clean shutdown on SIGTERM.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSlackEmulator, type SlackEmulator } from '../scripts/slack-emulator';
import { validEnv } from './support/factories';
import { collectOutput, exitOf, isAlive, ROOT, spawnTs, waitForExit, waitForJsonLine } from './support/processes';
import { testStoreUri, uniqueDbName } from './support/store';

/** The environment of a child connector: nothing inherited but PATH and HOME. */
function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...vars };
}

interface LogLine {
  msg?: string;
  url?: string;
  storePid?: number;
  level?: number;
}

describe('the connector process', () => {
  let cwd: string;
  let emulator: SlackEmulator | undefined;
  beforeEach(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-start-'));
  });
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  function slackEnv(e: SlackEmulator): Record<string, string> {
    return { SLACK_API_URL: e.apiUrl, SLACK_BOT_TOKEN: e.botToken, SLACK_APP_TOKEN: e.appToken };
  }

  it('exits 1 with one line per bad setting, naming the variable and never its value', async () => {
    const env = childEnv({ SLACK_BOT_TOKEN: 'xapp-swapped-secret-value', API_TOKEN: 'too-short-secret', HTTP_PORT: 'eighty' });
    const child = spawnTs('src/index.ts', [], env, cwd);
    const output = collectOutput(child);
    const { code } = await exitOf(child);
    expect(code).toBe(1);
    const lines = output.stderr().trim().split('\n').slice(1);
    expect(lines.map((l) => l.trim().split(' ')[0]).sort()).toEqual(
      ['API_TOKEN', 'ENCRYPTION_KEY', 'HTTP_PORT', 'PIGMENT_BASE_URL', 'SLACK_APP_TOKEN', 'SLACK_BOT_TOKEN'].sort(),
    );
    expect(output.stderr()).not.toContain('xapp-swapped-secret-value');
    expect(output.stderr()).not.toContain('too-short-secret');
  });

  it('with NODE_ENV=production and no Slack setting, exits 1 listing the missing settings (never a sandbox)', async () => {
    const child = spawnTs('src/index.ts', [], childEnv({ NODE_ENV: 'production' }), cwd);
    const output = collectOutput(child);
    expect((await exitOf(child)).code).toBe(1);
    const names = output
      .stderr()
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(' ')[0]);
    expect(names.sort()).toEqual(['API_TOKEN', 'ENCRYPTION_KEY', 'SLACK_APP_TOKEN', 'SLACK_BOT_TOKEN'].sort());
    expect(output.stdout()).not.toContain('sandbox');
  });

  it('reads settings from a .env file in the working directory', async () => {
    fs.writeFileSync(path.join(cwd, '.env'), 'SLACK_BOT_TOKEN=not-a-bot-token\n');
    const child = spawnTs('src/index.ts', [], childEnv({}), cwd);
    const output = collectOutput(child);
    expect((await exitOf(child)).code).toBe(1);
    expect(output.stderr()).toMatch(/SLACK_BOT_TOKEN must be a bot token starting with "xoxb-"/);
  });

  it.each([
    ['bot', 'SLACK_BOT_TOKEN'],
    ['app', 'SLACK_APP_TOKEN'],
  ])('exits 1 naming %s token to fix when Slack refuses it', async (which, variable) => {
    emulator = await createSlackEmulator();
    emulator.revokeTokens({ bot: which === 'bot', app: which === 'app', error: 'invalid_auth' });
    const env = childEnv({ ...validEnv(slackEnv(emulator)), MONGODB_URI: testStoreUri(), MONGODB_DB: uniqueDbName('refused'), HTTP_PORT: '0' } as Record<
      string,
      string
    >);
    const child = spawnTs('src/index.ts', [], env, cwd);
    const output = collectOutput(child);
    const { code } = await exitOf(child);
    expect(code).toBe(1);
    const fatal = output
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"level":60'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain(`Slack refused ${variable} (invalid_auth)`);
  });

  it('starts the embedded store, serves, and stops everything on SIGTERM', async () => {
    emulator = await createSlackEmulator({ seed: { users: [{ id: 'U0ALICE001', name: 'alice', profile: { email: 'a@acme.test' } }] } });
    const env = childEnv({ ...validEnv(slackEnv(emulator)), DATA_DIR: path.join(cwd, 'data'), HTTP_PORT: '0' } as Record<string, string>);
    const child = spawnTs('src/index.ts', [], env, cwd);
    const output = collectOutput(child);
    const store = await waitForJsonLine<LogLine>(child, (l) => l.msg === 'embedded store listening');
    const http = await waitForJsonLine<LogLine>(child, (l) => l.msg === 'HTTP API listening');
    await waitForJsonLine<LogLine>(child, (l) => l.msg === 'connector started');
    expect(isAlive(store.storePid!)).toBe(true);
    expect(fs.existsSync(path.join(cwd, 'data', 'store'))).toBe(true);

    const ready = await fetch(`${http.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', slackSocket: 'open' }, workers: { 'notifications.delivery': 'running' } });
    await emulator.socket.sendEvent({ type: 'app_home_opened', user: 'U0ALICE001', tab: 'home', channel: 'D1', event_ts: '1' });
    const deadline = Date.now() + 5_000;
    while (!emulator.homeViewOf('U0ALICE001') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(emulator.homeViewOf('U0ALICE001')).toBeDefined();

    child.kill('SIGTERM');
    const { code } = await exitOf(child);
    // 0, not 1: the connector's own 10 s shutdown deadline (exit 1) was not reached.
    expect(code).toBe(0);
    expect(await waitForExit(store.storePid!, 2_000)).toBe(true);
    expect(output.stdout()).toContain('"msg":"connector stopped"');
    expect(emulator.socket.connectionCount()).toBe(0);
  });

  it('runs as `npm start` does: the compiled dist/src/index.js comes up and stops on SIGTERM', async () => {
    // prestart builds with tsconfig.build.json; a wrong build config would only show here.
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
    emulator = await createSlackEmulator();
    const env = childEnv({ ...validEnv(slackEnv(emulator)), DATA_DIR: path.join(cwd, 'data'), HTTP_PORT: '0' } as Record<string, string>);
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'index.js')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const http = await waitForJsonLine<LogLine>(child, (l) => l.msg === 'HTTP API listening');
    await waitForJsonLine<LogLine>(child, (l) => l.msg === 'connector started');
    expect(await (await fetch(`${http.url}/readyz`)).json()).toMatchObject({ status: 'ready' });
    child.kill('SIGTERM');
    expect((await exitOf(child)).code).toBe(0);
  });

  it('runs the sandbox as `npm start` does when no Slack setting is given outside production: banner, page, secrets kept, SIGTERM stops it', async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
    const dataDir = path.join(cwd, 'data');
    const env = childEnv({ DATA_DIR: dataDir, HTTP_PORT: '0', SANDBOX_PORT: '0', MONGODB_URI: testStoreUri(), MONGODB_DB: uniqueDbName('sandbox') });
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'index.js')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = collectOutput(child);
    const pageUrl = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = /Open (http:\/\/127\.0\.0\.1:\d+\/sandbox)/.exec(output.stdout());
        if (found?.[1]) resolve(found[1]);
        else if (child.exitCode !== null) reject(new Error(`exited ${child.exitCode}: ${output.stderr()}`));
        else setTimeout(check, 100);
      };
      check();
    });
    const page = await fetch(pageUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Pigment for Slack — sandbox');
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'sandbox-secrets.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(secrets).sort()).toEqual(['apiToken', 'clientSecret', 'encryptionKey', 'stateSecret']);
    expect(output.stdout()).not.toContain(secrets.apiToken);
    child.kill('SIGTERM');
    expect((await exitOf(child)).code).toBe(0);
  });

  it('leaves no store behind when the connector is killed with SIGKILL', async () => {
    emulator = await createSlackEmulator();
    const env = childEnv({ ...validEnv(slackEnv(emulator)), DATA_DIR: path.join(cwd, 'data'), HTTP_PORT: '0' } as Record<string, string>);
    const child = spawnTs('src/index.ts', [], env, cwd);
    const store = await waitForJsonLine<LogLine>(child, (l) => l.msg === 'embedded store listening');
    await waitForJsonLine<LogLine>(child, (l) => l.msg === 'connector started');
    child.kill('SIGKILL');
    expect(await waitForExit(store.storePid!, 10_000)).toBe(true);
  });
});
