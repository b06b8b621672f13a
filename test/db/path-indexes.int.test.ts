/**
 * The embedded store on PostgreSQL adds GIN indexes on `_id` and `tenantId` to FerretDB's
 * tables (scripts/embedded-store/path_indexes.go), so a lookup by `_id` inside a tenant is an
 * index scan instead of a read of every tenant's rows. Needs the PostgreSQL this machine kind
 * runs on 127.0.0.1:5432.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedStore, type RunningEmbeddedStore } from '../../src/db/embedded-store';
import { createLogger } from '../../src/platform/logger';

const { logger } = createLogger({ level: 'silent' });

interface PlanNode {
  'Node Type'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Every node of a PostgreSQL plan, depth first. */
function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

describe('embedded store on PostgreSQL: path indexes', () => {
  let store: RunningEmbeddedStore;
  let client: MongoClient;
  const dbName = `path_indexes_${Date.now().toString(36)}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-path-indexes-'));

  beforeAll(async () => {
    store = await startEmbeddedStore({ dataDir, logger, handler: 'postgresql' });
    client = await new MongoClient(store.uri).connect();
  }, 300_000);

  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
    await store?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves a lookup by _id inside a tenant from the GIN indexes, once FerretDB created the table', async () => {
    const outcomes = client.db(dbName).collection<{ _id: string; tenantId: string; n: number }>('outcomes');
    const docs = Array.from({ length: 2_000 }, (_, n) => ({ _id: `t${n % 20}/n${n}`, tenantId: `t${n % 20}`, n }));
    await outcomes.insertMany(docs);

    // The store looks for new tables every 2 s; wait up to 30 s for this one's indexes.
    let nodes: PlanNode[] = [];
    for (let tries = 0; tries < 60; tries += 1) {
      const explained = (await outcomes.find({ _id: 't7/n1007', tenantId: 't7' }).explain()) as { queryPlanner?: { Plan?: PlanNode } };
      nodes = nodesOf(explained.queryPlanner?.Plan ?? {});
      if (nodes.some((node) => node['Index Name']?.startsWith('pigment_gin_'))) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const types = nodes.map((node) => node['Node Type']);
    expect(types).toContain('Bitmap Index Scan');
    expect(types).not.toContain('Seq Scan');
    expect(nodes.map((node) => node['Index Name']).filter(Boolean)).toEqual(expect.arrayContaining([expect.stringMatching(/^pigment_gin_(id|tenant)_/)]));
    // The indexes change plans, never answers; FerretDB does not list them as its own.
    expect(await outcomes.find({ _id: 't7/n1007', tenantId: 't7' }).toArray()).toEqual([{ _id: 't7/n1007', tenantId: 't7', n: 1007 }]);
    expect(await outcomes.countDocuments({ tenantId: 't7' })).toBe(100);
    expect((await outcomes.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
  }, 120_000);
});
