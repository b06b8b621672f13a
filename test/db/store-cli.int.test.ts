/**
 * `npm run store`: the embedded store alone, printing the MONGODB_URI for connector processes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { MongoClient } from 'mongodb';
import { exitOf, spawnTs } from '../support/processes';

describe('npm run store', () => {
  it('prints a MONGODB_URI that accepts connections, keeps data in --data-dir, and stops on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-store-cli-'));
    const child = spawnTs('scripts/store.ts', ['--data-dir', dataDir, '--port', '0'], { PATH: process.env.PATH, HOME: process.env.HOME });
    const uri = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no MONGODB_URI line')), 60_000);
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = /^MONGODB_URI=(mongodb:\/\/127\.0\.0\.1:\d+\/)$/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const client = await new MongoClient(uri).connect();
    await client.db('shared').collection('probe').insertOne({ ok: 1 });
    await client.close();
    expect(fs.readdirSync(path.join(dataDir, 'store')).some((f) => f.startsWith('shared'))).toBe(true);
    child.kill('SIGTERM');
    expect((await exitOf(child)).code).toBe(0);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a bad --handler with a clear message', async () => {
    const child = spawnTs('scripts/store.ts', ['--handler', 'mysql'], { PATH: process.env.PATH, HOME: process.env.HOME });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    expect((await exitOf(child)).code).toBe(1);
    expect(stderr).toContain('--handler must be sqlite or postgresql');
  });
});
