/**
 * A connector on an embedded store of its own, for tests that stop the store under it (the
 * shared store of the run must never go away).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedStore, type RunningEmbeddedStore } from '../../src/db/embedded-store';
import { createLogger } from '../../src/platform/logger';
import { startTestConnector, type TestConnector } from './connector';

export interface PrivateStoreConnector {
  t: TestConnector;
  store: RunningEmbeddedStore;
  /** Stops the connector, its emulator and the store (whether or not the test stopped it), and removes the store's files. */
  stop(): Promise<void>;
}

export async function startConnectorOnPrivateStore(label: string, options: Parameters<typeof startTestConnector>[0] = {}): Promise<PrivateStoreConnector> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `pigment-${label}-`));
  const store = await startEmbeddedStore({ dataDir, logger: createLogger({ level: 'silent' }).logger });
  let t: TestConnector;
  try {
    t = await startTestConnector({ label, ...options, env: { ...options.env, MONGODB_URI: store.uri } });
  } catch (error) {
    await store.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    t,
    store,
    stop: async () => {
      // Not t.stop(): it drops the test database, which a stopped store cannot do.
      await t.connector.stop();
      await t.emulator.close();
      await store.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
