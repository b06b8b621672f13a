/**
 * `npm run notify` as a real process, sending to a running connector over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNotificationRepos } from '../../../src/features/notifications';
import { startTestConnector, type TestConnector } from '../../support/connector';
import { TEST_SECRETS, validEnv } from '../../support/factories';
import { collectOutput, exitOf, spawnTs } from '../../support/processes';

const SCRIPT = 'scripts/notify.ts';

describe('notify command line', () => {
  let t: TestConnector;
  let cwd: string;
  beforeAll(async () => {
    t = await startTestConnector({ label: 'notifycli' });
    // A folder without .env, so only the environment given below counts.
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-cli-'));
  });
  afterAll(async () => {
    await t.stop();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  async function run(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawnTs(SCRIPT, args, { PATH: process.env.PATH, HOME: process.env.HOME, ...validEnv(env) }, cwd);
    const output = collectOutput(child);
    const { code } = await exitOf(child);
    return { code, stdout: output.stdout(), stderr: output.stderr() };
  }
  const outbox = () => createNotificationRepos(t.connector.deps).outbox;
  const base = [
    '--api-url',
    '',
    '--type',
    'conversation',
    '--subtype',
    'mention',
    '--title',
    'Ada mentioned you',
    '--url',
    'https://acme.pigment.test/boards/1',
  ];
  const args = (...more: string[]) => {
    const list = [...base, ...more];
    list[1] = t.connector.http.url;
    return list;
  };

  it('sends one notification (202), and the same --id again answers 200 without a second one', async () => {
    const first = await run(args('--email', 'ada@acme.test', '--body', 'See *Q3*', '--actor', 'Ada Lovelace', '--id', 'cli-1'));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('Accepted (HTTP 202): {"id":"cli-1","status":"queued"}\n');
    expect(await outbox().findById('cli-1')).toMatchObject({
      type: 'conversation',
      subtype: 'mention',
      recipient: { email: 'ada@acme.test' },
      title: 'Ada mentioned you',
      body: 'See *Q3*',
      url: 'https://acme.pigment.test/boards/1',
      actor: { name: 'Ada Lovelace' },
      status: 'queued',
    });

    const again = await run(args('--email', 'ada@acme.test', '--body', 'See *Q3*', '--actor', 'Ada Lovelace', '--id', 'cli-1'));
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('Already accepted (HTTP 200): {"id":"cli-1","status":"queued"}\n');
  });

  it('makes up an id when none is given, and defaults the subtype to other', async () => {
    const result = await run([
      '--api-url',
      t.connector.http.url,
      '--member-id',
      'm-ada',
      '--type',
      'async_task',
      '--title',
      'Snapshot ready',
      '--url',
      'https://acme.pigment.test/',
    ]);
    expect(result.code).toBe(0);
    const id = /"id":"([0-9a-f-]{36})"/.exec(result.stdout)?.[1];
    expect(id).toBeDefined();
    expect(await outbox().findById(id!)).toMatchObject({ type: 'async_task', subtype: 'other', recipient: { memberId: 'm-ada' }, body: '' });
  });

  it("prints the connector's 400 errors field by field and exits 1, sending nothing", async () => {
    const result = await run([
      '--api-url',
      t.connector.http.url,
      '--email',
      'ada@acme.test',
      '--member-id',
      'm-ada',
      '--type',
      'billing',
      '--url',
      'https://evil.test/',
      '--id',
      'cli-bad',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('The connector refused the notification (HTTP 400 invalid_body); nothing was sent:');
    expect(result.stderr).toContain('  type: must be one of conversation, automation, scheduled_import, async_task');
    expect(result.stderr).toContain('  recipient: must have "memberId" or "email", not both');
    expect(result.stderr).toContain('  title: must be a string');
    expect(result.stderr).toContain('  url: must be an http(s) link under https://acme.pigment.test/');
    expect(await outbox().findById('cli-bad')).toBeUndefined();
  });

  it('exits 1 with a clear message for a wrong token, an unreachable connector, and unknown options', async () => {
    const wrongToken = await run(args('--email', 'ada@acme.test', '--id', 'cli-token'), { API_TOKEN: `other-${'x'.repeat(40)}` });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toContain('HTTP 401');
    expect(wrongToken.stderr).not.toContain(TEST_SECRETS.apiToken);
    expect(await outbox().findById('cli-token')).toBeUndefined();

    const unreachable = await run([
      '--api-url',
      'http://127.0.0.1:9',
      '--email',
      'ada@acme.test',
      '--type',
      'automation',
      '--title',
      'x',
      '--url',
      'https://acme.pigment.test/x',
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('Cannot reach the connector at http://127.0.0.1:9');

    const unknown = await run(['--recipient', 'ada']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Usage: npm run notify');

    const badSettings = await run(args('--email', 'ada@acme.test'), { API_TOKEN: undefined });
    expect(badSettings.code).toBe(1);
    expect(badSettings.stderr).toContain('API_TOKEN is required');
  });
});
