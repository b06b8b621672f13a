/**
 * The "Open in Pigment" click, wired to the outbox: it records openedInSlackAt once and
 * changes nothing else.
 */
import { eventually, startTestConnector, type TestConnector } from '../../support/connector';
import { TEST_SECRETS } from '../../support/factories';

const HEADERS = { authorization: `Bearer ${TEST_SECRETS.apiToken}`, 'content-type': 'application/json' };

describe('Open in Pigment', () => {
  let t: TestConnector;
  beforeEach(async () => {
    t = await startTestConnector({
      emulator: { seed: { users: [{ id: 'U0ALICE001', name: 'alice', profile: { email: 'alice@acme.test' } }] } },
      label: 'openlink',
    });
  });
  afterEach(() => t.stop());

  function click(value: string) {
    return t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload('U0ALICE001', {
        type: 'block_actions',
        actions: [{ type: 'button', action_id: 'notifications.open_in_pigment', block_id: 'notifications.actions', value, action_ts: '1' }],
      }),
    );
  }

  it('records openedInSlackAt on the notification the first time, through the real listener', async () => {
    const post = await t.fetch('/api/v1/workspaces/default/notifications', {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({
        id: 'n-open-1',
        type: 'conversation',
        subtype: 'comment',
        recipient: { email: 'alice@acme.test' },
        title: 'New comment',
        body: 'Looks good',
        url: 'https://acme.pigment.test/apps/1/blocks/2',
        actor: { name: 'Bea' },
      }),
    });
    expect(post.status).toBe(202);
    const before = (await (await t.fetch('/api/v1/workspaces/default/notifications/n-open-1', { headers: HEADERS })).json()) as Record<string, unknown>;
    expect(before.openedInSlackAt).toBeUndefined();

    await click('n-open-1');
    const opened = await eventually(
      async () => {
        const body = (await (await t.fetch('/api/v1/workspaces/default/notifications/n-open-1', { headers: HEADERS })).json()) as Record<string, unknown>;
        return typeof body.openedInSlackAt === 'string' ? body : undefined;
      },
      5_000,
      'openedInSlackAt',
    );
    expect(opened).toMatchObject({ id: 'n-open-1', status: 'queued' });

    // A second click keeps the first time.
    await click('n-open-1');
    await eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 5_000, 'the click');
    const again = (await (await t.fetch('/api/v1/workspaces/default/notifications/n-open-1', { headers: HEADERS })).json()) as Record<string, unknown>;
    expect(again.openedInSlackAt).toBe(opened.openedInSlackAt);
  });
});
