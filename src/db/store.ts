/**
 * The MongoDB connection: the official driver against `MONGODB_URI`, or against the embedded
 * store when no URI is set.
 */
import { MongoClient, type Db } from 'mongodb';
import type { Logger } from '../platform/logger';
import { startEmbeddedStore, type RunningEmbeddedStore } from './embedded-store';

export interface Store {
  client: MongoClient;
  db: Db;
  /** Set when this process started the embedded store. */
  embedded?: RunningEmbeddedStore;
  /** True when the server answers a ping within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** Closes the connection, then stops the embedded store if this process started it. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  uri: string | undefined;
  dbName: string;
  dataDir: string;
  logger: Logger;
  /** Emit the driver's command events (`commandStarted`…): benchmarks count store round trips with them. */
  monitorCommands?: boolean;
}

/** Connects (starting the embedded store first when `uri` is unset) and checks the server answers. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const embedded = options.uri
    ? undefined
    : await startEmbeddedStore({ dataDir: options.dataDir, logger: options.logger.child({ component: 'embedded-store' }) });
  const uri = options.uri ?? embedded!.uri;
  const client = new MongoClient(uri, {
    appName: 'pigment-slack-connector',
    // Fail fast while the store is down, so the HTTP API can answer 503 instead of hanging.
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    ...(options.monitorCommands ? { monitorCommands: true } : {}),
  });
  try {
    await client.connect();
    await client.db(options.dbName).command({ ping: 1 });
  } catch (error) {
    await client.close().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
  options.logger.info({ embedded: embedded !== undefined, db: options.dbName }, 'store connected');
  const db = client.db(options.dbName);
  return {
    client,
    db,
    embedded,
    ping: (timeoutMs = 1_000) => pingWithin(db, timeoutMs),
    close: async () => {
      try {
        await client.close();
      } finally {
        await embedded?.stop();
      }
    },
  };
}

async function pingWithin(db: Db, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      db.command({ ping: 1 }).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
