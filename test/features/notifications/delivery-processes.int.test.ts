/**
 * Delivery with several connectors on one database and one Slack workspace: two workers
 * never send one notification twice, and a worker process killed between Slack's answer and
 * its database write leaves a notification the next process records without sending it again.
 */
import type { ChildProcess } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { TenantDb } from '../../../src/db/tenant-collection';
import { createNotificationRepos } from '../../../src/features/notifications';
import { runInTenant } from '../../../src/tenancy/tenant-scope';
import { createSlackEmulator, type SlackEmulator } from '../../../scripts/slack-emulator';
import { startTestConnector, type TestConnector } from '../../support/connector';
import { validEnv } from '../../support/factories';
import { exitOf, spawnTs, waitForJsonLine } from '../../support/processes';
import { testStoreUri, uniqueDbName } from '../../support/store';
import { finished, goLive, HEADERS, notificationBody, notificationIdsIn, postAll, saveMembers, seed, USERS } from './delivery-fixture';
import { connectorView } from '../../support/store-repos';

describe('delivery across processes', () => {
  let emulator: SlackEmulator;
  let dbName: string;
  const connectors: TestConnector[] = [];
  /** Killed with SIGKILL as soon as the emulator has taken one of its chat.postMessage calls. */
  let victim: ChildProcess | undefined;

  beforeEach(async () => {
    emulator = await createSlackEmulator({
      seed: seed(),
      rateLimitScale: 50,
      // Runs after Slack took the message and before the answer is sent: the poster never
      // learns it was delivered.
      onCall: (call) => {
        if (call.method === 'chat.postMessage' && call.status === 200 && victim) {
          victim.kill('SIGKILL');
          victim = undefined;
        }
      },
    });
    dbName = uniqueDbName('delivery-processes');
  });
  afterEach(async () => {
    victim?.kill('SIGKILL');
    for (const c of connectors.splice(0)) await c.stop();
    await emulator.close();
  });

  async function connector(options: { clock?: { now(): Date }; keepDatabase?: boolean } = {}): Promise<TestConnector> {
    const c = await startTestConnector({
      sharedEmulator: emulator,
      env: { MONGODB_DB: dbName },
      keepDatabase: options.keepDatabase ?? true,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    connectors.push(c);
    return c;
  }

  it('two workers on one database deliver each notification exactly once', async () => {
    const a = await connector();
    const b = await connector({ keepDatabase: false });
    await saveMembers(a);
    await goLive(a);
    await connectorView(b.connector).workspace.refresh();

    const members = ['m-ana', 'm-bob', 'm-carol', 'm-dan'];
    const bodies = Array.from({ length: 60 }, (_, i) => notificationBody({ recipient: { memberId: members[i % members.length] } }));
    // Half through each process's HTTP API, interleaved.
    await Promise.all([
      postAll(
        a,
        bodies.filter((_, i) => i % 2 === 0),
      ),
      postAll(
        b,
        bodies.filter((_, i) => i % 2 === 1),
      ),
    ]);
    for (const body of bodies) expect(await finished(a, body.id as string, 30_000)).toMatchObject({ status: 'delivered' });

    const sent = USERS.flatMap((user) => notificationIdsIn(emulator.messagesTo(user.id)));
    expect(sent.sort()).toEqual(bodies.map((body) => body.id as string).sort());
    // Both workers took part.
    const holders = await a.connector.store.db.collection('notification_claims').distinct('holder', { tenantId: 'default' });
    expect(holders).toHaveLength(2);
  });

  it('a worker killed after Slack took its message leaves nothing to send twice', async () => {
    const setup = await connector();
    await saveMembers(setup);
    await goLive(setup);
    await setup.stop();
    connectors.splice(0);

    const child = spawnTs('src/index.ts', [], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...validEnv({ SLACK_API_URL: emulator.apiUrl, SLACK_BOT_TOKEN: emulator.botToken, SLACK_APP_TOKEN: emulator.appToken }),
      MONGODB_URI: testStoreUri(),
      MONGODB_DB: dbName,
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
    });
    const listening = await waitForJsonLine<{ msg?: string; url?: string }>(child, (line) => line.msg === 'HTTP API listening', 30_000);
    await waitForJsonLine<{ msg?: string }>(child, (line) => line.msg === 'connector started', 30_000);
    victim = child;
    const body = notificationBody({ recipient: { memberId: 'm-ana' } });
    const response = await fetch(`${listening.url}/api/v1/workspaces/default/notifications`, { method: 'POST', headers: HEADERS, body: JSON.stringify(body) });
    expect(response.status).toBe(202);
    expect((await exitOf(child)).signal).toBe('SIGKILL');

    // Slack has the message; the database never learnt it.
    expect(notificationIdsIn(emulator.messagesTo('U0ANA00001'))).toEqual([body.id]);
    // Read with no worker running: once the restarted process is up, its worker may take the
    // notification over before any read from the test.
    const client = await new MongoClient(testStoreUri()).connect();
    try {
      const db = client.db(dbName);
      const outbox = createNotificationRepos({ db: new TenantDb(db), globalDb: db }).outbox;
      const stranded = await runInTenant({ tenantId: 'default', baseUrl: 'https://acme.pigment.test' }, () => outbox.findById(body.id as string));
      expect(stranded).toMatchObject({ status: 'delivering', attempts: 1 });
    } finally {
      await client.close();
    }
    const restart = await connector({ clock: { now: () => new Date(Date.now() + 2 * 60_000) }, keepDatabase: false });

    // The restarted process takes the expired lease over, finds the message in the DM, and records it.
    const delivered = await finished(restart, body.id as string);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(delivered.slack?.ts).toBe(emulator.messagesTo('U0ANA00001')[0]?.ts);
    expect(notificationIdsIn(emulator.messagesTo('U0ANA00001'))).toEqual([body.id]);
    expect(emulator.callsOf('chat.postMessage')).toHaveLength(1);
  });
});
