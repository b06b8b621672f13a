/**
 * `npm run emulator`: prints the settings for the connector, serves the Web API, stops on
 * SIGTERM, and refuses a bad seed with a clear message and exit code 1.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';

const ROOT = join(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function runCli(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string } {
  const child = spawn(TSX, ['scripts/emulator.ts', ...args], { cwd: ROOT });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitFor(read: () => string, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output so far:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm run emulator', () => {
  let running: ChildProcessWithoutNullStreams | undefined;

  afterEach(() => {
    if (running && running.exitCode === null) running.kill('SIGKILL');
    running = undefined;
  });

  it('prints the connector settings, answers the Web API and stops on SIGTERM', async () => {
    const { child, output } = runCli(['--port', '0', '--rate-limit-scale', '10']);
    running = child;
    const [, apiUrl] = await waitFor(output, /SLACK_API_URL=(\S+)/);
    const [, botToken] = await waitFor(output, /SLACK_BOT_TOKEN=(\S+)/);
    expect(output()).toMatch(/SLACK_APP_TOKEN=xapp-/);
    const auth = await new WebClient(botToken, { slackApiUrl: apiUrl, retryConfig: { retries: 0 } }).auth.test();
    expect(auth.team).toBe('Pigment Demo');
    await waitFor(output, /200 auth\.test \(bot\) → ok/);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it('serves every workspace of a {teams: [...]} seed, printing their bot tokens and the OAuth settings', async () => {
    const seedPath = join(ROOT, 'scripts/slack-emulator/seed.teams.example.json');
    const { child, output } = runCli(['--seed', seedPath, '--port', '0', '--redirect-uri', 'http://localhost:3000/slack/oauth_redirect']);
    running = child;
    const [, apiUrl] = await waitFor(output, /SLACK_API_URL=(\S+)/);
    await waitFor(output, /OAuth authorize URL: /);
    expect(output()).toMatch(/T0PIGMENT1 "Pigment Demo" \(.*primary\): bot token xoxb-/);
    expect(output()).toMatch(/T0ACME0001 "Acme Planning" \(.*app approval required\): not installed/);
    expect(output()).toMatch(/SLACK_CLIENT_ID=emulator-client-id/);
    expect(output()).toMatch(/SLACK_CLIENT_SECRET=emulator-client-secret/);
    expect(output()).toMatch(/OAuth authorize URL: http:\/\/\S+\/oauth\/v2\/authorize \(redirect URLs: http:\/\/localhost:3000\/slack\/oauth_redirect\)/);
    const [, globexToken] = await waitFor(output, /T0GLOBEX01 "Globex" \(.*Grid E0GLOBEX01.*\): bot token (\S+)/);
    const auth = await new WebClient(globexToken, { slackApiUrl: apiUrl, retryConfig: { retries: 0 } }).auth.test();
    expect(auth).toMatchObject({ team_id: 'T0GLOBEX01', enterprise_id: 'E0GLOBEX01' });
    await waitFor(output, /200 auth\.test \(bot\) → ok \[T0GLOBEX01\]/);

    // SIGTERM reaches the emulator through tsx (SIGKILL would leave it running).
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  });

  it('exits 1 naming the seed of a {teams: [...]} file that is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-seed-'));
    const seedPath = join(dir, 'teams.json');
    const team = { team: { id: 'T0SAME0001', name: 'Same', domain: 'same' } };
    writeFileSync(seedPath, JSON.stringify({ teams: [team, { users: [{ id: 'nope', name: 'x' }] }, team] }));
    const { child, output } = runCli(['--seed', seedPath, '--port', '0']);
    running = child;
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain(`Invalid ${seedPath}:`);
    expect(output()).toContain('teams.1.users.0.id: must look like a Slack user id');
    expect(output()).toContain('teams.2.team.id: duplicate team id T0SAME0001 (also teams.0)');
  });

  it('exits 1 with the problems of a bad seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-seed-'));
    const seedPath = join(dir, 'seed.json');
    writeFileSync(seedPath, JSON.stringify({ users: [{ id: 'nope', name: 'x' }] }));
    const { child, output } = runCli(['--seed', seedPath, '--port', '0']);
    running = child;
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain(`Invalid ${seedPath}:`);
    expect(output()).toContain('users.0.id: must look like a Slack user id');
  });
});
