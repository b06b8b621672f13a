/**
 * The processes of the tenants benchmark, each forked from this file: the Slack emulator with
 * one Slack workspace per tenant, and connector processes (the real `startConnector`). The
 * benchmark process only seeds, offers and counts, so the CPU each side spends is its own.
 *
 * The emulator counts every chat.postMessage by the notification id in its metadata (the
 * idempotency key): lost and sent-twice come from there, and so do the arrival times.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import type { CommandStartedEvent } from 'mongodb';
import { startConnector } from '../../src/app';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/platform/logger';
import { createSlackEmulator, type Seed } from '../slack-emulator';
import { requestChild, stopChild } from './child-ipc';

const EMULATOR_FLAG = '--tenants-bench-emulator';
const CONNECTOR_FLAG = '--tenants-bench-connector';

export const benchTeamId = (i: number) => `T0TB${i.toString(36).toUpperCase().padStart(6, '0')}`;
export const benchUserId = (j: number) => `U0TBU${String(j).padStart(5, '0')}`;

export interface TeamReady {
  teamId: string;
  botToken: string;
  botUserId: string;
  /** DM channel per Slack user id (already open: steady state). */
  channels: Record<string, string>;
}

export interface CpuSeconds {
  user: number;
  system: number;
}

type EmulatorRequest =
  | { type: 'start'; teams: number; usersPerTeam: number; rateLimitScale: number }
  | { type: 'scale'; rateLimitScale: number }
  | { type: 'summary' }
  | { type: 'arrivals'; prefix: string }
  | { type: 'stop' };

export interface ArrivalSummary {
  /** Distinct notification ids posted, and posts beyond the first of an id. */
  distinct: number;
  duplicates: number;
  /** Per Slack team, when its last message arrived (ms since the epoch). */
  lastAtByTeam: Record<string, number>;
  calls: Record<string, { answered: number; limited: number }>;
  cpu: CpuSeconds;
}

type EmulatorReply =
  | { type: 'ready'; apiUrl: string; appToken: string; teams: TeamReady[] }
  | { type: 'scaled' }
  | ({ type: 'summary' } & ArrivalSummary)
  | { type: 'arrivals'; firstAt: Record<string, number>; posts: Record<string, number> }
  | { type: 'stopped' };

const cpuNow = (): CpuSeconds => {
  const usage = process.cpuUsage();
  return { user: usage.user / 1e6, system: usage.system / 1e6 };
};

function runEmulatorChild(): void {
  const posts = new Map<string, number>();
  const firstAt = new Map<string, number>();
  const lastAtByTeam: Record<string, number> = {};
  const calls: Record<string, { answered: number; limited: number }> = {};
  let duplicates = 0;
  let emulator: Awaited<ReturnType<typeof createSlackEmulator>> | undefined;
  const reply = (message: EmulatorReply) => process.send!(message);
  process.on('message', (request: EmulatorRequest) => {
    void (async () => {
      switch (request.type) {
        case 'start': {
          const seed = (i: number): Seed => ({
            team: { id: benchTeamId(i), name: `Bench ${i}`, domain: `bench-${i}` },
            installed: true,
            users: Array.from({ length: request.usersPerTeam }, (_, j) => ({
              id: benchUserId(j),
              name: `user${j}`,
              profile: { email: `user${j}@bench.test` },
            })),
          });
          emulator = await createSlackEmulator({
            seed: seed(0),
            teams: Array.from({ length: request.teams - 1 }, (_, i) => seed(i + 1)),
            rateLimitScale: request.rateLimitScale,
            onCall: (call) => {
              const entry = (calls[call.method] ??= { answered: 0, limited: 0 });
              if (call.status === 429) entry.limited += 1;
              else entry.answered += 1;
              if (call.method !== 'chat.postMessage' || call.status !== 200 || call.response.ok !== true) return;
              const id = (call.args.metadata as { event_payload?: { notification_id?: string } } | undefined)?.event_payload?.notification_id ?? '?';
              const seen = posts.get(id) ?? 0;
              if (seen > 0) duplicates += 1;
              else firstAt.set(id, Date.now());
              posts.set(id, seen + 1);
              if (call.teamId) lastAtByTeam[call.teamId] = Date.now();
            },
          });
          const teams = emulator.teams.map((team) => {
            const channels: Record<string, string> = {};
            for (let j = 0; j < request.usersPerTeam; j += 1) channels[benchUserId(j)] = team.state.openDm(benchUserId(j)).channel.id;
            return { teamId: team.teamId, botToken: team.botToken!, botUserId: team.state.app.botUserId, channels };
          });
          reply({ type: 'ready', apiUrl: emulator.apiUrl, appToken: emulator.appToken, teams });
          return;
        }
        case 'scale':
          emulator?.setRateLimitScale(request.rateLimitScale);
          reply({ type: 'scaled' });
          return;
        case 'summary':
          reply({ type: 'summary', distinct: posts.size, duplicates, lastAtByTeam: { ...lastAtByTeam }, calls: structuredClone(calls), cpu: cpuNow() });
          return;
        case 'arrivals': {
          const picked: Record<string, number> = {};
          const counts: Record<string, number> = {};
          for (const [id, at] of firstAt) {
            if (!id.startsWith(request.prefix)) continue;
            picked[id] = at;
            counts[id] = posts.get(id)!;
          }
          reply({ type: 'arrivals', firstAt: picked, posts: counts });
          return;
        }
        case 'stop':
          await emulator?.close();
          reply({ type: 'stopped' });
          process.exit(0);
      }
    })().catch((error: unknown) => {
      process.stderr.write(`[tenants bench emulator] ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
  });
}

/** The emulator's process, seen from the benchmark. */
export class EmulatorProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(input: {
    teams: number;
    usersPerTeam: number;
    rateLimitScale: number;
  }): Promise<{ emulator: EmulatorProcess; ready: Extract<EmulatorReply, { type: 'ready' }> }> {
    const child = fork(__filename, [EMULATOR_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await requestChild<EmulatorReply, 'ready'>(child, { type: 'start', ...input }, 'ready');
    return { emulator: new EmulatorProcess(child), ready };
  }

  get pid(): number {
    return this.child.pid!;
  }

  async scale(rateLimitScale: number): Promise<void> {
    await requestChild<EmulatorReply, 'scaled'>(this.child, { type: 'scale', rateLimitScale }, 'scaled');
  }

  summary(): Promise<ArrivalSummary> {
    return requestChild<EmulatorReply, 'summary'>(this.child, { type: 'summary' }, 'summary');
  }

  /** First arrival time and number of posts of every notification whose id starts with `prefix`. */
  arrivals(prefix: string): Promise<{ firstAt: Record<string, number>; posts: Record<string, number> }> {
    return requestChild<EmulatorReply, 'arrivals'>(this.child, { type: 'arrivals', prefix }, 'arrivals');
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

// ---------------------------------------------------------------------------------------------
// A connector process
// ---------------------------------------------------------------------------------------------

type ConnectorRequest = { type: 'start'; env: Record<string, string> } | { type: 'sample'; reset: boolean } | { type: 'stop' };

/** Store commands by operation (`update notification_queue`), counted from `commandStarted`. */
export type CommandCounts = Record<string, number>;

type ConnectorReply = { type: 'ready'; url: string } | { type: 'sample'; cpu: CpuSeconds; commands: CommandCounts; rssMb: number } | { type: 'stopped' };

function runConnectorChild(): void {
  let connector: Awaited<ReturnType<typeof startConnector>> | undefined;
  let commands: CommandCounts = {};
  const reply = (message: ConnectorReply) => process.send!(message);
  process.on('message', (request: ConnectorRequest) => {
    void (async () => {
      switch (request.type) {
        case 'start': {
          const silent = new Writable({ write: (_c, _e, cb) => cb() });
          connector = await startConnector({
            config: parseConfig(request.env),
            logging: createLogger({ level: 'warn', destination: silent }),
            monitorStoreCommands: true,
          });
          connector.store.client.on('commandStarted', (event: CommandStartedEvent) => {
            if (event.commandName === 'endSessions') return;
            const collection = event.command[event.commandName];
            const key = `${event.commandName}${typeof collection === 'string' ? ` ${collection}` : ''}`;
            commands[key] = (commands[key] ?? 0) + 1;
          });
          reply({ type: 'ready', url: connector.http.url });
          return;
        }
        case 'sample': {
          const counted = commands;
          if (request.reset) commands = {};
          reply({ type: 'sample', cpu: cpuNow(), commands: { ...counted }, rssMb: process.memoryUsage().rss / 2 ** 20 });
          return;
        }
        case 'stop':
          await connector?.stop();
          reply({ type: 'stopped' });
          process.exit(0);
      }
    })().catch((error: unknown) => {
      process.stderr.write(`[tenants bench connector] ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
  });
}

/** A connector process, seen from the benchmark. */
export class ConnectorProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(env: Record<string, string>): Promise<ConnectorProcess> {
    const child = fork(__filename, [CONNECTOR_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await requestChild<ConnectorReply, 'ready'>(child, { type: 'start', env }, 'ready');
    return new ConnectorProcess(child, ready.url);
  }

  /** CPU so far, and the store commands since the last reset. */
  sample(reset = false): Promise<{ cpu: CpuSeconds; commands: CommandCounts; rssMb: number }> {
    return requestChild<ConnectorReply, 'sample'>(this.child, { type: 'sample', reset }, 'sample');
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

if (process.argv.includes(EMULATOR_FLAG)) runEmulatorChild();
if (process.argv.includes(CONNECTOR_FLAG)) runConnectorChild();
