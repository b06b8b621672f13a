/**
 * A database of its own for each test file, in the run's shared store.
 * Dropping refuses to run outside jest, so a stray call can never wipe real data.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';

export interface TestDatabase {
  uri: string;
  dbName: string;
  client: MongoClient;
  db: Db;
  /** Drops the database and closes the client. */
  dispose(): Promise<void>;
}

export function testStoreUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests with `npm test` (jest global setup starts the store)');
  return uri;
}

/** A fresh database name, unique per call: `t_<label>_<random>`. */
export function uniqueDbName(label: string): string {
  return `t_${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
}

export async function openTestDatabase(label: string): Promise<TestDatabase> {
  assertTestMode();
  const uri = testStoreUri();
  const dbName = uniqueDbName(label);
  const client = await new MongoClient(uri).connect();
  const db = client.db(dbName);
  return {
    uri,
    dbName,
    client,
    db,
    dispose: async () => {
      assertTestMode();
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

function assertTestMode(): void {
  if (process.env.JEST_WORKER_ID === undefined || process.env.NODE_ENV !== 'test') {
    throw new Error('test database helpers only run under jest');
  }
}
