/**
 * Starts one embedded store (FerretDB, SQLite backend) for the whole run, building it first
 * if needed; each test file then uses its own database in it (see `store.ts`).
 * With MONGODB_URI set, tests use that server instead. JEST_NO_STORE=1 skips the store for
 * quick emulator-only runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedStore, type RunningEmbeddedStore } from '../../src/db/embedded-store';
import { createLogger } from '../../src/platform/logger';
import { SUITE_LOG_DIR_ENV } from './suite-log';

declare global {
  // eslint-disable-next-line no-var
  var __EMBEDDED_STORE__: { store: RunningEmbeddedStore; dataDir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  // Workers inherit it: every test connector and spawned process writes its output there (see suite-log.ts).
  process.env[SUITE_LOG_DIR_ENV] = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-suite-log-'));
  if (process.env.JEST_NO_STORE === '1') return;
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const { logger } = createLogger({ level: 'info', pretty: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-test-store-'));
  const store = await startEmbeddedStore({ dataDir, logger });
  globalThis.__EMBEDDED_STORE__ = { store, dataDir };
  // Workers inherit the environment of the parent at spawn time.
  process.env.TEST_MONGODB_URI = store.uri;
}
