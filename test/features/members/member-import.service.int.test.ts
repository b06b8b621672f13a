/**
 * The CSV member import on a test database: preview (nothing written), apply (counts, audit,
 * hooks), authorisation, and rows that changed between preview and apply.
 */
import { ALL_INDEXES } from '../../../src/features/index-registry';
import { ensureIndexes } from '../../../src/db/indexes';

import { createMemberServices, type Actor, type ImportActor, type MemberImportPreview, type MemberServices } from '../../../src/features/members';
import type { AccountType, Member } from '../../../src/features/members/member.types';
import { openTestDatabase, type TestDatabase } from '../../support/store';
import { testFeatureDeps, type TestFeatureDeps } from '../../support/feature-deps';

const CLI = { cli: true as const, name: 'tester' };

describe('MemberImportService', () => {
  let database: TestDatabase;
  let deps: TestFeatureDeps;
  let services: MemberServices;
  let hooked: Array<{ member: Member; before: Member | undefined }>;

  beforeAll(async () => {
    database = await openTestDatabase('memberimport');
    await ensureIndexes(database.db, ALL_INDEXES);
  });
  afterAll(async () => {
    await database.dispose();
  });
  beforeEach(async () => {
    await database.db.collection('members').deleteMany({});
    await database.db.collection('audit_log').deleteMany({});
    deps = testFeatureDeps(database.db);
    hooked = [];
    deps.hooks.memberChanged.push((member, before) => hooked.push({ member, before }));
    services = createMemberServices(deps);
  });

  async function seed(id: string, name: string, email: string, accountType: AccountType = 'standard_member'): Promise<Member> {
    const result = await deps.repos.members.save(
      { id, name, email, emailKey: email.toLowerCase(), accountType, status: 'activated', groups: ['Ops'], source: 'api' },
      new Date(),
    );
    if (!result.ok) throw new Error('seed failed');
    return result.member;
  }
  const allMembers = () => database.db.collection('members').find({}).sort({ _id: 1 }).toArray();
  const admin = (type: AccountType, member?: Member): Actor => ({
    slackUserId: 'U0ADMIN001',
    member: member ?? ({ id: 'm-admin', accountType: type, status: 'activated' } as Member),
  });

  const FILE = [
    'Name,Email,Account Type',
    'Ada Lovelace,ada@acme.test,',
    'Grace Hopper,GRACE@acme.test,Workspace admin',
    'Unchanged Person,same@acme.test,Standard member',
    'Renamed Person,rename@acme.test,standard_member',
    'Broken,not-an-email,',
    'Ada Again,ADA@acme.test,',
    'Promoted,promote@acme.test,Security admin',
  ].join('\n');

  async function previewOf(file: string | Buffer, actor?: ImportActor): Promise<MemberImportPreview> {
    const result = await services.imports.preview(file, actor);
    if (!result.ok) throw new Error(`file refused: ${result.error.message}`);
    return result.preview;
  }

  it('previews new, updated, unchanged and error rows without writing anything', async () => {
    await seed('m-same', 'Unchanged Person', 'same@acme.test');
    await seed('m-rename', 'Old Name', 'Rename@Acme.test');
    await seed('m-promote', 'Promoted', 'promote@acme.test');
    const before = await allMembers();

    const preview = await previewOf(FILE);
    expect(preview.totalRows).toBe(7);
    expect(preview.newRows).toEqual([
      {
        line: 2,
        memberId: expect.stringMatching(/^m-[0-9a-f-]{36}$/),
        name: 'Ada Lovelace',
        email: 'ada@acme.test',
        emailKey: 'ada@acme.test',
        accountType: 'standard_member',
      },
      {
        line: 3,
        memberId: expect.stringMatching(/^m-[0-9a-f-]{36}$/),
        name: 'Grace Hopper',
        email: 'GRACE@acme.test',
        emailKey: 'grace@acme.test',
        accountType: 'workspace_admin',
      },
    ]);
    expect(preview.newRows[0]!.memberId).not.toBe(preview.newRows[1]!.memberId);
    expect(preview.updatedRows).toEqual([
      expect.objectContaining({ line: 5, memberId: 'm-rename', email: 'Rename@Acme.test', changes: { name: { before: 'Old Name', after: 'Renamed Person' } } }),
      expect.objectContaining({ line: 8, memberId: 'm-promote', changes: { accountType: { before: 'standard_member', after: 'security_admin' } } }),
    ]);
    expect(preview.unchangedRows).toEqual([{ line: 4, memberId: 'm-same', email: 'same@acme.test' }]);
    expect(preview.errorRows.map((e) => [e.line, e.reason])).toEqual([
      [6, 'invalid_email'],
      [7, 'duplicate_email'],
    ]);
    expect(preview.errorRows[0]!.message).toMatch(/^Line 6: /);
    expect(await allMembers()).toEqual(before);
    expect(await deps.repos.audit.listRecent()).toEqual([]);
  });

  it('applies: creates pending csv members, updates the changed ones, audits once, calls the hooks for new members', async () => {
    await seed('m-same', 'Unchanged Person', 'same@acme.test');
    await seed('m-rename', 'Old Name', 'rename@acme.test');
    const preview = await previewOf(FILE);
    const result = await services.imports.apply(preview, admin('workspace_admin'));
    // Line 8 is new here, as a security admin: refused to a workspace admin.
    expect(result).toMatchObject({ ok: true, counts: { created: 2, updated: 1, unchanged: 1, failed: 3 } });
    if (!result.ok) return;
    expect(result.failures.map((f) => [f.line, f.reason])).toEqual([[8, 'above_own_rank']]);

    const ada = await deps.repos.members.findByEmailKey('ada@acme.test');
    expect(ada).toMatchObject({
      id: preview.newRows[0]!.memberId,
      name: 'Ada Lovelace',
      status: 'pending',
      source: 'csv',
      accountType: 'standard_member',
      groups: [],
    });
    expect(await deps.repos.members.findByEmailKey('grace@acme.test')).toMatchObject({
      email: 'GRACE@acme.test',
      accountType: 'workspace_admin',
      status: 'pending',
    });
    // An update changes the name and account type only.
    expect(await deps.repos.members.findById('m-rename')).toMatchObject({ name: 'Renamed Person', status: 'activated', groups: ['Ops'], source: 'api' });
    expect(await deps.repos.members.findByEmailKey('promote@acme.test')).toBeUndefined();

    // Rows are written a few at a time, so hooks may come in any order.
    expect(hooked.map((h) => [h.member.emailKey, h.before]).sort()).toEqual([
      ['ada@acme.test', undefined],
      ['grace@acme.test', undefined],
    ]);
    const entries = await deps.repos.audit.listRecent();
    expect(entries).toEqual([
      {
        at: expect.any(Date),
        actor: { slackUserId: 'U0ADMIN001', memberId: 'm-admin' },
        action: 'member.import',
        target: { type: 'import', id: result.importId },
        after: { created: 2, updated: 1, unchanged: 1, failed: 3, totalRows: 7 },
      },
    ]);

    // The same preview again creates nobody twice.
    const again = await services.imports.apply(preview, admin('workspace_admin'));
    expect(again).toMatchObject({ ok: true, counts: { created: 0, unchanged: 3 } });
    expect(await allMembers()).toHaveLength(4);
  });

  it("keeps an existing member's account type when the Account Type cell is empty, and applies a given one", async () => {
    await seed('m-boss', 'Boss', 'boss@acme.test', 'security_admin');
    await seed('m-worker', 'Worker', 'worker@acme.test', 'workspace_admin');
    const preview = await previewOf(['Name,Email,Account Type', 'Boss,boss@acme.test,', 'Worker,worker@acme.test,Standard member'].join('\n'));
    expect(preview.unchangedRows.map((r) => r.memberId)).toEqual(['m-boss']);
    expect(preview.updatedRows.map((r) => [r.memberId, r.changes.accountType?.after])).toEqual([['m-worker', 'standard_member']]);
    await services.imports.apply(preview, CLI);
    expect((await deps.repos.members.findById('m-boss'))?.accountType).toBe('security_admin');
    expect((await deps.repos.members.findById('m-worker'))?.accountType).toBe('standard_member');
  });

  it('lists rows above the importer rank as errors in a preview made for them', async () => {
    const preview = await previewOf('Name,Email,Account Type\nOwner,owner@acme.test,Primary owner\nPlain,plain@acme.test,\n', admin('security_admin'));
    expect(preview.errorRows).toEqual([{ line: 2, reason: 'above_own_rank', message: expect.stringMatching(/^Line 2: .*Primary owner/) }]);
    expect(preview.newRows.map((r) => r.email)).toEqual(['plain@acme.test']);
    // The command line is a local operator: no rank applies.
    expect((await previewOf('Name,Email,Account Type\nOwner,owner@acme.test,Primary owner\n', CLI)).newRows).toHaveLength(1);
  });

  it.each([
    ['an empty file', ''],
    ['a file without the headers', 'Full name,Mail\nAda,ada@acme.test\n'],
    ['a UTF-16 file', Buffer.from('\ufeffName,Email\nAda,ada@acme.test\n', 'utf16le')],
  ])('writes nothing for %s', async (_what, file) => {
    const result = await services.imports.preview(file);
    expect(result).toMatchObject({ ok: false, error: { reason: expect.any(String), message: expect.any(String) } });
    expect(await allMembers()).toEqual([]);
    expect(await deps.repos.audit.listRecent()).toEqual([]);
  });

  it('refuses a standard member or an unknown user, writing nothing', async () => {
    const preview = await previewOf(FILE);
    const standard = await seed('m-std', 'Std', 'std@acme.test');
    expect(await services.imports.apply(preview, { slackUserId: 'U0STD00001', member: standard })).toEqual({ ok: false, reason: 'not_allowed' });
    expect(await services.imports.apply(preview, { slackUserId: 'U0NOBODY01' })).toEqual({ ok: false, reason: 'not_allowed' });
    expect(await allMembers()).toHaveLength(1);
    expect(await deps.repos.audit.listRecent()).toEqual([]);
    expect(hooked).toEqual([]);
  });

  it('skips rows that changed between preview and apply instead of overwriting them', async () => {
    await seed('m-rename', 'Old Name', 'rename@acme.test');
    const preview = await previewOf('Name,Email\nRenamed,rename@acme.test\nNew Person,new@acme.test\n');
    // Meanwhile: the member is renamed through the API, and another member takes the new email.
    await services.service.putMember('m-rename', { email: 'rename@acme.test', name: 'API Name', accountType: 'standard_member' }, 'api');
    await services.service.putMember('m-racer', { email: 'new@acme.test', name: 'Racer', accountType: 'standard_member' }, 'api');
    hooked.length = 0;

    const result = await services.imports.apply(preview, CLI);
    expect(result).toMatchObject({ ok: true, counts: { created: 0, updated: 0, unchanged: 0, failed: 2 } });
    if (!result.ok) return;
    expect(result.failures.map((f) => [f.line, f.reason])).toEqual([
      [2, 'changed_since_preview'],
      [3, 'email_taken'],
    ]);
    expect((await deps.repos.members.findById('m-rename'))?.name).toBe('API Name');
    expect(hooked).toEqual([]);
    expect((await deps.repos.audit.listRecent())[0]?.actor).toEqual({ slackUserId: 'cli:tester' });
  });
});
