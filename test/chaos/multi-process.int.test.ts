/**
 * The chaos suite (issue 7): three connector processes (`src/index.ts`, each with its own
 * Socket Mode connection) on one store and one Slack emulator. 5,000 notifications go in
 * through all three HTTP APIs while scheduled jobs run every minute; then, each with more
 * notifications, a provisioning sync and an Ashby import under way, a process is killed and restarted, the
 * sockets are dropped, refreshed and left without pongs, the store stops for 30 seconds, and
 * Slack answers 429s, then 500s, then invalid_auth until the token is fixed. After each: every
 * notification offered is accounted for, none reached Slack twice, the sync and the import end, and
 * `/readyz` told the truth. (The clock jump runs in-process: see clock-jump.int.test.ts.)
 */
import { createAshbyEmulator, type AshbyEmulator } from '../../scripts/ashby-emulator';
import type { SeedUser } from '../../scripts/slack-emulator';
import { ApplicationRepository } from '../../src/features/applications/application.repository';
import { createAshbyApi } from '../../src/features/ashby/client';
import { AshbyConnectionRepository } from '../../src/features/ashby/connections/connection.repository';
import { AshbyConnectionService } from '../../src/features/ashby/connections/connection.service';
import { ImportRepository } from '../../src/features/ashby/imports/import.repository';
import { ProvisioningConfigRepository } from '../../src/features/provisioning';
import { emailKey } from '../../src/features/members/member.types';
import { eventually, startTestConnector } from '../support/connector';
import { collectOutput } from '../support/processes';
import { registerSuiteSecret } from '../support/suite-log';
import { AUTH_JSON, BASE_URL, createChaosWorld, type ChaosWorld, type ConnectorProcess } from './chaos-world';
import { connectorView, storeRepos } from '../support/store-repos';

const PEOPLE = 60;
const JOINERS = 20;
const person = (i: number) => ({ userId: `U0P${String(i).padStart(7, '0')}`, memberId: `m-p${i}`, email: `p${i}@acme.test` });
const joiner = (i: number) => ({ userId: `U0J${String(i).padStart(7, '0')}`, memberId: `m-j${i}`, email: `j${i}@acme.test` });

const USERS: SeedUser[] = [
  { id: 'U0ADMIN001', name: 'admin', profile: { email: 'admin@acme.test' } },
  ...Array.from({ length: PEOPLE }, (_, i) => ({ id: person(i).userId, name: `p${i}`, profile: { email: person(i).email, real_name: `Person ${i}` } })),
];

const HIRES = 40;
const ASHBY_KEY = 'ashby-chaos-key-0001-abcd';

let world: ChaosWorld;
let ashby: AshbyEmulator;
/** Every notification id offered so far, in all phases. */
const offered: string[] = [];
let sequence = 0;

function body(): Record<string, unknown> {
  sequence += 1;
  const p = person(sequence % PEOPLE);
  return {
    id: `chaos-${sequence}`,
    type: 'conversation',
    subtype: 'comment',
    recipient: { memberId: p.memberId },
    title: `Comment ${sequence}`,
    body: 'Numbers look *good*',
    url: `${BASE_URL}/apps/1/blocks/${sequence}`,
  };
}

async function call(target: ConnectorProcess, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${target.url}${path}`, { ...init, headers: AUTH_JSON });
}

/**
 * Offers `count` notifications round-robin through every live process's HTTP API, `parallel`
 * at a time. A 503 (store down) is retried on the next process after a pause, as a caller would.
 */
async function offer(count: number, parallel = 24): Promise<string[]> {
  const bodies = Array.from({ length: count }, body);
  let next = 0;
  const worker = async (lane: number) => {
    for (let i = next++; i < bodies.length; i = next++) {
      for (let attempt = 0; ; attempt += 1) {
        const targets = world.processes;
        const target = targets[(i + lane + attempt) % targets.length]!;
        const answer = await call(target, '/api/v1/workspaces/default/notifications', { method: 'POST', body: JSON.stringify(bodies[i]) }).catch(
          () => undefined,
        );
        if (answer && [200, 202].includes(answer.status)) break;
        if (answer && answer.status !== 503) throw new Error(`POST answered ${answer.status}: ${await answer.text()}`);
        if (attempt > 200) throw new Error('the API never accepted the notification');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, (_, lane) => worker(lane)));
  const ids = bodies.map((b) => b.id as string);
  offered.push(...ids);
  return ids;
}

/** Outcome per notification id (the store's single outcome documents). */
async function outcomes(): Promise<Map<string, string>> {
  const docs = await world.db
    .collection<{ _id: string; status: string }>('notification_outcomes')
    .find({}, { projection: { status: 1 } })
    .toArray();
  return new Map(docs.map((d) => [d._id, d.status]));
}

/** Notification ids of every DM the app posted for the offered notifications (imports tell their owner too). */
function idsInSlack(): string[] {
  return USERS.flatMap((u) => world.emulator.messagesTo(u.id))
    .map((m) => (m.metadata as { event_payload?: { notification_id?: string } } | undefined)?.event_payload?.notification_id ?? '?')
    .filter((id) => id.startsWith('chaos-'));
}

/** Waits until every notification offered so far is final, then checks the books balance. */
async function everyNotificationAccountedFor(timeoutMs = 240_000): Promise<void> {
  const final = await eventually(
    async () => {
      const known = await outcomes();
      return offered.every((id) => known.has(id)) ? known : undefined;
    },
    timeoutMs,
    'every notification to reach a final status',
  ).catch(async (error: unknown) => {
    // Say what is left, so a failure tells where delivery stalled.
    const known = await outcomes();
    const left = offered.filter((id) => !known.has(id));
    const queue = await world.db
      .collection('notification_queue')
      .find({ _id: { $in: left.slice(0, 5) as never[] } })
      .toArray();
    const history = world.emulator.callsOf('conversations.history');
    throw new Error(
      `${(error as Error).message}: ${left.length} left, e.g. ${JSON.stringify(queue)}; conversations.history: ${history.filter((c) => c.status === 200).length} answered, ${history.filter((c) => c.status === 429).length} rate limited`,
    );
  });
  const counts = { delivered: 0, skipped: 0, failed: 0 };
  for (const id of offered) counts[final.get(id) as keyof typeof counts] += 1;
  // Offered = delivered + skipped + failed (none still queued), and every member here is mapped.
  expect(counts).toEqual({ delivered: offered.length, skipped: 0, failed: 0 });
  // Each delivered exactly once in Slack, and nothing else posted.
  const sent = idsInSlack();
  expect(sent.length).toBe(offered.length);
  expect(new Set(sent).size).toBe(sent.length);
  expect(new Set(sent)).toEqual(new Set(offered));
  // Nothing is left in the backlog.
  expect(await world.db.collection('notification_queue').countDocuments()).toBe(0);
}

/** Every process's /readyz, as [status, body]. */
async function readiness(): Promise<Array<{ name: string; status: number; checks: Record<string, string> }>> {
  return Promise.all(
    world.processes.map(async (p) => {
      const res = await fetch(`${p.url}/readyz`);
      return { name: p.name, status: res.status, checks: ((await res.json()) as { checks: Record<string, string> }).checks };
    }),
  );
}

async function allReady(): Promise<void> {
  let last: Awaited<ReturnType<typeof readiness>> = [];
  try {
    await eventually(
      async () => {
        last = await readiness();
        return last.every((r) => r.status === 200) ? true : undefined;
      },
      // Generous: after a store outage, a loaded machine's first pings can take seconds.
      120_000,
      'every process ready',
    );
  } catch (error) {
    // What the processes that are not ready last logged, to tell why.
    const notReady = world.processes.filter((p) => last.find((r) => r.name === p.name)?.status !== 200);
    const tails = notReady.map((p) => `${p.name}:\n${collectOutput(p.child).stdout().split('\n').slice(-25).join('\n')}`);
    throw new Error(`${(error as Error).message}; last /readyz answers: ${JSON.stringify(last)}\n${tails.join('\n')}`);
  }
}

/**
 * No scheduled job ran twice for one cron tick, in any process. (Each import's own run inside
 * the imports job is recorded without a tick: its parent's tick decided it.)
 */
async function noTickRanTwice(): Promise<Set<string>> {
  const runs = await world.db
    .collection<{ job: string; tick?: Date }>('job_runs')
    .find({ tick: { $exists: true } })
    .toArray();
  const keys = runs.map((r) => `${r.job}@${r.tick!.toISOString()}`);
  expect(new Set(keys).size).toBe(keys.length);
  return new Set(runs.map((r) => r.job));
}

/**
 * The Ashby import's runs (every minute) all end, with one row per hire and no duplicates;
 * its owner's notifications are accounted for like any other.
 */
async function importRunsEnd(): Promise<void> {
  await eventually(
    async () => {
      const runs = world.db.collection('ashby_import_runs');
      const running = await runs.countDocuments({ status: 'running' });
      const completed = await runs.countDocuments({ status: 'completed' });
      return running === 0 && completed > 0 ? true : undefined;
    },
    180_000,
    'the Ashby import runs to end',
  );
  const rows = await world.db
    .collection<{ _id: string }>('ashby_import_rows')
    .find({}, { projection: { _id: 1 } })
    .toArray();
  expect(rows).toHaveLength(HIRES);
}

/** The provisioning syncs (every minute) reach a final state: none left running. */
async function syncRunsEnd(): Promise<void> {
  await eventually(
    async () => {
      const running = await world.db.collection('sync_runs').countDocuments({ status: 'running' });
      const ended = await world.db.collection('sync_runs').countDocuments({ status: { $in: ['completed', 'completed_with_errors', 'failed'] } });
      return running === 0 && ended > 0 ? true : undefined;
    },
    180_000,
    'the provisioning sync to end',
  );
}

describe('three connector processes, one store, one Slack workspace, under faults', () => {
  beforeAll(async () => {
    registerSuiteSecret('Ashby API key (chaos)', ASHBY_KEY);
    ashby = await createAshbyEmulator({ keys: { [ASHBY_KEY]: { title: 'Pigment chaos' } } });
    for (let i = 0; i < HIRES; i += 1) ashby.applications.add({ candidateName: `Hire ${i}`, email: `hire${i}@acme.test`, jobTitle: 'Analyst' });
    world = await createChaosWorld({
      users: USERS,
      // Jobs every minute, so ticks fall inside the test.
      env: { MAPPING_CRON: '* * * * *', PROVISIONING_CRON: '* * * * *', IMPORT_CRON: '* * * * *', ASHBY_API_URL: ashby.url },
    });
    // Set-up through an in-process connector: members, the acknowledgement, the sync's configuration.
    const setup = await startTestConnector({
      sharedEmulator: world.emulator,
      env: { MONGODB_URI: world.storeUri, MONGODB_DB: world.dbName, PIGMENT_BASE_URL: BASE_URL },
      keepDatabase: true,
    });
    const members = storeRepos(setup.connector.store.db).members;
    const save = async (id: string, email: string, accountType: 'security_admin' | 'standard_member') => {
      const saved = await members.save(
        { id, name: id, email, emailKey: emailKey(email), accountType, status: 'activated', groups: [], source: 'api' },
        new Date(),
      );
      if (!saved.ok) throw new Error(`could not save ${id}`);
    };
    await save('m-admin', 'admin@acme.test', 'security_admin');
    for (let i = 0; i < PEOPLE; i += 1) await save(person(i).memberId, person(i).email, 'standard_member');
    for (let i = 0; i < JOINERS; i += 1) await save(joiner(i).memberId, joiner(i).email, 'standard_member');
    const actor = await connectorView(setup.connector).actors.resolve('U0ADMIN001');
    const acknowledged = await connectorView(setup.connector).workspace.acknowledge(actor);
    if (!acknowledged.ok) throw new Error(`could not acknowledge: ${acknowledged.reason}`);
    await eventually(() => storeRepos(setup.connector.store.db).mappings.lastFullPass(), 30_000, 'the first full mapping pass');
    await new ProvisioningConfigRepository(setup.connector.deps.db).save(
      {
        scope: 'everyone',
        groupIds: [],
        teamMapping: { enabled: false, groupToTeam: {} },
        includeGuests: false,
        inviteNewMembers: false,
        maxDeactivationShare: 0.1,
      },
      'm-admin',
      new Date(),
    );
    // An Ashby connection and an import owned by the admin.
    const features = connectorView(setup.connector);
    const applications = new ApplicationRepository(features.db);
    await applications.put('app-headcount', 'Headcount', new Date());
    const connections = new AshbyConnectionService({
      connections: new AshbyConnectionRepository(features.db),
      applications,
      ashby: createAshbyApi({ baseUrl: ashby.url, logger: features.logger }),
      encryptionKey: features.config.encryptionKey,
      clock: features.clock,
      logger: features.logger,
    });
    const connection = await connections.create({ name: 'Ashby connection', applicationIds: ['app-headcount'], apiKey: ASHBY_KEY }, 'm-admin');
    if (!connection.ok) throw new Error(`could not connect Ashby: ${JSON.stringify(connection)}`);
    await new ImportRepository(features.db).create(
      { applicationId: 'app-headcount', targetBlock: 'New hires', customFields: [], createPendingMembers: false },
      'm-admin',
      new Date(),
    );
    await setup.stop();
    for (const name of ['a', 'b', 'c']) await world.startProcess(name);
    await world.emulator.socket.waitForConnections(3, 30_000);
  }, 240_000);

  afterAll(async () => {
    await world?.close();
    await ashby?.close();
  });

  it('delivers 5,000 notifications offered through three APIs exactly once, and handles each Slack event once', async () => {
    await offer(5_000);
    // Slack events while delivery runs: each goes to one of the three sockets.
    const deliveriesBefore = world.emulator.socket.deliveries.length;
    for (let i = 0; i < JOINERS; i += 1) {
      const j = joiner(i);
      const user = world.emulator.addUser({ id: j.userId, name: `j${i}`, profile: { email: j.email } });
      await world.emulator.socket.sendEvent({ type: 'team_join', user, event_ts: `${Date.now() / 1000}` });
    }
    for (const u of USERS.slice(0, 30))
      await world.emulator.socket.sendEvent({ type: 'app_home_opened', user: u.id, channel: 'D0HOME', tab: 'home', event_ts: `${Date.now() / 1000}` });
    await everyNotificationAccountedFor();

    // Events: spread over the sockets, each acted on once.
    const connections = new Set(world.emulator.socket.deliveries.slice(deliveriesBefore).map((d) => d.connectionId));
    expect(connections.size).toBeGreaterThan(1);
    const mappings = world.db.collection<{ _id: string; slackUserId: string }>('mappings');
    for (let i = 0; i < JOINERS; i += 1) {
      const j = joiner(i);
      await eventually(async () => ((await mappings.countDocuments({ slackUserId: j.userId })) === 1 ? true : undefined), 30_000, `${j.memberId} mapped`);
    }
    const publishes = world.emulator.callsOf('views.publish').filter((c) => c.status === 200);
    for (const u of USERS.slice(0, 30)) expect(publishes.filter((c) => c.args.user_id === u.id)).toHaveLength(1);
    // Scheduled jobs ticked (every minute), no tick ran twice, the sync and the import ended.
    expect([...(await noTickRanTwice())].sort()).toEqual(expect.arrayContaining(['ashby.imports', 'mapping.scheduled_pass', 'provisioning.sync']));
    await syncRunsEnd();
    await importRunsEnd();
  }, 420_000);

  it('loses and duplicates nothing when a process is killed mid-delivery and restarted', async () => {
    const victim = world.processes[0]!;
    const offering = offer(600);
    await eventually(async () => ((await outcomes()).size > offered.length - 400 ? true : undefined), 60_000, 'delivery under way');
    await world.killProcess(victim);
    await offering;
    await world.startProcess('a2');
    await everyNotificationAccountedFor();
    await allReady();
    await syncRunsEnd();
    await importRunsEnd();
    await noTickRanTwice();
  }, 420_000);

  it('keeps going through dropped sockets, a refresh request and unanswered pings', async () => {
    const offering = offer(300);
    world.emulator.socket.dropAll();
    await world.emulator.socket.waitForConnections(3, 60_000);
    world.emulator.socket.disconnectAll('refresh_requested');
    await world.emulator.socket.waitForConnections(3, 60_000);
    world.emulator.socket.setAnswerPings(false);
    await new Promise((r) => setTimeout(r, 5_000));
    world.emulator.socket.setAnswerPings(true);
    await offering;
    await allReady();
    // An event after all that is still handled once.
    await world.emulator.socket.sendEvent({ type: 'app_home_opened', user: USERS[40]!.id, channel: 'D0HOME', tab: 'home', event_ts: `${Date.now() / 1000}` });
    await eventually(
      async () => (world.emulator.callsOf('views.publish').some((c) => c.args.user_id === USERS[40]!.id) ? true : undefined),
      30_000,
      'the Home published',
    );
    await everyNotificationAccountedFor();
  }, 420_000);

  it('answers 503 while the store is down for 30 seconds, says so on /readyz, and accepts again after', async () => {
    await offer(200);
    await world.stopStore();
    const down = await eventually(
      async () => {
        const states = await readiness();
        return states.every((s) => s.status === 503 && s.checks.store === 'unreachable') ? states : undefined;
      },
      30_000,
      'every process to report the store unreachable',
    );
    expect(down).toHaveLength(3);
    const refused = await call(world.processes[1]!, '/api/v1/workspaces/default/notifications', { method: 'POST', body: JSON.stringify(body()) });
    expect(refused.status).toBe(503);
    await new Promise((r) => setTimeout(r, 30_000));
    await world.startStore();
    await allReady();
    await offer(200);
    await everyNotificationAccountedFor();
    await syncRunsEnd();
    await importRunsEnd();
    await noTickRanTwice();
  }, 420_000);

  it('rides out 429s on a fifth of calls, then 500s on a tenth, then invalid_auth until the token is fixed', async () => {
    world.emulator.injectFault('*', { status: 429, retryAfter: 1, probability: 0.2 });
    await offer(300);
    await new Promise((r) => setTimeout(r, 5_000));
    world.emulator.clearFaults();
    world.emulator.injectFault('*', { status: 500, probability: 0.1 });
    await offer(300);
    await new Promise((r) => setTimeout(r, 5_000));
    world.emulator.clearFaults();

    world.emulator.revokeTokens({ bot: true, app: false, error: 'invalid_auth' });
    const paused = await offer(200);
    // Held, not failed: nothing of these is final while Slack refuses the token.
    await new Promise((r) => setTimeout(r, 5_000));
    const known = await outcomes();
    expect(paused.filter((id) => known.get(id) === 'failed')).toEqual([]);
    world.emulator.restoreTokens();
    await everyNotificationAccountedFor();
    await allReady();
    await syncRunsEnd();
    await importRunsEnd();
    await noTickRanTwice();
  }, 420_000);
});
