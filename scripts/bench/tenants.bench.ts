/**
 * Delivery at a vendor's scale (issue 14, figures 1 to 3): many tenants, each installed on its
 * own Slack workspace of one emulator (its own process, each workspace with Slack's own
 * chat.postMessage limits), the store on FerretDB's PostgreSQL backend, connectors in their own
 * processes (tenants-processes.ts); this process seeds, offers and counts.
 *
 * 1. `tenants`: N tenants × 50 mapped members; 100 notifications per tenant POSTed at once
 *    (TENANTS_BENCH_COUNTS, default "10,100"). Delivered per second, the floor Slack's limits
 *    force on the slowest tenant, wall ÷ floor, CPU of each process, the bottleneck.
 * 2. `tenant-processes`: limits off; TENANTS_BENCH_THROUGHPUT_NOTIFICATIONS (50,000) across
 *    TENANTS_BENCH_THROUGHPUT_TENANTS (500) pre-loaded in the outbox, drained by one connector
 *    and then (same backlog again, fresh database) by three: DMs/s, lost, sent twice, store
 *    round trips per delivered notification by operation.
 * 3. `fairness`: 20 tenants each handed one notification a second for TENANTS_BENCH_FAIR_SECONDS
 *    (60), first alone, then with TENANTS_BENCH_BACKLOG (50,000) queued for a 21st tenant;
 *    p99 hand-off → chat.postMessage of the 20 in each phase.
 *
 * Other settings: TENANTS_BENCH_POSTGRESQL_URL (FerretDB's default, the local `postgres`
 * database; a fresh MongoDB database name per run, dropped after), DELIVERY_CONCURRENCY (16).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { MongoClient, type Db } from 'mongodb';
import { startEmbeddedStore, type RunningEmbeddedStore } from '../../src/db/embedded-store';
import { ensureIndexes } from '../../src/db/indexes';
import { ALL_INDEXES } from '../../src/features/index-registry';
import { createLogger } from '../../src/platform/logger';
import { POST_MESSAGE_PER_CHANNEL, POST_MESSAGE_PER_WORKSPACE } from '../slack-emulator';
import { fmt, sampleLoad, seconds } from './measure';
import { cpuSecondsOf, postgresCpu, postgresCpuBetween } from './proc-cpu';
import { percentile, printFigure, type BenchmarkSection, type Figure } from './report';
import { benchMemberId, benchNotification, benchTenantId, preloadNotifications, seedTenants } from './tenant-fleet';
import { ConnectorProcess, EmulatorProcess, type ArrivalSummary, type CommandCounts, type TeamReady } from './tenants-processes';

const USERS_PER_TENANT = 50;
const PER_TENANT = 100;
const API_TOKEN = 't'.repeat(40);
const ENCRYPTION_KEY = Buffer.alloc(32, 7);
const LIMITS_OFF_SCALE = 1_000;
const POSTERS = 32;
const STORE_NAME = 'embedded FerretDB 1.24.2, PostgreSQL backend (local PostgreSQL 15)';

const envNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return value;
};

// ---------------------------------------------------------------------------------------------
// A fleet: store, emulator, seeded tenants, connector processes
// ---------------------------------------------------------------------------------------------

interface Fleet {
  db: Db;
  client: MongoClient;
  store: RunningEmbeddedStore;
  emulator: EmulatorProcess;
  teams: TeamReady[];
  apiUrl: string;
  appToken: string;
  dataDir: string;
}

async function startFleet(tenants: number, rateLimitScale: number): Promise<Fleet> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-bench-tenants-'));
  const silent = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const postgresqlUrl = process.env.TENANTS_BENCH_POSTGRESQL_URL || undefined;
  const store = await startEmbeddedStore({ dataDir, logger: silent.logger, handler: 'postgresql', ...(postgresqlUrl ? { postgresqlUrl } : {}) });
  const client = await new MongoClient(store.uri).connect();
  const { emulator, ready } = await EmulatorProcess.start({ teams: tenants, usersPerTeam: USERS_PER_TENANT, rateLimitScale });
  const fleet: Fleet = { db: client.db('unused'), client, store, emulator, teams: ready.teams, apiUrl: ready.apiUrl, appToken: ready.appToken, dataDir };
  return fleet;
}

/** A fresh database with every tenant seeded. */
async function seedDatabase(fleet: Fleet): Promise<Db> {
  const db = fleet.client.db(`pigment_bench_tenants_${Date.now().toString(36)}`);
  await ensureIndexes(db, ALL_INDEXES);
  const started = Date.now();
  await seedTenants(db, fleet.teams, ENCRYPTION_KEY);
  process.stdout.write(`    seeded ${fmt(fleet.teams.length)} tenants × ${USERS_PER_TENANT} members in ${seconds(Date.now() - started)}\n`);
  fleet.db = db;
  return db;
}

async function startConnectors(fleet: Fleet, count: number): Promise<ConnectorProcess[]> {
  const env: Record<string, string> = {
    SLACK_API_URL: fleet.apiUrl,
    SLACK_APP_TOKEN: fleet.appToken,
    SLACK_CLIENT_ID: '1111111111.2222222222',
    SLACK_CLIENT_SECRET: 'c'.repeat(32),
    SLACK_STATE_SECRET: 's'.repeat(40),
    MONGODB_URI: fleet.store.uri,
    MONGODB_DB: fleet.db.databaseName,
    API_TOKEN,
    PIGMENT_BASE_URL: 'https://bench.pigment.test',
    ENCRYPTION_KEY: ENCRYPTION_KEY.toString('base64'),
    DATA_DIR: fleet.dataDir,
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    DELIVERY_CONCURRENCY: process.env.DELIVERY_CONCURRENCY ?? '16',
  };
  return Promise.all(Array.from({ length: count }, () => ConnectorProcess.start(env)));
}

async function stopFleet(fleet: Fleet): Promise<void> {
  await fleet.client
    .db(fleet.db.databaseName)
    .dropDatabase()
    .catch(() => undefined);
  await fleet.client.close();
  await fleet.store.stop();
  await fleet.emulator.stop();
  fs.rmSync(fleet.dataDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Measuring helpers
// ---------------------------------------------------------------------------------------------

interface CpuReading {
  connectors: number;
  emulator: number;
  ferretdb: number;
  postgres: Map<number, number>;
}

async function readCpu(fleet: Fleet, connectors: ConnectorProcess[]): Promise<CpuReading> {
  const samples = await Promise.all(connectors.map((c) => c.sample()));
  const emulator = (await fleet.emulator.summary()).cpu;
  return {
    connectors: samples.reduce((sum, s) => sum + s.cpu.user + s.cpu.system, 0),
    emulator: emulator.user + emulator.system,
    ferretdb: cpuSecondsOf(fleet.store.pid),
    postgres: postgresCpu(fleet.store.pid),
  };
}

interface CpuSpent {
  connectors: number;
  emulator: number;
  ferretdb: number;
  postgres: number;
}

function cpuBetween(before: CpuReading, after: CpuReading): CpuSpent {
  return {
    connectors: after.connectors - before.connectors,
    emulator: after.emulator - before.emulator,
    ferretdb: after.ferretdb - before.ferretdb,
    postgres: postgresCpuBetween(before.postgres, after.postgres),
  };
}

function describeCpu(cpu: CpuSpent, wallMs: number, connectors: number, loadMean: number): { text: string; busiest: string } {
  const wall = wallMs / 1000;
  const parts: Array<[string, number]> = [
    [connectors === 1 ? 'connector' : `${connectors} connectors`, cpu.connectors],
    ['FerretDB', cpu.ferretdb],
    ['PostgreSQL backends', cpu.postgres],
    ['emulator', cpu.emulator],
  ];
  const total = parts.reduce((sum, [, s]) => sum + s, 0);
  const text = `${parts.map(([name, s]) => `${name} ${s.toFixed(1)} s (${((s / wall) * 100).toFixed(0)}% of a core)`).join(', ')}; together ${(total / wall).toFixed(2)} of ${os.cpus().length} cores`;
  const [busiestName, busiestSeconds] = parts.reduce((a, b) => (b[1] > a[1] ? b : a));
  const store = cpu.ferretdb + cpu.postgres;
  const cores = os.cpus().length;
  const busiest =
    total / wall <= cores * 0.8 && loadMean > cores
      ? `the machine's ${cores} cores, shared with other work (load ${loadMean.toFixed(1)} while our processes kept ${(total / wall).toFixed(2)} busy): every notification waits on its store round trips one after another, each slowed by the queue for a core; of our own CPU the most went to ${busiestName} (${((busiestSeconds / wall) * 100).toFixed(0)}% of a core)`
      : total / wall > cores * 0.8
        ? `the machine's ${os.cpus().length} cores (${(total / wall).toFixed(2)} busy), most of it ${store > cpu.connectors ? `the store (FerretDB + PostgreSQL ${((store / total) * 100).toFixed(0)}%)` : `the connector (${((cpu.connectors / total) * 100).toFixed(0)}%)`}`
        : `${busiestName} (${((busiestSeconds / wall) * 100).toFixed(0)}% of a core)`;
  return { text, busiest };
}

/** Offers notifications by POST, `POSTERS` at a time, in the order given; resolves with the send time of each. */
async function postAll(connectors: ConnectorProcess[], items: ReadonlyArray<{ tenantId: string; id: string; memberId: string }>): Promise<Map<string, number>> {
  const sentAt = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: POSTERS }, async (_, poster) => {
      const connector = connectors[poster % connectors.length]!;
      while (next < items.length) {
        const item = items[next++]!;
        sentAt.set(item.id, Date.now());
        await postOne(connector, item);
      }
    }),
  );
  return sentAt;
}

async function postOne(connector: ConnectorProcess, item: { tenantId: string; id: string; memberId: string }): Promise<void> {
  const response = await fetch(`${connector.url}/api/v1/workspaces/${item.tenantId}/notifications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(benchNotification(item.tenantId, item.id, item.memberId)),
  });
  if (response.status !== 202) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
}

/** The longest one run waits for its notifications (TENANTS_BENCH_MAX_SECONDS, 480). */
const maxRunMs = () => envNumber('TENANTS_BENCH_MAX_SECONDS', 480) * 1000;

/** Polls the emulator until `expected` distinct notifications arrived, or `timeoutMs` passed (then what arrived so far). */
async function waitDelivered(fleet: Fleet, base: number, expected: number, started: number, timeoutMs: number): Promise<ArrivalSummary> {
  let lastProgress = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const summary = await fleet.emulator.summary();
    const delivered = summary.distinct - base;
    if (delivered >= expected) return summary;
    if (Date.now() - lastProgress > 15_000) {
      process.stdout.write(`    … ${fmt(delivered)} of ${fmt(expected)} delivered after ${seconds(Date.now() - started)}\n`);
      lastProgress = Date.now();
    }
    // Past the cap the run stops and reports what it got (a figure, not a failure).
    if (Date.now() - started > timeoutMs) return summary;
  }
}

/** Waits until no notification is left in any tenant's queue (the last outcomes are written after the last post). */
async function waitQueueEmpty(db: Db): Promise<void> {
  for (let i = 0; i < 150 && (await db.collection('notification_queue').countDocuments({})) > 0; i += 1) await new Promise((r) => setTimeout(r, 200));
}

function lostAndTwice(posts: Record<string, number>, ids: readonly string[]): { lost: number; twice: number } {
  let lost = 0;
  let twice = 0;
  for (const id of ids) {
    const n = posts[id] ?? 0;
    if (n === 0) lost += 1;
    if (n > 1) twice += n - 1;
  }
  return { lost, twice };
}

/**
 * How the store runs the delivery path's lookups (an outcome by `_id` inside its tenant, as
 * TenantDb sends it): FerretDB's own explain of the PostgreSQL plan.
 */
async function planOfLookup(db: Db, tenants: number): Promise<Figure> {
  const outcomes = db.collection('notification_outcomes');
  const one = await outcomes.findOne({});
  if (!one) return { name: 'store plan of a lookup by _id', value: 'no outcome to look up' };
  const explained = (await outcomes.find({ _id: one._id, tenantId: one.tenantId }).explain()) as { queryPlanner?: { Plan?: Record<string, unknown> } };
  const plan = explained.queryPlanner?.Plan ?? {};
  const inner = (plan.Plans as Array<Record<string, unknown>> | undefined)?.[0] ?? plan;
  return {
    name: 'store plan of a lookup by _id (notification_outcomes, inside a tenant)',
    value: `${planNodes(plan)} on ${fmt(await outcomes.countDocuments({}))} rows of ${fmt(tenants)} tenants; ${inner.Filter ? 'filter' : 'condition'} ${String(inner.Filter ?? inner['Recheck Cond'] ?? plan.Filter ?? plan['Recheck Cond'])}`,
    note: `FerretDB 1.24 pushes {_id: '<string>'} and {tenantId: '<string>'} down as jsonb containment (@>), which the btree expression indexes it builds for _id_ and tenantId cannot serve; ${
      String(inner['Node Type'] ?? plan['Node Type']).startsWith('Seq')
        ? "without the embedded store's GIN path indexes (--path-indexes), PostgreSQL reads every tenant's rows for each lookup, claim, outcome and delete"
        : "the embedded store's GIN path indexes on (_jsonb -> '_id') and (_jsonb -> 'tenantId') serve it (scripts/embedded-store/path_indexes.go)"
    }; MongoDB answers the same filters from the _id index and the {tenantId: 1, …} indexes, in time independent of other tenants' data`,
  };
}

/** A PostgreSQL plan's nodes, depth first, with the indexes they use: `Bitmap Heap Scan > BitmapAnd > Bitmap Index Scan (pigment_gin_…)`. */
function planNodes(plan: Record<string, unknown>): string {
  const name = `${String(plan['Node Type'])}${plan['Index Name'] ? ` (${String(plan['Index Name'])})` : ''}`;
  const children = (plan.Plans as Array<Record<string, unknown>> | undefined) ?? [];
  return children.length === 0 ? name : `${name} > ${children.map(planNodes).join(', ')}`;
}

// ---------------------------------------------------------------------------------------------
// 1. Aggregate delivery across tenants, Slack's limits on
// ---------------------------------------------------------------------------------------------

/** What Slack's chat.postMessage limits alone force on one tenant's `n` messages over `members` DMs. */
function tenantFloorMs(n: number, members: number): { steadyMs: number; withBurstMs: number } {
  const perChannel = Math.ceil(n / members);
  const ws = POST_MESSAGE_PER_WORKSPACE;
  const ch = POST_MESSAGE_PER_CHANNEL;
  const steadyMs = Math.max(((n - 1) / ws.perMinute) * 60_000, ((perChannel - 1) / ch.perMinute) * 60_000);
  const withBurstMs = Math.max(0, ((n - ws.burst) / ws.perMinute) * 60_000, ((perChannel - ch.burst) / ch.perMinute) * 60_000);
  return { steadyMs, withBurstMs };
}

export async function benchTenants(): Promise<BenchmarkSection> {
  const counts = (process.env.TENANTS_BENCH_COUNTS ?? '10,100').split(',').map((s) => Number(s.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('TENANTS_BENCH_COUNTS must list whole numbers, e.g. 10,100,1000');
  process.stdout.write(
    `Tenants: aggregate delivery (${counts.join(', ')} tenants × ${PER_TENANT} notifications, ${USERS_PER_TENANT} members each, Slack's limits at scale 1)\n`,
  );
  const figures: Figure[] = [];
  const add = (figure: Figure) => {
    figures.push(figure);
    printFigure(figure);
  };
  const floor = tenantFloorMs(PER_TENANT, USERS_PER_TENANT);
  for (const tenants of counts) {
    const fleet = await startFleet(tenants, 1);
    try {
      await measureTenants(fleet, tenants, floor, add, tenants === counts.at(-1));
    } catch (error) {
      // A process that died (e.g. the store refusing connections) is a finding of this size, not the end of the benchmark.
      add({ name: `${fmt(tenants)} tenants`, value: `not measured to the end: ${(error as Error).message.split('\n')[0]}` });
    } finally {
      await stopFleet(fleet).catch(() => undefined);
    }
  }
  return { title: `Tenants: aggregate delivery (${counts.join(', ')} tenants)`, store: STORE_NAME, figures };
}

async function measureTenants(
  fleet: Fleet,
  tenants: number,
  floor: { steadyMs: number; withBurstMs: number },
  add: (figure: Figure) => void,
  last: boolean,
): Promise<void> {
  {
    await seedDatabase(fleet);
    const [connector] = await startConnectors(fleet, 1);
    const load = sampleLoad();
    const items = Array.from({ length: PER_TENANT * tenants }, (_, i) => {
      // Interleaved: every tenant's first notification, then every tenant's second…
      const tenant = i % tenants;
      const k = Math.floor(i / tenants);
      return { tenantId: benchTenantId(tenant), id: `f1-${tenant}-${k}`, memberId: benchMemberId(k % USERS_PER_TENANT) };
    });
    const before = await fleet.emulator.summary();
    const cpuBefore = await readCpu(fleet, [connector!]);
    const started = Date.now();
    let offeredMs = 0;
    const offering = postAll([connector!], items).then(
      () => (offeredMs = Date.now() - started),
      () => undefined,
    );
    const after = await waitDelivered(fleet, before.distinct, items.length, started, maxRunMs());
    const delivered = after.distinct - before.distinct;
    const complete = delivered >= items.length;
    if (complete) await offering;
    const wallMs = (complete ? Math.max(...Object.values(after.lastAtByTeam)) : Date.now()) - started;
    const cpuAfter = await readCpu(fleet, [connector!]);
    if (complete) await waitQueueEmpty(fleet.db);
    const { posts } = await fleet.emulator.arrivals('f1-');
    const { lost, twice } = lostAndTwice(
      posts,
      items.map((item) => item.id),
    );
    const limited = (after.calls['chat.postMessage']?.limited ?? 0) - (before.calls['chat.postMessage']?.limited ?? 0);
    const measuredLoad = load.stop();
    const loadText = measuredLoad.text;
    const cpu = describeCpu(cpuBetween(cpuBefore, cpuAfter), wallMs, 1, measuredLoad.mean);
    const ratio = wallMs / floor.steadyMs;
    add({
      name: `${fmt(tenants)} tenants: delivered per second, wall ÷ floor`,
      value: complete
        ? `${((items.length / wallMs) * 1000).toFixed(1)}/s (${fmt(items.length)} in ${seconds(wallMs)}, offered in ${seconds(offeredMs)}); wall ÷ floor ${ratio.toFixed(2)}`
        : `${((delivered / wallMs) * 1000).toFixed(1)}/s: only ${fmt(delivered)} of ${fmt(items.length)} delivered when the run was stopped at ${seconds(wallMs)} (TENANTS_BENCH_MAX_SECONDS); wall ÷ floor > ${ratio.toFixed(1)}`,
      ...(tenants === 100 ? { target: `≤ 1.1 × floor: ${ratio <= 1.1 ? 'met' : 'missed'}` } : {}),
      note: `floor ${seconds(floor.steadyMs)} for the slowest tenant = (${PER_TENANT} − 1) ÷ ${POST_MESSAGE_PER_WORKSPACE.perMinute}/min per workspace at Slack's steady pace (with the emulator's burst of ${POST_MESSAGE_PER_WORKSPACE.burst} per workspace and ${POST_MESSAGE_PER_CHANNEL.burst} per DM it is ${seconds(floor.withBurstMs)}: ${PER_TENANT} per tenant, ${Math.ceil(PER_TENANT / USERS_PER_TENANT)} per DM); slowest tenant's last message at ${seconds(wallMs)}; chat.postMessage refused with 429: ${fmt(limited)}; ${loadText}`,
    });
    add({
      name: `${fmt(tenants)} tenants: CPU and bottleneck`,
      value: cpu.text,
      note: `bottleneck: ${cpu.busiest}; ${complete ? `lost ${lost}` : 'not all delivered (stopped)'}, sent twice ${twice}; one connector process with ${process.env.DELIVERY_CONCURRENCY ?? '16'} lanes`,
    });
    await connector!.stop();
    if (last) add(await planOfLookup(fleet.db, tenants));
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Limits off: one connector process and three
// ---------------------------------------------------------------------------------------------

interface DrainRun {
  perSecond: number;
  wallMs: number;
  lost: number;
  twice: number;
  commands: CommandCounts;
  delivered: number;
  offered: number;
  cpu: CpuSpent;
  load: { text: string; mean: number };
}

async function drainWith(fleet: Fleet, processes: number, prefix: string, tenants: number, total: number): Promise<DrainRun> {
  const db = await seedDatabase(fleet);
  const ids: string[] = [];
  const perTenant = Math.ceil(total / tenants);
  const loadStarted = Date.now();
  for (let t = 0; t < tenants; t += 1) {
    const batch = Array.from({ length: Math.min(perTenant, total - t * perTenant) }, (_, k) => ({
      id: `${prefix}-${t}-${k}`,
      memberId: benchMemberId(k % USERS_PER_TENANT),
    }));
    if (batch.length === 0) break;
    await preloadNotifications(db, benchTenantId(t), batch);
    ids.push(...batch.map((b) => b.id));
  }
  process.stdout.write(`    pre-loaded ${fmt(ids.length)} notifications in ${seconds(Date.now() - loadStarted)}\n`);
  const load = sampleLoad();
  const before = await fleet.emulator.summary();
  const started = Date.now();
  const connectors = await startConnectors(fleet, processes);
  try {
    return await measureDrain(fleet, db, connectors, ids, prefix, started, before.distinct, load);
  } finally {
    // Every process goes, also when one of them died.
    await Promise.all(connectors.map((c) => c.stop().catch(() => undefined)));
    await db.dropDatabase().catch(() => undefined);
  }
}

async function measureDrain(
  fleet: Fleet,
  db: Db,
  connectors: ConnectorProcess[],
  ids: string[],
  prefix: string,
  started: number,
  base: number,
  load: { stop(): { text: string; mean: number } },
): Promise<DrainRun> {
  await Promise.all(connectors.map((c) => c.sample(true)));
  const cpuBefore = await readCpu(fleet, connectors);
  const after = await waitDelivered(fleet, base, ids.length, started, maxRunMs());
  const complete = after.distinct - base >= ids.length;
  const cpuAfter = await readCpu(fleet, connectors);
  if (complete) await waitQueueEmpty(db);
  const { firstAt, posts } = await fleet.emulator.arrivals(`${prefix}-`);
  const times = Object.values(firstAt);
  const wallMs = Math.max(...times) - Math.min(...times);
  const samples = await Promise.all(connectors.map((c) => c.sample()));
  const commands: CommandCounts = {};
  for (const s of samples) for (const [op, n] of Object.entries(s.commands)) commands[op] = (commands[op] ?? 0) + n;
  const { lost, twice } = lostAndTwice(posts, ids);
  const delivered = ids.length - lost;
  return {
    perSecond: (delivered / wallMs) * 1000,
    wallMs,
    lost: complete ? lost : Number.NaN,
    twice,
    commands,
    delivered,
    offered: ids.length,
    cpu: cpuBetween(cpuBefore, cpuAfter),
    load: load.stop(),
  };
}

function roundTripMix(run: DrainRun): { perNotification: number; mix: string } {
  const total = Object.values(run.commands).reduce((a, b) => a + b, 0);
  const mix = Object.entries(run.commands)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([op, n]) => `${op} ${(n / Math.max(1, run.delivered)).toFixed(2)}`)
    .join('; ');
  return { perNotification: total / Math.max(1, run.delivered), mix };
}

export async function benchTenantProcesses(): Promise<BenchmarkSection> {
  const tenants = envNumber('TENANTS_BENCH_THROUGHPUT_TENANTS', 500);
  const total = envNumber('TENANTS_BENCH_THROUGHPUT_NOTIFICATIONS', 50_000);
  process.stdout.write(`Tenants: one connector process and three (${fmt(total)} notifications across ${fmt(tenants)} tenants, limits off)\n`);
  const figures: Figure[] = [];
  const add = (figure: Figure) => {
    figures.push(figure);
    printFigure(figure);
  };
  const fleet = await startFleet(tenants, LIMITS_OFF_SCALE);
  try {
    const attempt = async (processes: number, prefix: string): Promise<DrainRun | undefined> => {
      try {
        return await drainWith(fleet, processes, prefix, tenants, total);
      } catch (error) {
        // A connector process that died (e.g. the store refusing connections) is a finding, not the end of the benchmark.
        add({ name: `${processes === 1 ? 'one process' : 'three processes'}`, value: `not measured to the end: ${(error as Error).message.split('\n')[0]}` });
        return undefined;
      }
    };
    const one = await attempt(1, 'p1');
    const three = await attempt(3, 'p3');
    if (!one || !three)
      return { title: `Tenants: one connector process and three (${fmt(total)} notifications, ${fmt(tenants)} tenants)`, store: STORE_NAME, figures };
    const ratio = three.perSecond / one.perSecond;
    for (const [name, run, n] of [
      ['one process', one, 1],
      ['three processes', three, 3],
    ] as const) {
      const rt = roundTripMix(run);
      const cpu = describeCpu(run.cpu, run.wallMs, n, run.load.mean);
      add({
        name: `${name}: DMs per second`,
        value: `${run.perSecond.toFixed(1)}/s (${fmt(run.delivered)}${Number.isNaN(run.lost) ? ` of ${fmt(run.offered)}, the run stopped at TENANTS_BENCH_MAX_SECONDS,` : ''} in ${seconds(run.wallMs)}); lost ${Number.isNaN(run.lost) ? 'not known (stopped before the end)' : run.lost}, sent twice ${run.twice}`,
        target: '0 lost, 0 sent twice',
        note: `${cpu.text}; busiest: ${cpu.busiest}; ${run.load.text}`,
      });
      add({
        name: `${name}: store round trips per delivered notification`,
        value: `${rt.perNotification.toFixed(2)}`,
        target: `≤ 5: ${rt.perNotification <= 5 ? 'met' : 'missed'}`,
        note: `by operation (commands ÷ delivered, from the driver's commandStarted events in every connector process): ${rt.mix}`,
      });
    }
    add({
      name: 'three processes ÷ one',
      value: ratio.toFixed(2),
      target: `≥ 1.8: ${ratio >= 1.8 ? 'met' : 'missed'}`,
      note: `measured in one run, one after the other, on one store; ${total === 50_000 && tenants === 500 ? 'the full size' : `scaled down from 50,000 across 500 by TENANTS_BENCH_THROUGHPUT_*`}`,
    });
  } finally {
    await stopFleet(fleet);
  }
  return { title: `Tenants: one connector process and three (${fmt(total)} notifications, ${fmt(tenants)} tenants)`, store: STORE_NAME, figures };
}

// ---------------------------------------------------------------------------------------------
// 3. Fairness: 20 tenants at one a second each, with and without a large backlog elsewhere
// ---------------------------------------------------------------------------------------------

const FAIR_TENANTS = 20;

async function offerSteadily(connector: ConnectorProcess, prefix: string, secondsLong: number): Promise<Map<string, number>> {
  const sentAt = new Map<string, number>();
  const posts: Promise<void>[] = [];
  const started = Date.now();
  for (let s = 0; s < secondsLong; s += 1) {
    const wait = started + s * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let t = 1; t <= FAIR_TENANTS; t += 1) {
      const item = { tenantId: benchTenantId(t), id: `${prefix}-${t}-${s}`, memberId: benchMemberId(s % USERS_PER_TENANT) };
      sentAt.set(item.id, Date.now());
      posts.push(postOne(connector, item));
    }
  }
  await Promise.all(posts);
  return sentAt;
}

async function latencies(fleet: Fleet, prefix: string, sentAt: Map<string, number>): Promise<{ sorted: number[]; lost: number; twice: number }> {
  for (let i = 0; i < 120; i += 1) {
    const { firstAt } = await fleet.emulator.arrivals(`${prefix}-`);
    if (Object.keys(firstAt).length >= sentAt.size) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const { firstAt, posts } = await fleet.emulator.arrivals(`${prefix}-`);
  const sorted = [...sentAt].filter(([id]) => firstAt[id] !== undefined).map(([id, at]) => firstAt[id]! - at);
  sorted.sort((a, b) => a - b);
  return { sorted, ...lostAndTwice(posts, [...sentAt.keys()]) };
}

export async function benchFairness(): Promise<BenchmarkSection> {
  const backlog = envNumber('TENANTS_BENCH_BACKLOG', 50_000);
  const secondsLong = envNumber('TENANTS_BENCH_FAIR_SECONDS', 60);
  process.stdout.write(`Tenants: fairness (${FAIR_TENANTS} tenants at 1/s each for ${secondsLong} s, with and without ${fmt(backlog)} queued for another)\n`);
  const figures: Figure[] = [];
  const add = (figure: Figure) => {
    figures.push(figure);
    printFigure(figure);
  };
  const fleet = await startFleet(FAIR_TENANTS + 1, 1);
  try {
    await seedDatabase(fleet);
    const [connector] = await startConnectors(fleet, 1);
    const loadA = sampleLoad();
    const quiet = await latencies(fleet, 'qa', await offerSteadily(connector!, 'qa', secondsLong));
    const loadQuiet = loadA.stop();
    const loaded = Date.now();
    await preloadNotifications(
      fleet.db,
      benchTenantId(0),
      Array.from({ length: backlog }, (_, k) => ({ id: `bk-${k}`, memberId: benchMemberId(k % USERS_PER_TENANT) })),
    );
    process.stdout.write(`    backlog of ${fmt(backlog)} queued in ${seconds(Date.now() - loaded)}\n`);
    // Let the worker start on the backlog before the others' notifications come.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const loadB = sampleLoad();
    const backlogBefore = Object.keys((await fleet.emulator.arrivals('bk-')).firstAt).length;
    const busyStarted = Date.now();
    const busy = await latencies(fleet, 'qb', await offerSteadily(connector!, 'qb', secondsLong));
    const backlogDuring = Object.keys((await fleet.emulator.arrivals('bk-')).firstAt).length - backlogBefore;
    const loadBusy = loadB.stop();
    const p99Quiet = percentile(quiet.sorted, 99);
    const p99Busy = percentile(busy.sorted, 99);
    const describe = (l: { sorted: number[]; lost: number; twice: number }) =>
      `p50 ${percentile(l.sorted, 50).toFixed(0)} ms, p99 ${percentile(l.sorted, 99).toFixed(0)} ms, max ${l.sorted.at(-1)?.toFixed(0)} ms (${fmt(l.sorted.length)} delivered, ${l.lost} not delivered when the wait ended, sent twice ${l.twice})`;
    add({ name: 'no backlog: hand-off → chat.postMessage', value: describe(quiet), note: loadQuiet.text });
    add({
      name: `backlog of ${fmt(backlog)} for another tenant: hand-off → chat.postMessage`,
      value: describe(busy),
      note: `the backlog tenant got ${fmt(backlogDuring)} delivered meanwhile (${((backlogDuring / (Date.now() - busyStarted)) * 1000).toFixed(1)}/s; Slack allows it ${(POST_MESSAGE_PER_WORKSPACE.perMinute / 60).toFixed(0)}/s); ${loadBusy.text}`,
    });
    add({
      name: 'p99 with the backlog − p99 without',
      value: `${(p99Busy - p99Quiet).toFixed(0)} ms`,
      target: `within 1 s: ${p99Busy - p99Quiet <= 1_000 ? 'met' : 'missed'}`,
      note: `both phases in one run, one connector process, Slack's limits at scale 1; ${backlog === 50_000 ? 'the full backlog' : 'backlog scaled down from 50,000 by TENANTS_BENCH_BACKLOG'}`,
    });
    await connector!.stop();
  } finally {
    await stopFleet(fleet);
  }
  return { title: `Tenants: fairness (backlog ${fmt(backlog)})`, store: STORE_NAME, figures };
}
