/**
 * `npm run members:import -- FILE.csv` as a real process, against a database of the test store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validEnv } from '../../support/factories';
import { collectOutput, exitOf, spawnTs } from '../../support/processes';
import { openTestDatabase, type TestDatabase } from '../../support/store';

const SCRIPT = 'scripts/members-import.ts';

describe('members:import command line', () => {
  let database: TestDatabase;
  let cwd: string;
  beforeEach(async () => {
    database = await openTestDatabase('membersclii');
    // A folder without .env, so only the environment given below counts.
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'members-import-'));
  });
  afterEach(async () => {
    await database.dispose();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  function writeFile(name: string, content: string | Buffer): string {
    const file = path.join(cwd, name);
    fs.writeFileSync(file, content);
    return file;
  }

  async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...validEnv({ MONGODB_URI: database.uri, MONGODB_DB: database.dbName }) };
    const child = spawnTs(SCRIPT, args, env, cwd);
    const output = collectOutput(child);
    const { code } = await exitOf(child);
    return { code, stdout: output.stdout(), stderr: output.stderr() };
  }
  const members = () => database.db.collection('members').find({}).sort({ emailKey: 1 }).toArray();

  it('with --yes, imports the file, prints the preview and the counts, and exits 0', async () => {
    await database.db.collection('members').insertOne({
      _id: 'm-existing' as never,
      name: 'Old Name',
      email: 'grace@acme.test',
      emailKey: 'grace@acme.test',
      accountType: 'standard_member',
      status: 'activated',
      groups: [],
      source: 'api',
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const file = writeFile(
      'members.csv',
      'Name,Email,Account Type\r\nAda Lovelace,ada@acme.test,\r\nGrace Hopper,Grace@acme.test,Workspace admin\r\nBroken,nope,\r\n',
    );
    const result = await run([file, '--yes']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 member row(s) read:');
    expect(result.stdout).toMatch(/1 new\n\s+1 updated\n\s+0 unchanged\n\s+1 with errors/);
    expect(result.stdout).toContain('line 4 [invalid_email]');
    expect(result.stdout).toContain('line 3: grace@acme.test: name "Old Name" → "Grace Hopper", account type Standard member → Workspace admin');
    expect(result.stdout).toContain('Imported: 1 created, 1 updated, 0 unchanged, 1 failed.');

    expect((await members()).map((m) => [m.emailKey, m.name, m.accountType, m.status, m.source])).toEqual([
      ['ada@acme.test', 'Ada Lovelace', 'standard_member', 'pending', 'csv'],
      ['grace@acme.test', 'Grace Hopper', 'workspace_admin', 'activated', 'api'],
    ]);
    const audit = await database.db.collection('audit_log').find({}).toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'member.import',
      actor: { slackUserId: expect.stringMatching(/^cli/) },
      after: { created: 1, updated: 1, failed: 1 },
    });
    // The command also creates the indexes, so email uniqueness (per tenant) holds on a fresh database.
    const indexes = await database.db.collection('members').indexes();
    expect(indexes.map((i) => i.name)).toContain('tenantId_emailKey_unique');
  });

  it('exits 1 and writes nothing when the file cannot be read as a member CSV', async () => {
    const file = writeFile('broken.csv', 'Full name;Mail\nAda;ada@acme.test\n');
    const result = await run([file, '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot be imported (missing_headers)');
    expect(result.stderr).toContain('Nothing was imported.');
    expect(await members()).toEqual([]);
    expect(await database.db.collection('audit_log').countDocuments()).toBe(0);
  });

  it('exits 1 for a missing file, and without --yes when not on a terminal, writing nothing', async () => {
    const missing = await run([path.join(cwd, 'nope.csv'), '--yes']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENOENT');

    const file = writeFile('members.csv', 'Name,Email\nAda,ada@acme.test\n');
    const unconfirmed = await run([file]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stdout).toContain('1 new');
    expect(unconfirmed.stderr).toContain('--yes');
    expect(await members()).toEqual([]);
  });

  it('with --dry-run, shows the preview and writes nothing', async () => {
    const file = writeFile('members.csv', 'Name,Email\nAda,ada@acme.test\n');
    const result = await run([file, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 new');
    expect(result.stdout).toContain('Dry run: nothing was written.');
    expect(await members()).toEqual([]);
  });
});
