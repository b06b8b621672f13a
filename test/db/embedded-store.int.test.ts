import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { embeddedStorePaths, ensureEmbeddedStoreBinary, startEmbeddedStore } from '../../src/db/embedded-store';
import { EmbeddedStoreError } from '../../src/platform/errors';
import { createLogger } from '../../src/platform/logger';
import { isAlive, spawnTs, waitForExit, waitForJsonLine } from '../support/processes';

const { logger } = createLogger({ level: 'silent' });

describe('embedded store', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-store-test-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('caches the binary under a hash of its Go sources', () => {
    const paths = embeddedStorePaths();
    expect(paths.binary).toMatch(/\.cache\/embedded-store\/[0-9a-f]{16}\/embedded-store$/);
    expect(fs.existsSync(paths.binary)).toBe(true); // built by the global setup
  });

  it('without Go, says to set MONGODB_URI or install Go', async () => {
    const paths = { sourceDir: embeddedStorePaths().sourceDir, binary: path.join(dataDir, 'not-built', 'embedded-store') };
    const failure = ensureEmbeddedStoreBinary(logger, paths, () => undefined);
    await expect(failure).rejects.toBeInstanceOf(EmbeddedStoreError);
    await expect(failure).rejects.toMatchObject({ code: 'go_missing', message: expect.stringMatching(/set MONGODB_URI .* or install Go/) });
  });

  it('listens on a free port, keeps data in DATA_DIR/store across restarts, and stops', async () => {
    const first = await startEmbeddedStore({ dataDir, logger });
    expect(first.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    let client = await new MongoClient(first.uri).connect();
    await client
      .db('kept')
      .collection('things')
      .insertOne({ _id: 'a' as never, n: 1 });
    await client.close();
    await first.stop();
    expect(isAlive(first.pid)).toBe(false);
    expect(fs.readdirSync(path.join(dataDir, 'store')).some((f) => f.startsWith('kept'))).toBe(true);

    const second = await startEmbeddedStore({ dataDir, logger });
    client = await new MongoClient(second.uri).connect();
    expect(
      await client
        .db('kept')
        .collection('things')
        .findOne({ _id: 'a' as never }),
    ).toMatchObject({ n: 1 });
    await client.close();
    await second.stop();
  });

  it('never outlives a parent that is killed with SIGKILL', async () => {
    const parent = spawnTs('test/fixtures/start-embedded-store.ts', [dataDir]);
    const { storePid } = await waitForJsonLine<{ storePid: number }>(parent, (v) => typeof v.storePid === 'number');
    expect(isAlive(storePid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitForExit(storePid, 10_000)).toBe(true);
  });
});

describe('embedded store build lock', () => {
  it('takes over a lock left by a builder that died, instead of waiting for ever', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-lock-test-'));
    const binary = path.join(dir, 'hash', 'embedded-store');
    const lockDir = `${path.dirname(binary)}.lock`;
    fs.mkdirSync(lockDir, { recursive: true });
    // A pid that cannot exist: the builder that held the lock is gone.
    fs.writeFileSync(path.join(lockDir, 'pid'), '2147483646');
    // A fake `go` that "builds" by writing the output file, so no real build runs.
    const fakeGo = path.join(dir, 'fake-go');
    fs.writeFileSync(
      fakeGo,
      '#!/bin/sh\nif [ "$1" = version ]; then echo "go version fake"; exit 0; fi\nwhile [ $# -gt 0 ]; do if [ "$1" = -o ]; then shift; touch "$1"; fi; shift; done\n',
    );
    fs.chmodSync(fakeGo, 0o755);
    const built = await ensureEmbeddedStoreBinary(logger, { sourceDir: dir, binary }, () => fakeGo);
    expect(built).toBe(binary);
    expect(fs.existsSync(binary)).toBe(true);
    expect(fs.existsSync(lockDir)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
