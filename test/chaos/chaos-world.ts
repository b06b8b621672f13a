/**
 * The chaos suite's world (issue 7): one private store that can be stopped and started again
 * on the same port, one Slack emulator, and connector processes (`src/index.ts`, as `npm start`
 * runs it) that can be killed and restarted. The store is FerretDB on PostgreSQL when the
 * machine's PostgreSQL answers (real indexes, as in the benchmarks), else on SQLite.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { TenantDb, type CollectionSource } from '../../src/db/tenant-collection';
import { createSlackEmulator, type SeedUser, type SlackEmulator } from '../../scripts/slack-emulator';
import { startEmbeddedStore, type RunningEmbeddedStore } from '../../src/db/embedded-store';
import { createLogger } from '../../src/platform/logger';
import { TEST_SECRETS, validEnv } from '../support/factories';
import { exitOf, spawnTs, waitForJsonLine } from '../support/processes';
import { registerSuiteSecret } from '../support/suite-log';

export const BASE_URL = 'https://acme.pigment.test';
export const AUTH_JSON = { authorization: `Bearer ${TEST_SECRETS.apiToken}`, 'content-type': 'application/json' };

export interface ConnectorProcess {
  name: string;
  child: ChildProcess;
  /** The HTTP API's base URL. */
  url: string;
}

export interface ChaosWorld {
  emulator: SlackEmulator;
  storeHandler: 'postgresql' | 'sqlite';
  /** The store's URI (the same after a restart: same port). */
  storeUri: string;
  dbName: string;
  /**
   * The test's own connection to the connectors' database (reconnects after an outage),
   * scoped like the connector's: the default workspace's documents, with their own ids.
   */
  db: CollectionSource;
  processes: ConnectorProcess[];
  startProcess(name: string): Promise<ConnectorProcess>;
  /** SIGKILL, as a crash would; resolves once the process is gone. */
  killProcess(process: ConnectorProcess): Promise<void>;
  stopStore(): Promise<void>;
  startStore(): Promise<void>;
  /** Stops the processes, drops the database and closes the emulator. */
  close(): Promise<void>;
}

async function postgresqlAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: 5432 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });
}

export async function createChaosWorld(options: { users: SeedUser[]; env?: Record<string, string> }): Promise<ChaosWorld> {
  const { logger } = createLogger({ level: 'silent' });
  const storeHandler = (await postgresqlAnswers()) ? 'postgresql' : 'sqlite';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-chaos-'));
  let store: RunningEmbeddedStore | undefined = await startEmbeddedStore({ dataDir, logger, handler: storeHandler });
  const uri = store.uri;
  const port = Number(new URL(uri).port);
  const emulator = await createSlackEmulator({
    // Slack's limits for a distributed app outside the Marketplace: DM history once a minute (scaled), 15 messages a page.
    seed: { team: { id: 'T0CHAOS001', name: 'Acme Chaos', domain: 'acme-chaos', distributed_app: true }, users: options.users },
    rateLimitScale: 50,
  });
  registerSuiteSecret('Slack emulator bot token', emulator.botToken);
  registerSuiteSecret('Slack emulator app token', emulator.appToken);
  const dbName = `chaos_${Date.now().toString(36)}`;
  const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 60_000 }).connect();
  const processes: ConnectorProcess[] = [];

  const world: ChaosWorld = {
    emulator,
    storeHandler,
    storeUri: uri,
    dbName,
    db: new TenantDb(client.db(dbName)),
    processes,
    async startProcess(name) {
      const child = spawnTs('src/index.ts', [], {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...validEnv({ SLACK_API_URL: emulator.apiUrl, SLACK_BOT_TOKEN: emulator.botToken, SLACK_APP_TOKEN: emulator.appToken, PIGMENT_BASE_URL: BASE_URL }),
        MONGODB_URI: uri,
        MONGODB_DB: dbName,
        HTTP_PORT: '0',
        LOG_LEVEL: 'info',
        ...options.env,
      });
      const listening = await waitForJsonLine<{ msg?: string; url?: string }>(child, (line) => line.msg === 'HTTP API listening', 60_000);
      await waitForJsonLine<{ msg?: string }>(child, (line) => line.msg === 'connector started', 60_000);
      const started = { name, child, url: listening.url! };
      processes.push(started);
      return started;
    },
    async killProcess(target) {
      const exited = exitOf(target.child);
      target.child.kill('SIGKILL');
      await exited;
      processes.splice(processes.indexOf(target), 1);
    },
    async stopStore() {
      await store?.stop();
      store = undefined;
    },
    async startStore() {
      store = await startEmbeddedStore({ dataDir, logger, handler: storeHandler, port });
    },
    async close() {
      await Promise.all(
        processes.splice(0).map(async (p) => {
          const exited = exitOf(p.child);
          p.child.kill('SIGTERM');
          await exited;
        }),
      );
      await client
        .db(dbName)
        .dropDatabase()
        .catch(() => undefined);
      await client.close();
      await emulator.close();
      await store?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}
