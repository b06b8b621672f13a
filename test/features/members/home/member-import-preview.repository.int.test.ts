/**
 * Import previews kept between the preview and the confirm, against the embedded store:
 * claimed once, by their owner, before expiry; large previews split into chunks.
 */
import { MemberImportPreviewRepository, MEMBER_IMPORT_PREVIEW_INDEXES } from '../../../../src/features/members/home/member-import-preview.repository';
import { ensureIndexes } from '../../../../src/db/indexes';
import { openTestDatabase, type TestDatabase } from '../../../support/store';
import { bigPreview, emptyPreview } from './fixtures';

let database: TestDatabase;
let repo: MemberImportPreviewRepository;
const now = new Date('2025-06-01T10:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);

beforeAll(async () => {
  database = await openTestDatabase('import_previews');
  await ensureIndexes(database.db, [MEMBER_IMPORT_PREVIEW_INDEXES]);
  repo = new MemberImportPreviewRepository(database.db);
});
afterAll(() => database.dispose());

describe('MemberImportPreviewRepository', () => {
  it('gives the preview back to its owner, once', async () => {
    const preview = bigPreview(3);
    const id = await repo.save({ preview, slackUserId: 'U1', fileName: 'a.csv' }, now);
    expect(await repo.claim(id, 'U2', later(1000))).toBeUndefined();
    expect(await repo.claim(id, 'U1', later(1000))).toEqual({ id, slackUserId: 'U1', fileName: 'a.csv', preview });
    expect(await repo.claim(id, 'U1', later(2000))).toBeUndefined();
    expect(await database.db.collection(MEMBER_IMPORT_PREVIEW_INDEXES.collection).countDocuments({ previewId: id })).toBe(0);
  });

  it('keeps an empty preview', async () => {
    const id = await repo.save({ preview: emptyPreview(), slackUserId: 'U1', fileName: 'e.csv' }, now);
    expect((await repo.claim(id, 'U1', now))?.preview).toEqual(emptyPreview());
  });

  it('does not give back an expired preview, and removes expired ones on the next save', async () => {
    const id = await repo.save({ preview: bigPreview(1), slackUserId: 'U1', fileName: 'a.csv' }, now, 60_000);
    expect(await repo.claim(id, 'U1', later(60_000))).toBeUndefined();
    const old = await repo.save({ preview: bigPreview(1), slackUserId: 'U1', fileName: 'b.csv' }, now, 60_000);
    await repo.save({ preview: emptyPreview(), slackUserId: 'U1', fileName: 'c.csv' }, later(120_000));
    expect(await database.db.collection(MEMBER_IMPORT_PREVIEW_INDEXES.collection).countDocuments({ previewId: old })).toBe(0);
  });

  it('splits a large preview into chunks under the document limit and reassembles it in order', async () => {
    const preview = bigPreview(8_000);
    const id = await repo.save({ preview, slackUserId: 'U1', fileName: 'big.csv' }, now);
    const docs = await database.db.collection(MEMBER_IMPORT_PREVIEW_INDEXES.collection).find({ previewId: id, kind: 'rows' }).toArray();
    expect(docs.length).toBeGreaterThan(4);
    for (const doc of docs) expect(JSON.stringify(doc).length).toBeLessThan(8 * 1024 * 1024);
    const claimed = await repo.claim(id, 'U1', now);
    expect(claimed?.preview).toEqual(preview);
  });

  it('stores and claims the preview of a 100,000-row file in seconds', async () => {
    const preview = {
      ...emptyPreview(),
      newRows: Array.from({ length: 100_000 }, (_, i) => ({
        line: i + 2,
        memberId: `m-0000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
        name: `Member Number ${i}`,
        email: `member.number.${i}@example.com`,
        emailKey: `member.number.${i}@example.com`,
        accountType: 'standard_member' as const,
      })),
      totalRows: 100_000,
    };
    const id = await repo.save({ preview, slackUserId: 'U1', fileName: 'big.csv' }, now);
    const claimed = await repo.claim(id, 'U1', now);
    expect(claimed?.preview.newRows).toHaveLength(100_000);
    expect(claimed?.preview.newRows[99_999]).toEqual(preview.newRows[99_999]);
  });

  it('cuts pathological strings it only displays', async () => {
    const preview = {
      ...emptyPreview(),
      errorRows: [{ line: 2, reason: 'field_too_long' as const, message: `Line 2: ${'x'.repeat(1_000_000)}` }],
      totalRows: 1,
    };
    const id = await repo.save({ preview, slackUserId: 'U1', fileName: 'a.csv' }, now);
    const claimed = await repo.claim(id, 'U1', now);
    expect(claimed?.preview.errorRows[0]?.message.length).toBeLessThanOrEqual(2000);
    expect(claimed?.preview.errorRows[0]?.message.startsWith('Line 2: xxx')).toBe(true);
  });
});
