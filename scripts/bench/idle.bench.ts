/**
 * The idle benchmark (issue 14, figure 4): what registered and installed tenants cost while
 * nothing happens. The real connector (one process) against the Slack emulator in a child
 * process, the store on FerretDB's PostgreSQL backend by default; tenants and installations
 * are written straight into the store. Measured over an idle window after start-up settles:
 *
 * - resident memory (peak over the window) and CPU seconds per minute of the connector process;
 * - store commands per minute by command name, from the MongoDB driver's command monitoring
 *   (`commandStarted` on the connector's client): every poller and per-minute job;
 * - each schedule that fires less than once a minute (mapping, imports, orphan sweep,
 *   provisioning, retention) run for one tick by hand and priced per minute at its production
 *   cron (those of the settings are moved off the window so no tick is counted twice).
 *
 * The same runs with a tenth of the tenants and installations: the ratio of the two traffic
 * figures says whether store traffic grows with idle tenants.
 *
 * Seeded tenants have no live Slack workspace connected (their workspace document is absent),
 * so their jobs decide to do nothing from the store alone: what is priced is finding out.
 *
 * Settings (environment): IDLE_BENCH_TENANTS (10000), IDLE_BENCH_INSTALLED (1000),
 * IDLE_BENCH_MINUTES (3), IDLE_BENCH_SETTLE_S (60), IDLE_BENCH_STORE (postgresql | sqlite),
 * IDLE_BENCH_POSTGRESQL_URL (FerretDB's default; a fresh MongoDB database name is used and dropped).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { startConnector } from '../../src/app';
import { parseConfig } from '../../src/config';
import { startEmbeddedStore } from '../../src/db/embedded-store';
import { ensureIndexes } from '../../src/db/indexes';
import { ALL_INDEXES } from '../../src/features/index-registry';
import { createLogger } from '../../src/platform/logger';
import { createSlackEmulator } from '../slack-emulator';
import { requestChild, stopChild } from './child-ipc';
import { seedIdleTenants } from './idle-tenants.repository';
import { fmt, MB } from './measure';
import { printFigure, type BenchmarkSection, type Figure } from './report';
import { benchStoreName, benchStoreSetting, type BenchStoreSetting } from './bench-store-setting';

const CHILD_FLAG = '--idle-bench-emulator';
const TEAM = { id: 'T0IDLEBEN', name: 'Idle Bench', domain: 'idle-bench' };
const BASE_URL = 'https://bench.pigment.test';
const KEY = Buffer.alloc(32, 7);
/** The schedules of the settings, moved to 1 January (not in the window); priced by hand instead. */
const OFF_WINDOW = { MAPPING_CRON: '0 0 1 1 *', PROVISIONING_CRON: '1 0 1 1 *', IMPORT_CRON: '2 0 1 1 *' } as const;

interface Settings extends BenchStoreSetting {
  tenants: number;
  installed: number;
  minutes: number;
  settleS: number;
}

function settings(): Settings {
  const tenants = Number(process.env.IDLE_BENCH_TENANTS ?? 10_000);
  const installed = Number(process.env.IDLE_BENCH_INSTALLED ?? 1_000);
  const minutes = Number(process.env.IDLE_BENCH_MINUTES ?? 3);
  const settleS = Number(process.env.IDLE_BENCH_SETTLE_S ?? 60);
  if (!Number.isInteger(tenants) || tenants < 10) throw new Error('IDLE_BENCH_TENANTS must be a whole number ≥ 10');
  if (!Number.isInteger(installed) || installed < 10 || installed > tenants)
    throw new Error('IDLE_BENCH_INSTALLED must be a whole number between 10 and the tenants');
  if (!(minutes > 0)) throw new Error('IDLE_BENCH_MINUTES must be a positive number');
  if (!(settleS >= 0)) throw new Error('IDLE_BENCH_SETTLE_S must be a number ≥ 0');
  return { tenants, installed, minutes, settleS, ...benchStoreSetting('IDLE') };
}

// ---------------------------------------------------------------------------------------------
// The emulator's child process: one Slack workspace, the connector's SLACK_BOT_TOKEN one.
// ---------------------------------------------------------------------------------------------

type ChildReply = { type: 'ready'; apiUrl: string; botToken: string; appToken: string } | { type: 'stopped' };

function runEmulatorChild(): void {
  let close: (() => Promise<void>) | undefined;
  process.on('message', (request: { type: 'start' | 'stop' }) => {
    void (async () => {
      if (request.type === 'start') {
        const emulator = await createSlackEmulator({ seed: { team: TEAM } });
        close = () => emulator.close();
        process.send!({ type: 'ready', apiUrl: emulator.apiUrl, botToken: emulator.botToken, appToken: emulator.appToken } satisfies ChildReply);
        return;
      }
      await close?.();
      process.send!({ type: 'stopped' } satisfies ChildReply);
      process.exit(0);
    })().catch((error: unknown) => {
      process.stderr.write(`[idle bench emulator] ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

/** Store commands by name, counted from the driver's command monitoring. */
type CommandCounts = Record<string, number>;

interface IdleFigures {
  tenants: number;
  installed: number;
  windowMinutes: number;
  rssPeakMb: number;
  cpuSecondsPerMinute: number;
  /** Commands per minute in the idle window, by name. */
  windowPerMinute: CommandCounts;
  /** Commands during start-up settling (the start-up orphan sweep, first polls). */
  settleCommands: number;
  /** Per schedule priced by hand: commands of one tick, and per minute at its production cron. */
  schedules: Array<{ job: string; cron: string; perTick: number; perMinute: number }>;
}

const total = (counts: CommandCounts) => Object.values(counts).reduce((sum, n) => sum + n, 0);
const byName = (counts: CommandCounts) =>
  Object.entries(counts)
    .filter(([, n]) => n >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n.toFixed(1)}`)
    .join(', ') || 'none';

/** Ticks a minute of a node-cron expression of `*`, `*\/n`, lists and numbers with day, month and weekday `*` (every schedule the connector plans). */
export function ticksPerMinute(expression: string): number {
  const fields = expression.trim().split(/\s+/);
  const [sec, min, hour, ...rest] = fields.length === 6 ? fields : ['0', ...fields];
  const count = (field: string, size: number): number => {
    if (field === '*') return size;
    const step = /^\*\/(\d+)$/.exec(field);
    if (step) return Math.ceil(size / Number(step[1]));
    return field.split(',').length;
  };
  const perDay = count(sec!, 60) * count(min!, 60) * count(hour!, 24);
  // Day of month, month and weekday other than `*` are not used by the connector's own schedules.
  return rest.every((field) => field === '*') ? perDay / 1_440 : 0;
}

async function idleRun(
  s: Settings,
  store: { uri: string },
  client: MongoClient,
  slack: { apiUrl: string; botToken: string; appToken: string },
  tenants: number,
  installed: number,
): Promise<IdleFigures> {
  const dbName = `pigment_bench_idle_${tenants}_${Date.now().toString(36)}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-bench-idle-'));
  const logging = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const db = client.db(dbName);
  let connector: Awaited<ReturnType<typeof startConnector>> | undefined;
  try {
    await ensureIndexes(db, ALL_INDEXES);
    await seedIdleTenants(db, tenants, installed, KEY, BASE_URL);
    const base = {
      SLACK_API_URL: slack.apiUrl,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      MONGODB_URI: store.uri,
      MONGODB_DB: dbName,
      API_TOKEN: 'i'.repeat(40),
      PIGMENT_BASE_URL: BASE_URL,
      ENCRYPTION_KEY: KEY.toString('base64'),
      DATA_DIR: dataDir,
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    };
    const production = parseConfig(base).schedules;
    const productionCron: Record<string, string> = {
      [OFF_WINDOW.MAPPING_CRON]: production.mapping,
      [OFF_WINDOW.PROVISIONING_CRON]: production.provisioning,
      [OFF_WINDOW.IMPORT_CRON]: production.imports,
    };
    const counts: CommandCounts = {};
    connector = await startConnector({ config: parseConfig({ ...base, ...OFF_WINDOW }), logging, monitorStoreCommands: true });
    connector.store.client.on('commandStarted', (event) => {
      counts[event.commandName] = (counts[event.commandName] ?? 0) + 1;
    });
    process.stdout.write(`    ${fmt(tenants)} tenants, ${fmt(installed)} installed: started; settling ${s.settleS} s, then idle ${s.minutes} min\n`);
    await new Promise((resolve) => setTimeout(resolve, s.settleS * 1_000));
    const settleCommands = total(counts);

    const before = { ...counts };
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    let rssPeak = process.memoryUsage().rss;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 1_000);
    await new Promise((resolve) => setTimeout(resolve, s.minutes * 60_000));
    clearInterval(sampler);
    const minutes = (performance.now() - startedAt) / 60_000;
    const cpu = process.cpuUsage(cpuBefore);
    const windowPerMinute: CommandCounts = {};
    for (const [name, n] of Object.entries(counts)) windowPerMinute[name] = (n - (before[name] ?? 0)) / minutes;

    const schedules: IdleFigures['schedules'] = [];
    for (const { name, expression } of connector.deps.scheduler.plannedJobs()) {
      const cron = productionCron[expression] ?? expression;
      const rate = ticksPerMinute(cron);
      if (rate >= 1) continue; // fires every minute: measured in the window
      const at = total(counts);
      await connector.deps.scheduler.runPlannedTick(name, new Date());
      const perTick = total(counts) - at;
      schedules.push({ job: name, cron, perTick, perMinute: perTick * rate });
    }
    return {
      tenants,
      installed,
      windowMinutes: minutes,
      rssPeakMb: Math.max(rssPeak, process.memoryUsage().rss) / MB,
      cpuSecondsPerMinute: (cpu.user + cpu.system) / 1e6 / minutes,
      windowPerMinute,
      settleCommands,
      schedules,
    };
  } finally {
    await connector?.stop();
    await db.dropDatabase().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchIdle(): Promise<BenchmarkSection> {
  const s = settings();
  const small = { tenants: Math.round(s.tenants / 10), installed: Math.max(10, Math.round(s.installed / 10)) };
  process.stdout.write(`Idle tenants (${fmt(s.tenants)} registered, ${fmt(s.installed)} installed; and ${fmt(small.tenants)}/${fmt(small.installed)})\n`);
  const storeName = benchStoreName(s.store);
  const figures: Figure[] = [];
  const add = (figure: Figure) => {
    figures.push(figure);
    printFigure(figure);
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-bench-idle-store-'));
  const silent = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const child: ChildProcess = fork(__filename, [CHILD_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const store = await startEmbeddedStore({ dataDir, logger: silent.logger, handler: s.store, ...(s.postgresqlUrl ? { postgresqlUrl: s.postgresqlUrl } : {}) });
  const client = await new MongoClient(store.uri).connect();
  try {
    const slack = await requestChild<ChildReply, 'ready'>(child, { type: 'start' }, 'ready');
    const runs: IdleFigures[] = [];
    for (const size of [small, { tenants: s.tenants, installed: s.installed }]) {
      const run = await idleRun(s, store, client, slack, size.tenants, size.installed);
      runs.push(run);
      const label = `${fmt(run.tenants)} registered / ${fmt(run.installed)} installed`;
      const scheduled = run.schedules.reduce((sum, job) => sum + job.perMinute, 0);
      add({
        name: `${label}: resident memory`,
        value: `${run.rssPeakMb.toFixed(0)} MB (peak over the window)`,
        ...(run.tenants === s.tenants ? { target: '< 300 MB' } : {}),
        note: 'connector process (the emulator and the store run in their own processes)',
      });
      add({
        name: `${label}: CPU`,
        value: `${run.cpuSecondsPerMinute.toFixed(2)} s per minute`,
        note: `connector process, over ${run.windowMinutes.toFixed(1)} idle minutes`,
      });
      add({
        name: `${label}: store commands per minute, pollers and per-minute jobs`,
        value: `${total(run.windowPerMinute).toFixed(1)} (${byName(run.windowPerMinute)})`,
        note: `measured over the idle window; ${fmt(run.settleCommands)} commands while start-up settled`,
      });
      add({
        name: `${label}: store commands per minute, schedules run less often`,
        value: `${scheduled.toFixed(1)} (${run.schedules.map((job) => `${job.job} ${fmt(job.perTick)} per tick on ${job.cron}`).join('; ')})`,
        note: 'one tick of each run by hand, priced at its production cron',
      });
    }
    const idlePerMinute = (run: IdleFigures) => total(run.windowPerMinute) + run.schedules.reduce((sum, job) => sum + job.perMinute, 0);
    const [few, many] = runs as [IdleFigures, IdleFigures];
    add({
      name: 'store commands per minute, all idle work',
      value: `${idlePerMinute(many).toFixed(1)} at ${fmt(many.tenants)}/${fmt(many.installed)}, ${idlePerMinute(few).toFixed(1)} at ${fmt(few.tenants)}/${fmt(few.installed)}: ratio ${(idlePerMinute(many) / Math.max(0.1, idlePerMinute(few))).toFixed(2)} for 10× the tenants`,
      target: 'ratio ≈ 1 (no per-tenant polling; linear growth would be 10)',
    });
    add({
      name: 'resident memory target',
      value: many.rssPeakMb < 300 ? `met (${many.rssPeakMb.toFixed(0)} MB < 300 MB)` : `missed (${many.rssPeakMb.toFixed(0)} MB ≥ 300 MB)`,
    });
  } finally {
    await client.close();
    await store.stop();
    await stopChild(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { title: `Idle tenants (${fmt(s.tenants)} registered, ${fmt(s.installed)} installed)`, store: storeName, figures };
}

if (process.argv.includes(CHILD_FLAG)) runEmulatorChild();
