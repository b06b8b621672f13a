/**
 * The mapping benchmark (issue 3): 100,000 Slack users in the emulator, 100,000 members in the
 * store, Slack's tier limits on (scaled). Measures the full matching pass (wall time against
 * the time the rate limits alone force, Slack calls against the minimum, peak extra memory)
 * and then a scheduled pass after 50 new members (its Slack calls).
 *
 * The emulator runs in a child process, so the memory measured is the connector's alone and
 * the emulator's work does not share the connector's event loop. The store is the embedded
 * one (FerretDB 1.24, SQLite backend) unless MAPPING_BENCH_POSTGRESQL_URL names an existing,
 * empty PostgreSQL database (then FerretDB's PostgreSQL backend).
 *
 * Settings (environment): MAPPING_BENCH_USERS (100000), MAPPING_BENCH_RATE_SCALE (10),
 * MAPPING_BENCH_POSTGRESQL_URL (unset).
 *
 * Why the rate limits are scaled by 10 and not more: the emulator's token buckets hold a
 * minute's allowance, so at scale 100 Tier 2 allows a burst of 2,000 calls and the whole
 * 500-call pass would never meet a limit. At scale 10 (200 calls a minute, burst 200) the
 * limits force (500 − 200) / 200 = 1.5 minutes, which the pass must come close to.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { BENCH_TENANT, benchFeatureDeps } from './bench-deps';
import { runInTenant } from '../../src/tenancy/tenant-scope';
import { TenantDb } from '../../src/db/tenant-collection';
import { startEmbeddedStore } from '../../src/db/embedded-store';
import { ALL_INDEXES } from '../../src/features/index-registry';
import { ensureIndexes } from '../../src/db/indexes';
import { createMapping, HOME_COUNTS_BUDGET_MS } from '../../src/features/mapping';
import { fullPassCost, lookupsCost } from '../../src/features/mapping/mapping-strategy';
import type { Member } from '../../src/features/members/member.types';
import { createLogger } from '../../src/platform/logger';
import { createSlackEmulator, TIER_LIMITS, type SeedUser, type SlackEmulator } from '../slack-emulator';
import { BenchDataRepository } from './bench-data.repository';
import { BenchChild } from './child-ipc';
import { diff, fmt, MB, sampleRss, seconds, type CallCounts } from './measure';
import { printFigure, type BenchmarkSection, type Figure } from './report';

const CHILD_FLAG = '--mapping-bench-emulator';
const TEAM = { id: 'T0BENCH001', name: 'Mapping Bench', domain: 'mapping-bench' };
const NEW_MEMBERS = 50;

interface BenchSettings {
  users: number;
  rateLimitScale: number;
  postgresqlUrl: string | undefined;
}

function settings(): BenchSettings {
  const users = Number(process.env.MAPPING_BENCH_USERS ?? 100_000);
  const rateLimitScale = Number(process.env.MAPPING_BENCH_RATE_SCALE ?? 10);
  if (!Number.isInteger(users) || users < 1_000) throw new Error('MAPPING_BENCH_USERS must be a whole number ≥ 1000');
  if (!(rateLimitScale > 0)) throw new Error('MAPPING_BENCH_RATE_SCALE must be a positive number');
  return { users, rateLimitScale, postgresqlUrl: process.env.MAPPING_BENCH_POSTGRESQL_URL || undefined };
}

/**
 * A workspace of `total` Slack users like a real one: 1% deactivated (their members are
 * deactivated in Pigment too), 0.5% bots (the app's own included), 0.5% Slack Connect guests,
 * the rest active people. Members: one per active person, one per deactivated user, and
 * deactivated former members without Slack accounts up to `total`; so every member that may
 * be mapped can be, and the incremental pass starts from zero unmapped members.
 */
function composition(total: number) {
  const bots = Math.max(1, Math.round(total * 0.005));
  const deleted = Math.round(total * 0.01);
  const strangers = Math.round(total * 0.005);
  return { bots, deleted, strangers, humans: total - bots - deleted - strangers };
}

function userId(prefix: string, i: number): string {
  return `U${prefix}${i.toString(36).toUpperCase().padStart(8, '0')}`;
}

function* seedUsers(total: number): Generator<SeedUser> {
  const c = composition(total);
  for (let i = 0; i < c.humans; i += 1) yield { id: userId('H', i), name: `user${i}`, real_name: `User ${i}`, profile: { email: `user${i}@bench.test` } };
  for (let i = 0; i < c.deleted; i += 1) yield { id: userId('D', i), name: `left${i}`, deleted: true, profile: { email: `left${i}@bench.test` } };
  // The app's bot user is added by the emulator: one bot fewer here.
  for (let i = 0; i < c.bots - 1; i += 1) yield { id: userId('B', i), name: `bot${i}`, is_bot: true, profile: { email: `bot${i}@bench.test` } };
  for (let i = 0; i < c.strangers; i += 1) yield { id: userId('S', i), name: `guest${i}`, is_stranger: true, profile: { email: `guest${i}@partner.test` } };
}

function* benchMembers(total: number, now: Date): Generator<Member> {
  const c = composition(total);
  const member = (id: string, email: string, status: Member['status']): Member => ({
    id,
    name: `Member ${id}`,
    email,
    emailKey: email,
    accountType: 'standard_member',
    status,
    groups: [],
    source: 'api',
    createdAt: now,
    updatedAt: now,
  });
  for (let i = 0; i < c.humans; i += 1) yield member(`m-${i}`, `user${i}@bench.test`, i % 3 === 0 ? 'pending' : 'activated');
  for (let i = 0; i < c.deleted; i += 1) yield member(`m-left-${i}`, `left${i}@bench.test`, 'deactivated');
  for (let i = 0; i < total - c.humans - c.deleted; i += 1) yield member(`m-former-${i}`, `former${i}@bench.test`, 'deactivated');
}

// ---------------------------------------------------------------------------------------------
// The emulator's child process
// ---------------------------------------------------------------------------------------------

type ChildRequest = { type: 'start'; users: number; rateLimitScale: number } | { type: 'counts' } | { type: 'addUsers'; users: SeedUser[] } | { type: 'stop' };

type ChildReply =
  | { type: 'ready'; apiUrl: string; botToken: string; appToken: string; seedMs: number; users: number }
  | { type: 'counts'; counts: CallCounts }
  | { type: 'added' }
  | { type: 'stopped' };

async function runEmulatorChild(): Promise<void> {
  let emulator: SlackEmulator | undefined;
  const reply = (message: ChildReply) => process.send!(message);
  process.on('message', (request: ChildRequest) => {
    void (async () => {
      switch (request.type) {
        case 'start': {
          const started = performance.now();
          emulator = await createSlackEmulator({ seed: { team: TEAM, users: [...seedUsers(request.users)] }, rateLimitScale: request.rateLimitScale });
          reply({
            type: 'ready',
            apiUrl: emulator.apiUrl,
            botToken: emulator.botToken,
            appToken: emulator.appToken,
            seedMs: performance.now() - started,
            users: emulator.state.users.size,
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
        case 'addUsers':
          for (const user of request.users) emulator?.addUser(user);
          reply({ type: 'added' });
          return;
        case 'stop':
          await emulator?.close();
          reply({ type: 'stopped' });
          process.exit(0);
      }
    })().catch((error: unknown) => {
      process.stderr.write(`[mapping bench emulator] ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

/** The benchmark, as one tenant of the deployment (its jobs run inside that tenant's scope, as the scheduler runs them). */
export function benchMapping(): Promise<BenchmarkSection> {
  return runInTenant(BENCH_TENANT, benchMappingInTenant);
}

async function benchMappingInTenant(): Promise<BenchmarkSection> {
  const { users, rateLimitScale, postgresqlUrl } = settings();
  process.stdout.write(`Mapping (${fmt(users)} Slack users, rate limits ×${rateLimitScale})\n`);
  const storeName = postgresqlUrl ? 'embedded FerretDB 1.24.2, PostgreSQL backend (local PostgreSQL)' : 'embedded FerretDB 1.24.2, SQLite backend';
  const figures: Figure[] = [];
  const add = (figure: Figure) => {
    figures.push(figure);
    printFigure(figure);
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigment-bench-mapping-'));
  const silent = new Writable({ write: (_c, _e, cb) => cb() });
  const { logger } = createLogger({ level: 'warn', destination: silent });

  const setupStarted = performance.now();
  const emulator = BenchChild.fork<ChildRequest, ChildReply>(__filename, CHILD_FLAG);
  const ready = await emulator.request({ type: 'start', users, rateLimitScale }, 'ready');
  const callCounts = async (): Promise<CallCounts> => (await emulator.request({ type: 'counts' }, 'counts')).counts;
  const store = await startEmbeddedStore({ dataDir, logger, handler: postgresqlUrl ? 'postgresql' : 'sqlite', postgresqlUrl });
  const client = await new MongoClient(store.uri).connect();
  try {
    const db = client.db('pigment_bench_mapping');
    await ensureIndexes(db, ALL_INDEXES);
    const insertStarted = performance.now();
    const inserted = await new BenchDataRepository(new TenantDb(db)).insertMembers(benchMembers(users, new Date()));
    const insertMs = performance.now() - insertStarted;
    add({
      name: 'setup',
      value: `${fmt(ready.users)} Slack users seeded in ${seconds(ready.seedMs)} (emulator in a child process), ${fmt(inserted)} members inserted in ${seconds(insertMs)}`,
      note: `composition: ${JSON.stringify(composition(users))}; total setup ${seconds(performance.now() - setupStarted)}`,
    });

    const deps = benchFeatureDeps({ db, logger, slack: ready, storeUri: store.uri, dataDir, teamId: TEAM.id });
    await deps.workspace.attach({ id: TEAM.id, name: TEAM.name });
    const now = new Date();
    const admin: Member = {
      id: 'm-bench-admin',
      name: 'Bench Admin',
      email: 'admin@bench.test',
      emailKey: 'admin@bench.test',
      accountType: 'security_admin',
      status: 'activated',
      groups: [],
      source: 'api',
      createdAt: now,
      updatedAt: now,
    };
    const live = await deps.workspace.acknowledge({ slackUserId: 'U0BENCHADM', member: admin });
    if (!live.ok) throw new Error(`could not make the workspace live: ${live.reason}`);
    const { service } = deps.mapping;

    // ----- full pass -----
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    const sampler = sampleRss();
    const before = await callCounts();
    const started = performance.now();
    const full = await service.runFullPass();
    const wallMs = performance.now() - started;
    const peak = sampler.stop();
    const after = await callCounts();
    if (!full.ran) throw new Error(`the full pass did not run: ${full.reason}`);

    const list = diff(after, before, 'users.list');
    const tier2 = TIER_LIMITS.tier2;
    const perMinute = tier2.perMinute * rateLimitScale;
    const burst = tier2.burst * rateLimitScale;
    const floorMs = (Math.max(0, list.answered - burst) / perMinute) * 60_000;
    const steadyMs = (list.answered / perMinute) * 60_000;
    const minimum = fullPassCost(ready.users).calls;
    add({
      name: 'full pass: wall time',
      value: `${seconds(wallMs)} (reading members and mappings ${seconds(full.readMs)}, then ${fmt(full.pages)} pages)`,
      target: '≤ 1.2× the rate-limit floor',
      note: `rate limits ×${rateLimitScale}: users.list Tier 2 = ${perMinute}/min, burst ${burst}`,
    });
    add({
      name: 'full pass: time the rate limits alone force',
      value:
        floorMs > 0
          ? `${seconds(floorMs)} = (${list.answered} calls − ${burst} burst) / ${perMinute} per min; ratio wall/floor ${(wallMs / floorMs).toFixed(2)}×`
          : `none: ${list.answered} calls fit in the burst of ${burst} (lower MAPPING_BENCH_RATE_SCALE to measure against the limits)`,
      target: '≤ 1.20×',
      note: `at the steady rate alone (calls / rate, no burst) ${seconds(steadyMs)}: ratio ${(wallMs / steadyMs).toFixed(2)}×`,
    });
    add({
      name: 'full pass: Slack calls',
      value: `${fmt(list.answered)} users.list calls answered, minimum possible ${fmt(minimum)} = ceil(${fmt(ready.users)} / 200); ${fmt(list.limited)} more refused with 429 and retried after Retry-After`,
      target: `${fmt(minimum)}`,
      note: `users.lookupByEmail ${diff(after, before, 'users.lookupByEmail').answered}`,
    });
    add({
      name: 'full pass: outcome',
      value: `${fmt(full.created)} mapped; skipped: ${fmt(full.skipped.deleted)} deleted, ${fmt(full.skipped.bots)} bots, ${fmt(full.skipped.strangers)} strangers, ${fmt(full.skipped.noEmail)} without email; unmatched ${fmt(full.unmatched)}, conflicts ${fmt(full.conflicts)}`,
      target: `${fmt(composition(users).humans)} mapped`,
    });
    add({
      name: 'full pass: peak extra memory',
      value: `${((peak - baseline) / MB).toFixed(0)} MB (RSS ${(baseline / MB).toFixed(0)} MB before, peak ${(peak / MB).toFixed(0)} MB)`,
      target: '< 300 MB',
      note: 'RSS sampled every 100 ms; the connector side only (the emulator and the store are other processes)',
    });

    // ----- the Home's counts panel at this size -----
    const countsStarted = performance.now();
    const counts = await service.counts();
    const countsMs = performance.now() - countsStarted;
    const homeStarted = performance.now();
    // A fresh service, as a process that never counted: the Home's first render.
    const homeService = createMapping(deps, { members: deps.members.directory, workspace: deps.workspace }).service;
    const home = await homeService.countsForHome(HOME_COUNTS_BUDGET_MS);
    add({
      name: 'Home counts panel (connected / not connected / inactive)',
      value: `exact count in ${seconds(countsMs)} (${fmt(counts.connected)} / ${fmt(counts.notConnected)} / ${fmt(counts.inactive)}); a first Home render answers in ${seconds(performance.now() - homeStarted)} ${home ? 'with counts' : 'with "Counting members…"'}`,
      note: `two streamed reads; the Home waits at most ${HOME_COUNTS_BUDGET_MS / 1000} s, then shows the last counts finished`,
    });
    // Let that count finish in the background before measuring the next pass.
    await homeService.countsForHome(10 * 60_000);

    // ----- incremental: 50 new members -----
    const newUsers: SeedUser[] = [];
    const newMembers: Member[] = [];
    const at = new Date();
    for (let i = 0; i < NEW_MEMBERS; i += 1) {
      newUsers.push({ id: userId('N', i), name: `new${i}`, profile: { email: `new${i}@bench.test` } });
      newMembers.push({
        id: `m-new-${i}`,
        name: `New ${i}`,
        email: `new${i}@bench.test`,
        emailKey: `new${i}@bench.test`,
        accountType: 'standard_member',
        status: 'pending',
        groups: [],
        source: 'api',
        createdAt: at,
        updatedAt: at,
      });
    }
    await emulator.request({ type: 'addUsers', users: newUsers }, 'added');
    // Inserted directly, so no member hook maps them first: the scheduled pass finds them.
    await new BenchDataRepository(new TenantDb(db)).insertMembers(newMembers);
    const incBefore = await callCounts();
    const incSampler = sampleRss();
    const incBaseline = process.memoryUsage().rss;
    const incStarted = performance.now();
    const incremental = await service.runScheduledPass();
    const incMs = performance.now() - incStarted;
    const incPeak = incSampler.stop();
    const incAfter = await callCounts();
    if (!incremental.ran) throw new Error('the scheduled pass did not run');
    const lookups = diff(incAfter, incBefore, 'users.lookupByEmail');
    const lists = diff(incAfter, incBefore, 'users.list');
    add({
      name: `scheduled pass after ${NEW_MEMBERS} new members: Slack calls`,
      value: `${lookups.answered + lists.answered} (${lookups.answered} users.lookupByEmail, ${lists.answered} users.list; ${lookups.limited + lists.limited} refused with 429)`,
      target: '≤ 60',
      note: `strategy ${incremental.strategy.kind}: lookups ${lookupsCost(NEW_MEMBERS).calls} calls = ${lookupsCost(NEW_MEMBERS).minutes} min vs full ${incremental.strategy.full?.calls} calls = ${incremental.strategy.full?.minutes} min at Slack's tiers`,
    });
    add({
      name: `scheduled pass after ${NEW_MEMBERS} new members: outcome and time`,
      value: `${incremental.created} mapped in ${seconds(incMs)} (reading members and mappings ${seconds(incremental.readMs)}); peak extra memory ${((incPeak - incBaseline) / MB).toFixed(0)} MB`,
      target: `${NEW_MEMBERS} mapped`,
    });
  } finally {
    await client.close();
    await store.stop();
    await emulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { title: `Mapping (${fmt(users)} Slack users, ${fmt(users)} members)`, store: storeName, figures };
}

if (process.argv.includes(CHILD_FLAG)) void runEmulatorChild();
