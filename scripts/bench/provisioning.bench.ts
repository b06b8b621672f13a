/**
 * The provisioning benchmark (issue 5): N Slack users (50,000 by default) in 300 user groups,
 * the synced share chosen by groups, Slack's tier limits on (scaled). Runs the sync as the
 * connector builds it (src/features/provisioning/index.ts `register`) twice: from an empty
 * directory (creates every synced member and their teams), then after about 1% of the users
 * changed in Slack (updates, deactivations, team moves, a few new users). For each run it
 * prints the wall time against the time the rate limits alone force for the Slack calls it
 * made, the database round trips per 1,000 Slack users (by operation), where the time went,
 * and the peak extra memory; then it exports the first run's report to CSV through
 * sendCsvToDm (the App Home's export path) and, when that report is shorter than 50,000
 * lines, a stored 50,000-line report too.
 *
 * The workspace: 1% deleted users, 0.5% bots, 0.5% Slack Connect strangers, the rest people.
 * 300 groups: 20 departments (every person in exactly one, Zipf-like sizes) and 280 other
 * groups (projects, offices, interests; sizes from 8% of the people down to 0.1% of them,
 * members drawn at random, so people are in 0 to several of them). Synced: 60 groups, the
 * 6 departments ranked 4th to 9th in size and 54 other groups (every 5th one), about 40% of
 * the people (the run prints the exact share). Team mapping on: each synced department to
 * its team, 6 synced project groups to one team "Programs" (several groups to one team), and
 * 2 groups outside the synced set to "Leadership" (read, but their members are not synced).
 *
 * The emulator runs in a child process (scripts/bench/child-ipc.ts), so the memory measured
 * is the connector's alone. The store is FerretDB 1.24 on its PostgreSQL backend by default
 * (the local PostgreSQL; a fresh MongoDB database name, dropped at the end).
 *
 * Settings (environment): PROVISIONING_BENCH_USERS (50000), PROVISIONING_BENCH_RATE_SCALE
 * (users / 10,000, at least 1), PROVISIONING_BENCH_STORE (postgresql | sqlite),
 * PROVISIONING_BENCH_POSTGRESQL_URL (FerretDB's default, the local `postgres` database).
 *
 * Why the rate limits are scaled by users / 10,000: users.list and usergroups.users.list are
 * Tier 2 (20 calls a minute, a bucket of 20). The sync reads ceil(N / 200) pages; scaled by
 * N / 10,000 the bucket holds 40% of them, so the limits force (0.6 × N/200) / (20 × N/10,000)
 * = 1.5 minutes of users.list at any size: long enough for the ratio to mean something, short
 * enough to run. At 50,000 users (×5: 100 a minute, a bucket of 100) the 62 group reads fit
 * in their bucket; below about 31,000 users they do not, and the limits force that wait too.
 * Never below ×1: the benchmark is never stricter than Slack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { BENCH_TENANT, benchFeatureDeps } from './bench-deps';
import { runInTenant } from '../../src/tenancy/tenant-scope';
import { startEmbeddedStore } from '../../src/db/embedded-store';
import { ALL_INDEXES } from '../../src/features/index-registry';
import { ensureIndexes } from '../../src/db/indexes';
import type { FeatureDeps } from '../../src/features';
import {
  createProvisioningRepos,
  createSyncService,
  DEFAULT_MAX_DEACTIVATION_SHARE,
  type ProvisioningConfig,
  type SyncAction,
} from '../../src/features/provisioning';
import { REPORT_CSV_HEADER, reportCsvRows, reportFilename } from '../../src/features/provisioning/home/report-csv';
import type { SyncRun } from '../../src/features/provisioning/sync-run.repository';
import { createLogger } from '../../src/platform/logger';
import { sendCsvToDm } from '../../src/slack/csv-to-dm';
import { createSlackEmulator, TIER_LIMITS, type SeedUser, type SlackEmulator } from '../slack-emulator';
import { BenchChild } from './child-ipc';
import { diff, fmt, MB, sampleLoad, sampleRss, seconds, type CallCounts } from './measure';
import { printFigure, type BenchmarkSection, type Figure } from './report';
import { benchStoreName, benchStoreSetting, type BenchStoreSetting } from './bench-store-setting';

const CHILD_FLAG = '--provisioning-bench-emulator';
const TEAM = { id: 'T0PROVBEN1', name: 'Provisioning Bench', domain: 'provisioning-bench' };
/** The issue's report size for the export figure. */
const EXPORT_LINES = 50_000;
const PROGRESS_EVERY_MS = 15_000;
/** Tier 2 methods the sync calls. */
const SYNC_METHODS = ['users.list', 'usergroups.users.list'] as const;

interface Settings extends BenchStoreSetting {
  users: number;
  rateLimitScale: number;
}

function settings(): Settings {
  const users = Number(process.env.PROVISIONING_BENCH_USERS ?? 50_000);
  if (!Number.isInteger(users) || users < 1_000) throw new Error('PROVISIONING_BENCH_USERS must be a whole number ≥ 1000');
  const rateLimitScale = Number(process.env.PROVISIONING_BENCH_RATE_SCALE ?? Math.max(1, users / 10_000));
  if (!(rateLimitScale > 0)) throw new Error('PROVISIONING_BENCH_RATE_SCALE must be a positive number');
  return { users, rateLimitScale, ...benchStoreSetting('PROVISIONING') };
}

// ---------------------------------------------------------------------------------------------
// The workspace: users, groups, the synced set and the team mapping (deterministic for a size)
// ---------------------------------------------------------------------------------------------

const DEPARTMENTS = 20;
const OTHER_GROUPS = 280;
/** Departments synced, by size rank (0 = largest). */
const SYNCED_DEPARTMENTS = [3, 4, 5, 6, 7, 8];
/** Other groups synced: every 5th (54 of 280). */
const SYNCED_OTHER = Array.from({ length: OTHER_GROUPS / 5 - 2 }, (_, i) => i * 5 + 2);
/** Synced other groups mapped to one team together. */
const PROGRAM_GROUPS = SYNCED_OTHER.slice(0, 6);
/** Groups outside the synced set mapped to a team (read for teams only). */
const LEADERSHIP_GROUPS = [1, 3];

function composition(total: number) {
  const bots = Math.max(1, Math.round(total * 0.005));
  const deleted = Math.round(total * 0.01);
  const strangers = Math.round(total * 0.005);
  return { bots, deleted, strangers, humans: total - bots - deleted - strangers };
}

function userId(prefix: string, i: number): string {
  return `U${prefix}${i.toString(36).toUpperCase().padStart(8, '0')}`;
}

const departmentId = (k: number) => `SDEP${k.toString().padStart(6, '0')}`;
const otherGroupId = (j: number) => `SGRP${j.toString().padStart(6, '0')}`;

/** A small seeded PRNG (mulberry32), so a size always gives the same workspace. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Workspace {
  users: SeedUser[];
  groups: Array<{ id: string; handle: string; name: string; users: string[] }>;
  config: ProvisioningConfig;
  /** People in at least one synced group. */
  synced: number;
  humans: number;
  /** Group sizes, for the notes. */
  sizes: { largest: number; median: number; smallest: number; memberships: number };
}

function buildWorkspace(total: number): Workspace {
  const c = composition(total);
  const next = random(total);
  const users: SeedUser[] = [];
  const humans: string[] = [];
  for (let i = 0; i < c.humans; i += 1) {
    const id = userId('H', i);
    humans.push(id);
    users.push({
      id,
      name: `user${i}`,
      real_name: `User ${i}`,
      profile: { email: `user${i}@bench.test`, real_name: `User ${i}`, image_192: `https://avatars.bench.test/${id}_192.png` },
    });
  }
  for (let i = 0; i < c.deleted; i += 1) users.push({ id: userId('D', i), name: `left${i}`, deleted: true, profile: { email: `left${i}@bench.test` } });
  // The app's bot user is added by the emulator: one bot fewer here.
  for (let i = 0; i < c.bots - 1; i += 1) users.push({ id: userId('B', i), name: `bot${i}`, is_bot: true, profile: { email: `bot${i}@bench.test` } });
  for (let i = 0; i < c.strangers; i += 1)
    users.push({ id: userId('S', i), name: `guest${i}`, is_stranger: true, profile: { email: `guest${i}@partner.test` } });

  // Departments: everyone in exactly one, sizes ∝ 1 / rank^0.6.
  const weights = Array.from({ length: DEPARTMENTS }, (_, k) => 1 / (k + 1) ** 0.6);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const departments: string[][] = weights.map(() => []);
  for (const id of humans) {
    let pick = next() * totalWeight;
    let k = 0;
    while (k < DEPARTMENTS - 1 && (pick -= weights[k]!) > 0) k += 1;
    departments[k]!.push(id);
  }
  // Other groups: sizes from 8% of the people down (∝ 1 / rank^0.85), at least 0.1% of them (and 5), random members.
  const smallest = Math.max(5, Math.round(humans.length / 1_000));
  const others: string[][] = [];
  for (let j = 0; j < OTHER_GROUPS; j += 1) {
    const size = Math.min(humans.length, Math.max(smallest, Math.round((0.08 * humans.length) / (j + 1) ** 0.85)));
    const members = new Set<string>();
    while (members.size < size) members.add(humans[Math.floor(next() * humans.length)]!);
    others.push([...members]);
  }
  const groups = [
    ...departments.map((members, k) => ({ id: departmentId(k), handle: `dept-${k}`, name: `Department ${k}`, users: members })),
    ...others.map((members, j) => ({ id: otherGroupId(j), handle: `group-${j}`, name: `Group ${j}`, users: members })),
  ];

  const groupIds = [...SYNCED_DEPARTMENTS.map(departmentId), ...SYNCED_OTHER.map(otherGroupId)];
  const groupToTeam: Record<string, string> = {};
  for (const k of SYNCED_DEPARTMENTS) groupToTeam[departmentId(k)] = `Department ${k}`;
  for (const j of PROGRAM_GROUPS) groupToTeam[otherGroupId(j)] = 'Programs';
  for (const j of LEADERSHIP_GROUPS) groupToTeam[otherGroupId(j)] = 'Leadership';
  const synced = new Set<string>();
  for (const k of SYNCED_DEPARTMENTS) for (const id of departments[k]!) synced.add(id);
  for (const j of SYNCED_OTHER) for (const id of others[j]!) synced.add(id);
  const sorted = groups.map((g) => g.users.length).sort((a, b) => a - b);
  return {
    users,
    groups,
    config: {
      scope: 'groups',
      groupIds,
      teamMapping: { enabled: true, groupToTeam },
      includeGuests: false,
      inviteNewMembers: false,
      maxDeactivationShare: DEFAULT_MAX_DEACTIVATION_SHARE,
    },
    synced: synced.size,
    humans: humans.length,
    sizes: { largest: sorted.at(-1)!, median: sorted[Math.floor(sorted.length / 2)]!, smallest: sorted[0]!, memberships: sorted.reduce((a, b) => a + b, 0) },
  };
}

// ---------------------------------------------------------------------------------------------
// The emulator's child process
// ---------------------------------------------------------------------------------------------

/** What changed in Slack before the second sync. */
interface Changes {
  renamed: number;
  newEmail: number;
  deleted: number;
  leftGroups: number;
  movedDepartment: number;
  joined: number;
}

type ChildRequest = { type: 'start'; users: number; rateLimitScale: number } | { type: 'counts' } | { type: 'change'; share: number } | { type: 'stop' };

type ChildReply =
  | {
      type: 'ready';
      apiUrl: string;
      botToken: string;
      appToken: string;
      seedMs: number;
      slackUsers: number;
      config: ProvisioningConfig;
      synced: number;
      humans: number;
      sizes: Workspace['sizes'];
      adminUserId: string;
    }
  | { type: 'counts'; counts: CallCounts }
  | { type: 'changed'; changes: Changes }
  | { type: 'stopped' };

async function runEmulatorChild(): Promise<void> {
  let emulator: SlackEmulator | undefined;
  let workspace: Workspace | undefined;
  const reply = (message: ChildReply) => process.send!(message);
  process.on('message', (request: ChildRequest) => {
    void (async () => {
      switch (request.type) {
        case 'start': {
          const started = performance.now();
          workspace = buildWorkspace(request.users);
          emulator = await createSlackEmulator({
            seed: { team: TEAM, users: workspace.users, usergroups: workspace.groups },
            rateLimitScale: request.rateLimitScale,
          });
          const { config, synced, humans, sizes } = workspace;
          reply({
            type: 'ready',
            apiUrl: emulator.apiUrl,
            botToken: emulator.botToken,
            appToken: emulator.appToken,
            seedMs: performance.now() - started,
            slackUsers: emulator.state.users.size,
            config,
            synced,
            humans,
            sizes,
            adminUserId: userId('H', 0),
          });
          return;
        }
        case 'counts': {
          const counts: CallCounts = {};
          for (const call of emulator?.calls ?? []) {
            const entry = (counts[call.method] ??= { answered: 0, limited: 0 });
            if (call.status === 429) entry.limited += 1;
            else entry.answered += 1;
          }
          reply({ type: 'counts', counts });
          return;
        }
        case 'change':
          reply({ type: 'changed', changes: changeSlack(emulator!, workspace!, request.share) });
          return;
        case 'stop':
          await emulator?.close();
          reply({ type: 'stopped' });
          process.exit(0);
      }
    })().catch((error: unknown) => {
      process.stderr.write(`[provisioning bench emulator] ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
  });
}

/**
 * Changes `share` of the users in Slack, among the synced people: 40% of the changes rename,
 * 10% change an email, 20% delete the user, 15% take the user out of every group, 5% move
 * the user to another synced department, and 10% are new users joining a synced department.
 */
function changeSlack(emulator: SlackEmulator, workspace: Workspace, share: number): Changes {
  const total = Math.round(emulator.state.users.size * share);
  const want: Changes = {
    renamed: Math.round(total * 0.4),
    newEmail: Math.round(total * 0.1),
    deleted: Math.round(total * 0.2),
    leftGroups: Math.round(total * 0.15),
    movedDepartment: Math.round(total * 0.05),
    joined: Math.round(total * 0.1),
  };
  const groups = emulator.state.usergroups;
  const syncedIds = new Set<string>();
  for (const id of workspace.config.groupIds) for (const user of groups.get(id)!.users) syncedIds.add(user);
  const next = random(total + 1);
  const pool = [...syncedIds];
  const picked = new Set<string>();
  const pick = (): string => {
    for (;;) {
      const id = pool[Math.floor(next() * pool.length)]!;
      if (!picked.has(id)) {
        picked.add(id);
        return id;
      }
    }
  };
  const dropFromGroups = (id: string, only?: (groupId: string) => boolean) => {
    for (const group of groups.values()) if (!only || only(group.id)) group.users = group.users.filter((u) => u !== id);
  };
  for (let i = 0; i < want.renamed; i += 1) {
    const id = pick();
    emulator.updateUser(id, { real_name: `Renamed ${id}`, profile: { real_name: `Renamed ${id}` } });
  }
  for (let i = 0; i < want.newEmail; i += 1) {
    const id = pick();
    emulator.updateUser(id, { profile: { email: `moved-${id.toLowerCase()}@bench.test` } });
  }
  for (let i = 0; i < want.deleted; i += 1) emulator.updateUser(pick(), { deleted: true });
  for (let i = 0; i < want.leftGroups; i += 1) dropFromGroups(pick());
  const syncedDepartments = SYNCED_DEPARTMENTS.map(departmentId);
  let moved = 0;
  for (let i = 0; i < want.movedDepartment * 20 && moved < want.movedDepartment; i += 1) {
    const id = pick();
    const from = syncedDepartments.find((d) => groups.get(d)!.users.includes(id));
    if (!from) continue;
    const to = syncedDepartments[(syncedDepartments.indexOf(from) + 1) % syncedDepartments.length]!;
    dropFromGroups(id, (g) => g === from);
    groups.get(to)!.users.push(id);
    moved += 1;
  }
  for (let i = 0; i < want.joined; i += 1) {
    const id = userId('N', i);
    emulator.addUser({ id, name: `new${i}`, real_name: `New ${i}`, profile: { email: `new${i}@bench.test`, real_name: `New ${i}` } });
    groups.get(syncedDepartments[i % syncedDepartments.length]!)!.users.push(id);
  }
  return { ...want, movedDepartment: moved };
}

// ---------------------------------------------------------------------------------------------
// Measuring: store round trips by operation, memory, time
// ---------------------------------------------------------------------------------------------

/** One kind of store command: count, time spent waiting for it, when it was first and last seen. */
interface OperationStats {
  count: number;
  ms: number;
  first: number;
  last: number;
}

/**
 * Counts the commands a MongoClient sends (`monitorCommands: true`), by operation: the command,
 * its collection and the fields of its filter (`find members {emailKey}`), so a scan on
 * FerretDB (any filter but `{_id}`) shows apart from a lookup by `_id`.
 */
class CommandCounter {
  private stats = new Map<string, OperationStats>();
  private readonly inFlight = new Map<number, { key: string; at: number }>();

  constructor(client: MongoClient) {
    client.on('commandStarted', (event) => {
      if (event.commandName === 'endSessions') return;
      const key = operationKey(event);
      const now = performance.now();
      const entry = this.stats.get(key) ?? { count: 0, ms: 0, first: now, last: now };
      entry.count += 1;
      this.stats.set(key, entry);
      this.inFlight.set(event.requestId, { key, at: now });
    });
    const done = (event: { requestId: number }) => {
      const started = this.inFlight.get(event.requestId);
      if (!started) return;
      this.inFlight.delete(event.requestId);
      const entry = this.stats.get(started.key);
      if (!entry) return;
      const now = performance.now();
      entry.ms += now - started.at;
      entry.last = now;
    };
    client.on('commandSucceeded', done);
    client.on('commandFailed', done);
  }

  /** Starts counting again from zero; returns what was counted so far. */
  reset(): Map<string, OperationStats> {
    const counted = this.stats;
    this.stats = new Map();
    return counted;
  }

  /** A copy of the counts so far, without resetting them. */
  snapshot(): Map<string, OperationStats> {
    return new Map([...this.stats].map(([key, value]) => [key, { ...value }]));
  }
}

function totalOf(stats: Map<string, OperationStats>): number {
  let sum = 0;
  for (const entry of stats.values()) sum += entry.count;
  return sum;
}

function operationKey(event: CommandStartedEvent): string {
  const command = event.command as Record<string, unknown>;
  const name = event.commandName;
  const collection = name === 'getMore' ? command.collection : command[name];
  const shape = (filter: unknown) => (filter && typeof filter === 'object' ? `{${Object.keys(filter).join(',')}}` : '');
  let filter = '';
  if (name === 'find' || name === 'count' || name === 'findAndModify') filter = shape(command.filter ?? command.query);
  else if (name === 'update' || name === 'delete')
    filter = shape(Array.isArray(command.updates ?? command.deletes) ? ((command.updates ?? command.deletes) as Array<{ q?: unknown }>)[0]?.q : undefined);
  return `${name} ${typeof collection === 'string' ? collection : '?'}${filter ? ` ${filter}` : ''}`;
}

/**
 * The time Tier 2 forces on `calls` calls of one method, starting with a full bucket:
 * (calls − burst) / rate. The sync reads users.list, then the groups, one after the other, so
 * the methods' times add up (in any order they could not be shorter than the longest one).
 */
function forcedMs(calls: number, rateLimitScale: number): number {
  const tier2 = TIER_LIMITS.tier2;
  return (Math.max(0, calls - tier2.burst * rateLimitScale) / (tier2.perMinute * rateLimitScale)) * 60_000;
}

/**
 * The top operations by count: `op per-1,000 (count, summed wait)`, or `op count (summed wait)`
 * without `perThousand`.
 */
function breakdown(stats: Map<string, OperationStats>, perThousand: number | undefined, limit = 8): string {
  return [...stats.entries()]
    .sort((a, b) => b[1].count - a[1].count)
    .slice(0, limit)
    .map(([key, s]) =>
      perThousand === undefined
        ? `${key} ${fmt(s.count)} (${seconds(s.ms)})`
        : `${key} ${(s.count / perThousand).toFixed(1)} (${fmt(s.count)}, ${seconds(s.ms)})`,
    )
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

/** The benchmark, as one tenant of the deployment (its jobs run inside that tenant's scope, as the scheduler runs them). */
export function benchProvisioning(): Promise<BenchmarkSection> {
  return runInTenant(BENCH_TENANT, benchProvisioningInTenant);
}

async function benchProvisioningInTenant(): Promise<BenchmarkSection> {
  const s = settings();
  const tier2 = TIER_LIMITS.tier2;
  process.stdout.write(
    `Provisioning sync (${fmt(s.users)} Slack users, 300 groups, rate limits ×${s.rateLimitScale}: Tier 2 = ${tier2.perMinute * s.rateLimitScale}/min, burst ${tier2.burst * s.rateLimitScale})\n`,
  );
  const storeName = benchStoreName(s.store);
  const figures: Figure[] = [];
  const add = (figure: Figure) => {
    figures.push(figure);
    printFigure(figure);
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-bench-provisioning-'));
  const silent = new Writable({ write: (_c, _e, cb) => cb() });
  const { logger } = createLogger({ level: 'warn', destination: silent });
  const dbName = `pigment_bench_provisioning_${Date.now().toString(36)}`;
  const perThousand = s.users / 1_000;
  const load = sampleLoad();

  const setupStarted = performance.now();
  const emulator = BenchChild.fork<ChildRequest, ChildReply>(__filename, CHILD_FLAG);
  const ready = await emulator.request({ type: 'start', users: s.users, rateLimitScale: s.rateLimitScale }, 'ready');
  const callCounts = async (): Promise<CallCounts> => (await emulator.request({ type: 'counts' }, 'counts')).counts;
  const store = await startEmbeddedStore({ dataDir, logger, handler: s.store, ...(s.postgresqlUrl ? { postgresqlUrl: s.postgresqlUrl } : {}) });
  // The client the sync's repositories use, with every command it sends counted.
  const client = await new MongoClient(store.uri, { monitorCommands: true }).connect();
  const counter = new CommandCounter(client);
  try {
    const db = client.db(dbName);
    await ensureIndexes(db, ALL_INDEXES);
    const deps = benchFeatureDeps({ db, logger, slack: ready, storeUri: store.uri, dataDir, teamId: TEAM.id, dbName });
    // As the connector builds it (the mapping feature's hooks are not registered here).
    const repos = createProvisioningRepos(deps.db);
    const sync = createSyncService(deps, repos, { members: deps.members.directory, mapping: deps.mapping.lookup });
    await repos.config.save(ready.config, 'm-bench-admin', new Date());
    const groupReads = new Set([...ready.config.groupIds, ...Object.keys(ready.config.teamMapping.groupToTeam)]).size;
    add({
      name: 'setup',
      value: `${fmt(ready.slackUsers)} Slack users and 300 groups seeded in ${seconds(ready.seedMs)} (emulator in a child process); synced: ${ready.config.groupIds.length} groups, ${fmt(ready.synced)} of ${fmt(ready.humans)} people (${((100 * ready.synced) / ready.humans).toFixed(1)}%)`,
      note: `composition ${JSON.stringify(composition(s.users))}; group sizes ${fmt(ready.sizes.smallest)} to ${fmt(ready.sizes.largest)} (median ${fmt(ready.sizes.median)}, ${fmt(ready.sizes.memberships)} memberships); team mapping on for ${Object.keys(ready.config.teamMapping.groupToTeam).length} groups (6 → "Programs", 2 unsynced → "Leadership"), ${groupReads} groups read; total setup ${seconds(performance.now() - setupStarted)}`,
    });

    const runOnce = async (label: string): Promise<{ run: SyncRun; wallMs: number; applyMs: number }> => {
      global.gc?.();
      counter.reset();
      const baseline = process.memoryUsage().rss;
      const sampler = sampleRss();
      const runLoad = sampleLoad();
      const before = await callCounts();
      const started = performance.now();
      const progress = setInterval(() => {
        void (async () => {
          const now = await callCounts();
          const list = diff(now, before, 'users.list').answered;
          const groups = diff(now, before, 'usergroups.users.list').answered;
          const snapshot = counter.snapshot();
          const stats = [...snapshot.entries()];
          const applied = stats.filter(([key]) => key.startsWith('update sync_actions')).reduce((sum, [, v]) => sum + v.count, 0);
          const inserts = stats.filter(([key]) => key.startsWith('insert members')).reduce((sum, [, v]) => sum + v.count, 0);
          process.stdout.write(
            `    … ${label}: ${seconds(performance.now() - started)}, users.list ${list}, usergroups.users.list ${groups}, store round trips ${fmt(totalOf(snapshot))} (member inserts ${inserts}, failed-line updates ${fmt(applied)}), RSS ${(process.memoryUsage().rss / MB).toFixed(0)} MB\n`,
          );
        })().catch(() => undefined);
      }, PROGRESS_EVERY_MS);
      let outcome;
      try {
        outcome = await sync.run({ kind: 'sync', trigger: 'manual' });
      } finally {
        clearInterval(progress);
      }
      const wallMs = performance.now() - started;
      const peak = sampler.stop();
      const loadDuring = runLoad.stop();
      const after = await callCounts();
      const stats = counter.reset();
      if (!outcome.ran) throw new Error(`the ${label} did not run: ${outcome.reason}`);
      // As stored (usersRead is kept up to date in the store, not on the returned run).
      const run = (await repos.runs.findById(outcome.run.id)) ?? outcome.run;

      const calls = SYNC_METHODS.map((method) => ({ method, ...diff(after, before, method) }));
      const forced = calls.map((c) => forcedMs(c.answered, s.rateLimitScale));
      const floorMs = forced.reduce((a, b) => a + b, 0);
      const longestMs = Math.max(...forced);
      const counts = Object.entries(run.counts)
        .map(([kind, n]) => `${kind} ${fmt(n)}`)
        .join(', ');
      add({ name: `${label}: outcome`, value: `${run.status}; ${counts}; ${fmt(run.usersRead)} Slack users read` });
      const ratio = wallMs / floorMs;
      const applyingMs = started + wallMs - lastOf(stats, 'insert sync_actions');
      const planStoringMs =
        lastOf(stats, 'insert sync_actions') - Math.min(...[...stats.entries()].filter(([k]) => k.startsWith('insert sync_actions')).map(([, v]) => v.first));
      const created = run.counts.created ?? 0;
      // Lines about members that exist (their team additions are left out: most are new members', written with them).
      const existingLines = Object.entries(run.counts)
        .filter(([kind]) => kind !== 'created' && kind !== 'added_to_team')
        .reduce((a, [, n]) => a + (n ?? 0), 0);
      const planned = Object.values(run.counts).reduce((a: number, b) => a + (b ?? 0), 0);
      // Said in the section itself, so a rerun that misses explains why.
      const missed =
        floorMs > 0 && ratio > 1.2
          ? `. MISSED by ${((ratio / 1.2 - 1) * 100).toFixed(0)}% (${seconds(wallMs - 1.2 * floorMs)} over 1.2×): of the ${seconds(wallMs - floorMs)} above the floor, storing and applying the plan's ${fmt(planned)} lines took ${seconds(planStoringMs + applyingMs)} (${fmt(created)} new members, 500 per insert with their teams and mappings${existingLines > 0 ? `; ${fmt(existingLines)} updates, deactivations, reactivations and team removals of existing members, each 2 to 4 store commands: MemberRepository's find by _id, email check and compare-and-set update, or a findAndModify, that FerretDB 1.24 mostly serves by scanning the members collection` : ''}), CPU-bound on cores shared with other work (1-minute load average ${loadDuring.mean.toFixed(1)} on average, ${loadDuring.max.toFixed(1)} at most, during this run)`
          : `; 1-minute load average ${loadDuring.mean.toFixed(1)} on average during this run`;
      add({
        name: `${label}: wall time`,
        value:
          floorMs > 0
            ? `${seconds(wallMs)} against ${seconds(floorMs)} the rate limits force: ratio ${(wallMs / floorMs).toFixed(2)}×`
            : `${seconds(wallMs)}; the rate limits force nothing (every call fit in its bucket)`,
        target: '≤ 1.20×',
        note: `${calls.map((c, i) => `${c.method} ${fmt(c.answered)} calls${c.limited ? ` (+${fmt(c.limited)} refused with 429)` : ''} → ${seconds(forced[i]!)}`).join(', ')}; forced = (calls − burst ${tier2.burst * s.rateLimitScale}) / ${tier2.perMinute * s.rateLimitScale} per min per method, added up as the sync reads users then groups (in parallel the longest alone, ${seconds(longestMs)})${missed}`,
      });
      const phases = phaseTimes(stats, started, started + wallMs);
      add({
        name: `${label}: where the time goes`,
        value: phases,
        note: `store time by operation (summed waits): ${[...stats.entries()]
          .sort((a, b) => b[1].ms - a[1].ms)
          .slice(0, 5)
          .map(([key, v]) => `${key} ${seconds(v.ms)}`)
          .join(', ')}`,
      });
      const total = totalOf(stats);
      add({
        name: `${label}: store round trips per 1,000 Slack users`,
        value: `${(total / perThousand).toFixed(0)} (${fmt(total)} commands for ${fmt(s.users)} users)`,
        note: `by operation, per 1,000 users (total, summed wait): ${breakdown(stats, perThousand)}`,
      });
      add({
        name: `${label}: peak extra memory`,
        value: `${((peak - baseline) / MB).toFixed(0)} MB (RSS ${(baseline / MB).toFixed(0)} MB before, peak ${(peak / MB).toFixed(0)} MB)`,
        target: '< 300 MB',
        note: 'RSS sampled every 100 ms; the connector side only (the emulator and the store are other processes)',
      });
      return { run, wallMs, applyMs: started + wallMs - lastOf(stats, 'insert sync_actions') };
    };

    // ----- first sync: from an empty directory -----
    const { run: first, wallMs: firstMs, applyMs } = await runOnce('first sync (empty directory)');
    if (s.users < 50_000) add(extrapolate(s.users, firstMs, applyMs));

    // ----- second sync: after ~1% of the users changed in Slack -----
    const { changes } = await emulator.request({ type: 'change', share: 0.01 }, 'changed');
    process.stdout.write(`  changed in Slack: ${JSON.stringify(changes)}\n`);
    // The floor assumes a full Tier 2 bucket at the start, as for a daily sync: let the first
    // sync's bucket refill (burst / rate) rather than start the second against an empty one.
    const refillMs = Math.ceil((tier2.burst / tier2.perMinute) * 60_000);
    process.stdout.write(`  waiting ${seconds(refillMs)} for the Tier 2 buckets to refill\n`);
    await new Promise((resolve) => setTimeout(resolve, refillMs));
    await runOnce('second sync (1% changed)');

    // ----- the CSV export of the first run's report -----
    const exportOne = async (label: string, run: SyncRun) => {
      global.gc?.();
      counter.reset();
      const baseline = process.memoryUsage().rss;
      const sampler = sampleRss();
      const started = performance.now();
      const result = await exportReport(deps, repos.runs, run, ready.adminUserId);
      const ms = performance.now() - started;
      const peak = sampler.stop();
      const stats = counter.reset();
      const total = totalOf(stats);
      add({
        name: `${label}: time and memory`,
        value: `${fmt(result.reportLines)} report lines → ${fmt(result.lines)} CSV lines (${(result.bytes / MB).toFixed(1)} MB) in ${seconds(ms)}; peak extra memory ${((peak - baseline) / MB).toFixed(0)} MB`,
        target: '50,000 lines without loading them all in memory',
        note: `sendCsvToDm with reportCsvRows(SyncRunRepository.streamLines), as the App Home export does (member names are on the lines: no lookups); ${fmt(total)} store round trips, by operation (summed waits): ${breakdown(stats, undefined, 4)}`,
      });
    };
    await exportOne('CSV export of the first sync report', first);
    const firstLines = Object.values(first.counts).reduce((a: number, b) => a + (b ?? 0), 0);
    if (firstLines < EXPORT_LINES) {
      const stored = await storeReport(repos.runs, first.id, EXPORT_LINES);
      await exportOne(`CSV export of a stored ${fmt(EXPORT_LINES)}-line report`, stored);
    }
  } finally {
    await client
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
    await store.stop();
    await emulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  add(load.figure());
  const unmeasured = s.users < 50_000 ? '; the 50,000-user target not measured yet, see the extrapolation' : '';
  return { title: `Provisioning sync (${fmt(s.users)} Slack users, 300 groups${unmeasured})`, store: storeName, figures };
}

function lastOf(stats: Map<string, OperationStats>, prefix: string): number {
  return Math.max(...[...stats.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v.last));
}

/**
 * The first sync at 50,000 users, from this smaller run: most of it is the apply phase, lines
 * applied one after another, each a few store round trips that get slower as the store grows
 * (FerretDB 1.24 reads whole collections: the run's report lines, all stored before the
 * apply, and the members it creates). At 50,000 / N times the users there are that many times
 * the lines: the apply takes between k× (each line as fast as here) and k²× (each line slower
 * in proportion to the store's size) this run's; the rest of the run is taken to grow k×, and
 * never below the 1.5 minutes Slack forces at ×5.
 *
 * Before new members' teams went into the same insert as the members, a line applied one by
 * one cost 12.9 ms at 2,000 users, 23.7 ms at 5,000 and 26.5 ms at 10,000 on the PostgreSQL
 * backend (2 cores), about 2,030 store round trips per 1,000 users; now a first sync makes
 * about 24.
 */
function extrapolate(users: number, wallMs: number, applyMs: number): Figure {
  const k = 50_000 / users;
  // Reading Slack takes the same time at any size here: the rate limits are scaled with the
  // users. The apply phase grows between k (constant cost per line) and k² (each line slower
  // as the store grows: FerretDB 1.24 reads whole collections).
  const readMs = Math.max(0, wallMs - applyMs);
  const low = (applyMs * k + readMs) / 60_000;
  const high = (applyMs * k * k + readMs) / 60_000;
  return {
    name: 'first sync at 50,000 users: NOT MEASURED (extrapolated)',
    value: `between ${low.toFixed(1)} and ${high.toFixed(1)} min`,
    target: '≤ 1.2× the rate-limit floor',
    note: `this run applied its plan in ${seconds(applyMs)} and spent ${seconds(readMs)} on the rest (mostly reading Slack, which the scaled limits keep the same at any size); at 50,000 users the apply phase takes between ${k.toFixed(0)}× and ${(k * k).toFixed(0)}× as long`,
  };
}

/**
 * The run's phases from when store operations were first and last seen: reading Slack (until
 * the last users.list page is staged; the directory is read meanwhile), reading the groups and
 * planning (until the plan is stored), storing the plan, and applying it.
 */
function phaseTimes(stats: Map<string, OperationStats>, started: number, ended: number): string {
  const firstOf = (prefix: string) => Math.min(...[...stats.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v.first));
  const lastOf = (prefix: string) => Math.max(...[...stats.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v.last));
  const usersRead = lastOf('insert sync_pages');
  const planStored = firstOf('insert sync_actions');
  const planDone = lastOf('insert sync_actions');
  if (![usersRead, planStored, planDone].every(Number.isFinite)) return `${seconds(ended - started)} (phases not told apart)`;
  return [
    `reading Slack users (the directory read meanwhile) ${seconds(usersRead - started)}`,
    `reading the groups and planning ${seconds(planStored - usersRead)}`,
    `storing the plan ${seconds(planDone - planStored)}`,
    `applying ${seconds(ended - planDone)}`,
  ].join(', ');
}

/** The App Home's export (src/features/provisioning/home/history.ts `exportReport`), without the Bolt action around it. */
async function exportReport(deps: FeatureDeps, runs: ReturnType<typeof createProvisioningRepos>['runs'], run: SyncRun, userId: string) {
  let reportLines = 0;
  async function* counted() {
    for await (const line of runs.streamLines(run.id)) {
      reportLines += 1;
      yield line;
    }
  }
  const result = await sendCsvToDm((await deps.slack.current()).client, {
    userId,
    filename: reportFilename(run),
    title: 'Sync report',
    comment: 'The report of the benchmark sync.',
    header: REPORT_CSV_HEADER,
    rows: reportCsvRows(counted()),
  });
  return { ...result, reportLines };
}

/**
 * Stores a finished run with `lines` report lines, the first run's lines repeated in order
 * (same members, same changes), so the export figure is for the issue's 50,000-line report
 * even when the measured sync planned fewer.
 */
async function storeReport(runs: ReturnType<typeof createProvisioningRepos>['runs'], fromRunId: string, lines: number): Promise<SyncRun> {
  const source: SyncAction[] = [];
  for await (const line of runs.streamLines(fromRunId)) {
    const { runId: _r, seq: _s, outcome: _o, ...action } = line;
    source.push(action);
  }
  const actions = Array.from({ length: lines }, (_, i) => source[i % source.length]!);
  const run = await runs.start('sync', 'manual', new Date());
  await runs.addPlanned(run.id, actions);
  const finishedAt = new Date();
  // Every line applied, as a finished sync leaves it (the watermark past the last line).
  await runs.advanceWatermark(run.id, lines - 1);
  await runs.update(run.id, { status: 'completed', finishedAt });
  return { ...run, status: 'completed', finishedAt, appliedThrough: lines - 1 };
}

if (process.argv.includes(CHILD_FLAG)) void runEmulatorChild();
