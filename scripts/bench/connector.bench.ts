/**
 * The foundation's figures: time from start to ready (embedded store included), the App
 * Home round trip (event in → views.publish out) one at a time and in bursts, and memory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startConnector } from '../../src/app';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/platform/logger';
import { createSlackEmulator } from '../slack-emulator';
import { percentile, printFigure, type BenchmarkSection, type Figure } from './report';

const USERS = 500;

export async function benchConnector(): Promise<BenchmarkSection> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-bench-'));
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: `U${String(i).padStart(8, '0')}`,
    name: `user${i}`,
    profile: { email: `user${i}@bench.test` },
  }));
  // Rate limits scaled far up: this measures the connector, not Slack's views.publish quota.
  const emulator = await createSlackEmulator({ seed: { users }, rateLimitScale: 1_000 });
  const config = parseConfig({
    SLACK_API_URL: emulator.apiUrl,
    SLACK_BOT_TOKEN: emulator.botToken,
    SLACK_APP_TOKEN: emulator.appToken,
    API_TOKEN: 'b'.repeat(40),
    PIGMENT_BASE_URL: 'https://bench.pigment.test',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    DATA_DIR: dataDir,
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
  });
  const logging = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const figures: Figure[] = [];
  const rssBefore = process.memoryUsage().rss;

  const started = performance.now();
  const connector = await startConnector({ config, logging });
  const startMs = performance.now() - started;
  figures.push({ name: 'start to ready (embedded store, cached binary)', value: `${startMs.toFixed(0)} ms` });
  printFigure(figures.at(-1)!);

  try {
    const roundTrip = async (user: string): Promise<number> => {
      const t0 = performance.now();
      const before = emulator.callsOf('views.publish').length;
      await emulator.socket.sendEvent({ type: 'app_home_opened', user, tab: 'home', channel: 'D1', event_ts: '1' });
      while (emulator.callsOf('views.publish').length === before || !emulator.homeViewOf(user)) await new Promise((r) => setImmediate(r));
      return performance.now() - t0;
    };

    const sequential: number[] = [];
    for (let i = 0; i < 200; i += 1) sequential.push(await roundTrip(users[i]!.id));
    sequential.sort((a, b) => a - b);
    figures.push({
      name: 'App Home round trip, one at a time (200 events)',
      value: `p50 ${percentile(sequential, 50).toFixed(1)} ms, p95 ${percentile(sequential, 95).toFixed(1)} ms, max ${sequential.at(-1)!.toFixed(1)} ms`,
      target: 'p95 < 3000 ms (Slack ack deadline)',
    });
    printFigure(figures.at(-1)!);

    const burstStart = performance.now();
    await Promise.all(
      users.slice(200, 500).map((u) => emulator.socket.sendEvent({ type: 'app_home_opened', user: u.id, tab: 'home', channel: 'D1', event_ts: '1' })),
    );
    while (users.slice(200, 500).some((u) => !emulator.homeViewOf(u.id))) await new Promise((r) => setTimeout(r, 5));
    const burstMs = performance.now() - burstStart;
    figures.push({ name: 'App Home burst (300 events at once)', value: `${burstMs.toFixed(0)} ms, ${((300 / burstMs) * 1000).toFixed(0)} homes/s` });
    printFigure(figures.at(-1)!);

    const rssAfter = process.memoryUsage().rss;
    figures.push({
      name: 'resident memory of bench process after the run',
      value: `${(rssAfter / 2 ** 20).toFixed(0)} MB (+${((rssAfter - rssBefore) / 2 ** 20).toFixed(0)} MB)`,
      note: 'includes the emulator in the same process',
    });
    printFigure(figures.at(-1)!);
  } finally {
    await connector.stop();
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { title: 'Connector foundation', store: 'embedded FerretDB 1.24.2, SQLite backend', figures };
}
