/**
 * Every index the app declares is created on the embedded store (FerretDB 1.24), twice, as
 * each start does: an index it cannot build, or a definition that is not idempotent, fails
 * here rather than in production.
 */
import { ALL_INDEXES } from '../../src/features/index-registry';
import { ensureIndexes, indexesToCreate } from '../../src/db/indexes';
import { openTestDatabase, type TestDatabase } from '../support/store';

describe('index definitions on the embedded store', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase('indexes');
  });
  afterAll(() => t.dispose());

  it('creates every declared index, idempotently', async () => {
    expect(ALL_INDEXES.length).toBeGreaterThan(0);
    await ensureIndexes(t.db, ALL_INDEXES);
    await ensureIndexes(t.db, ALL_INDEXES);
    for (const definition of ALL_INDEXES.filter((d) => indexesToCreate(d).length > 0)) {
      const names = (await t.db.collection(definition.collection).listIndexes().toArray()).map((i) => i.name);
      for (const index of indexesToCreate(definition)) expect(names).toContain(index.name);
      // Tenant data: every index leads with the tenant, so uniqueness is per tenant.
      if (!definition.global) expect(names.filter((n) => n !== '_id_').every((n) => n?.startsWith('tenantId'))).toBe(true);
    }
  });

  it('declares only what FerretDB 1.24 supports: no TTL, partial, text or geo indexes', () => {
    for (const { indexes } of ALL_INDEXES) {
      for (const index of indexes) {
        expect(index.name).toBeDefined();
        expect(index.expireAfterSeconds).toBeUndefined();
        expect(index.partialFilterExpression).toBeUndefined();
        expect(Object.values(index.key).every((v) => v === 1 || v === -1)).toBe(true);
      }
    }
  });
});
