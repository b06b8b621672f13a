/**
 * Each command-line tool run as a real process with only the settings it uses (issue 16): no
 * Slack token, no API secret, no encryption key where the tool does not need them, and its
 * `--help` names what it reads. A folder without .env, so only the environment given counts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_SECRETS } from './support/factories';
import { collectOutput, exitOf, spawnTs } from './support/processes';
import { openTestDatabase, type TestDatabase } from './support/store';

describe('command-line tools ask only for the settings they use', () => {
  let database: TestDatabase;
  let cwd: string;
  beforeAll(async () => {
    database = await openTestDatabase('clisettings');
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-settings-'));
  });
  afterAll(async () => {
    await database.dispose();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  async function run(script: string, args: string[], settings: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawnTs(script, args, { PATH: process.env.PATH, HOME: process.env.HOME, ...settings }, cwd);
    const output = collectOutput(child);
    const { code } = await exitOf(child);
    return { code, stdout: output.stdout(), stderr: output.stderr() };
  }

  it('members:import previews a file with only the store settings', async () => {
    const file = path.join(cwd, 'members.csv');
    fs.writeFileSync(file, 'Name,Email,Account Type\r\nAda Lovelace,ada@acme.test,\r\n');
    const result = await run('scripts/members-import.ts', [file, '--dry-run'], { MONGODB_URI: database.uri, MONGODB_DB: database.dbName });
    expect(result.stderr).not.toContain('Fix these settings');
    expect({ code: result.code, stdout: result.stdout }).toMatchObject({ code: 0, stdout: expect.stringContaining('1 new') });
    expect(await database.db.collection('members').countDocuments()).toBe(0);
  });

  it('members:import names only its own settings when one is wrong, and in --help', async () => {
    const wrong = await run('scripts/members-import.ts', [path.join(cwd, 'members.csv'), '--dry-run'], { MONGODB_URI: 'postgres://nope', LOG_LEVEL: 'loud' });
    expect(wrong.code).toBe(1);
    const problems = wrong.stderr.split('\n').filter((line) => line.startsWith('  '));
    expect(problems).toEqual([expect.stringMatching(/^ {2}MONGODB_URI must start with mongodb:\/\//), expect.stringMatching(/^ {2}LOG_LEVEL must be one of/)]);
    const help = await run('scripts/members-import.ts', ['--help'], {});
    expect(help.stdout).toContain('Reads MONGODB_URI, MONGODB_DB, DATA_DIR, LOG_LEVEL');
  });

  it('notify needs only API_TOKEN (and the address) and says so', async () => {
    const missing = await run(
      'scripts/notify.ts',
      ['--email', 'ada@acme.test', '--type', 'automation', '--title', 'Hi', '--url', 'https://app.pigment.test/x'],
      {},
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n').filter((line) => line.startsWith('  '))).toEqual([expect.stringMatching(/^ {2}API_TOKEN is required/)]);

    // With its token it goes past the settings to the connector (none answers on port 9 here).
    const sent = await run(
      'scripts/notify.ts',
      ['--email', 'ada@acme.test', '--type', 'automation', '--title', 'Hi', '--url', 'https://app.pigment.test/x', '--api-url', 'http://127.0.0.1:9'],
      { API_TOKEN: TEST_SECRETS.apiToken },
    );
    expect(sent.stderr).not.toContain('Fix these settings');
    expect(sent.code).toBe(1);
    expect((await run('scripts/notify.ts', ['--help'], {})).stdout).toContain('Reads API_TOKEN, HTTP_HOST, HTTP_PORT');
  });

  it.each([['scripts/store.ts'], ['scripts/emulator.ts'], ['scripts/bench.ts']])(
    '%s --help runs with no setting at all and says what it reads',
    async (script) => {
      const help = await run(script, ['--help'], {});
      expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(/Reads no (connector )?setting/);
    },
  );
});
