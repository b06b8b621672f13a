/**
 * Slack's 3-second deadlines on a real network (issue 12): every interaction reaches the app
 * 300-400 ms after Slack sent it, and every Web API call and ack takes as long to travel. The
 * emulator counts that time, as Slack does, in the ack deadline and in each trigger id's 3 s.
 * Every admin action and every admin view the app registers (read from the code, as the
 * authorisation test does) is sent by an allowed Security Admin: each must be acknowledged in
 * time, and no `views.open` / `views.push` may find its trigger expired.
 */
import type { SocketModeAck } from '../../scripts/slack-emulator/types';
import { recordListeners, sampleId } from '../support/listener-recorder';
import { eventually, startTestConnector, type TestConnector } from '../support/connector';
import { connectorView } from '../support/store-repos';

/** At least 300 ms each way; `NET_MS=800 npx jest test/slack/real-network` tries a longer way. */
const LATENCY = { eachWayMs: Math.max(300, Number(process.env.NET_MS ?? 300)), jitterMs: 100 };
/** Slack's own deadline for an ack, from the moment it sent the envelope. */
const ACK_DEADLINE_MS = 3_000;
const SEED = {
  team: { id: 'T0NETWORK1', name: 'Acme Network', domain: 'acme-network' },
  users: [
    { id: 'U0ADMIN001', name: 'ada', profile: { email: 'ada@acme.test' } },
    { id: 'U0TARGET01', name: 'tom', profile: { email: 'tom@acme.test' } },
  ],
};

describe('interactions on a real network (300-400 ms each way)', () => {
  let t: TestConnector;
  beforeAll(async () => {
    t = await startTestConnector({ emulator: { seed: SEED as never, latency: LATENCY }, label: 'network' });
    const { repos } = connectorView(t.connector);
    const member = (id: string, email: string, accountType: 'security_admin' | 'standard_member') =>
      repos.members.save({ id, name: id, email, emailKey: email, accountType, status: 'activated', groups: [], source: 'api' }, new Date());
    await member('m-admin', 'ada@acme.test', 'security_admin');
    await member('m-target', 'tom@acme.test', 'standard_member');
  });
  afterAll(() => t.stop());

  const settle = () => eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 20_000, 'listeners to finish');

  /** Sends one interaction and returns how long Slack waited for its ack. */
  async function send(payload: Record<string, unknown>): Promise<{ ack: SocketModeAck; waitedMs: number }> {
    const sent = t.emulator.socket.deliveries.length;
    const ack = await t.emulator.socket.sendInteractive(payload);
    const delivery = t.emulator.socket.deliveries.slice(sent).find((d) => d.envelope.envelope_id === ack.envelope_id);
    return { ack, waitedMs: ack.receivedAt - (delivery?.sentAt ?? 0) };
  }
  const fromHome = (actionId: string, value: string) =>
    t.emulator.interactionPayload('U0ADMIN001', {
      type: 'block_actions',
      container: { type: 'view', view_id: 'V0HOME0001' },
      view: { id: 'V0HOME0001', type: 'home', callback_id: '', private_metadata: '', state: { values: {} }, hash: '1' },
      actions: [{ type: 'button', action_id: actionId, block_id: 'network', value, action_ts: '1' }],
    });
  const submission = (callbackId: string) =>
    t.emulator.interactionPayload('U0ADMIN001', {
      type: 'view_submission',
      view: { id: 'V0NETWORK1', type: 'modal', callback_id: callbackId, private_metadata: '', state: { values: {} }, hash: '1' },
    });
  const triggerErrors = () => t.emulator.calls.filter((call) => String(call.response.error ?? '').includes('trigger'));

  it('acknowledges the first admin action in time while the admin is known only by email (users.info)', async () => {
    const { waitedMs } = await send(fromHome('workspace.acknowledge', SEED.team.id));
    await settle();
    expect(t.emulator.callsOf('users.info').length).toBeGreaterThan(0);
    expect(waitedMs).toBeLessThan(ACK_DEADLINE_MS);
    expect(await connectorView(t.connector).workspace.isLive()).toBe(true);
  });

  it('acknowledges every admin action and view in time, and opens every modal before its trigger expires', async () => {
    const { actions, views } = recordListeners(t.connector.store.db);
    const waits: Array<{ id: string; waitedMs: number }> = [];
    const payloads = [
      ...actions.map((c) => ({ id: sampleId(c, 'action_id'), payload: () => fromHome(sampleId(c, 'action_id'), 'm-target') })),
      ...views.map((c) => ({ id: sampleId(c, 'callback_id'), payload: () => submission(sampleId(c, 'callback_id')) })),
    ];
    expect(payloads.length).toBeGreaterThan(30);
    // A few at a time, as several admins at work would.
    for (let i = 0; i < payloads.length; i += 4) {
      const batch = payloads.slice(i, i + 4);
      const answers = await Promise.all(batch.map(async ({ id, payload }) => ({ id, ...(await send(payload())) })));
      for (const { id, waitedMs } of answers) waits.push({ id, waitedMs });
      await settle();
    }
    expect(waits.filter((w) => w.waitedMs >= ACK_DEADLINE_MS)).toEqual([]);
    expect(triggerErrors().map((call) => ({ method: call.method, error: call.response.error }))).toEqual([]);
    // Modals were opened at all (the check above is not vacuous).
    expect(t.emulator.callsOf('views.open').filter((call) => call.response.ok).length).toBeGreaterThan(5);
  });
});
