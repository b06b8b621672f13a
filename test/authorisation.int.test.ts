/**
 * Every admin action and view the app registers, sent by people who may not use it: a
 * standard member, a Slack user who is no member, and a Slack Connect stranger. Each is
 * refused with nothing changed in the store. The list of listeners is read from the code
 * itself, so a new admin action is covered without editing this test.
 */
import { describe as describeConstraint, recordListeners, sampleId, type Constraint } from './support/listener-recorder';
import { eventually, startTestConnector, type TestConnector } from './support/connector';
import { connectorView, storeRepos } from './support/store-repos';
import { PERMISSION_REFUSED_VIEW } from '../src/features/members/require-permission';
import { SCHEDULER_COLLECTIONS } from './support/scheduler-collections';
import { HOME_AREAS } from '../src/features/home/home-areas';
import { HOME_IDS } from '../src/features/home/ids';

/**
 * Actions anyone may use: links and one's own settings. The notification link only records
 * when a DM's link was first opened (its recipient is the only one who sees the button).
 */
const OPEN_TO_EVERYONE = new Set(['home.open_in_pigment', 'notifications.open_in_pigment']);
/**
 * Actions any member may use on their own things: their notification settings, the welcome
 * DM's link, and the App Home's area buttons (the row and the attention items' "Open …"),
 * which change only the clicker's own view. Sent by others they must still change nothing
 * (the Home remembers only an area the clicker has, and none of these senders has one), but
 * they are not admin actions, so they do not go through the permission middleware.
 */
const OWN_THINGS = new Set([
  'notifications.settings',
  'provisioning.welcome_open_pigment',
  ...HOME_AREAS.map((area) => HOME_IDS.area(area)),
  HOME_IDS.attention(0),
]);

/** The permission middleware's log line for one refused action or submission. */
function refusedLine(logs: readonly string[], key: 'actionId' | 'callbackId', id: string, user: string): boolean {
  return logs.some((line) => line.includes('admin action refused') && line.includes(`"${key}":"${id}"`) && line.includes(`"userId":"${user}"`));
}

const SEED = {
  team: { id: 'T0ACME0001', name: 'Acme', domain: 'acme' },
  users: [
    { id: 'U0ADMIN001', name: 'ada', profile: { email: 'ada@acme.test' } },
    { id: 'U0STANDARD', name: 'sam', profile: { email: 'sam@acme.test' } },
    { id: 'U0NOBODY01', name: 'nora', profile: { email: 'nora@elsewhere.test' } },
    { id: 'U0STRANGER', name: 'stan', team_id: 'T0OTHER001', is_stranger: true, profile: { email: 'stan@acme.test' } },
    { id: 'U0TARGET01', name: 'tom', profile: { email: 'tom@acme.test' } },
    { id: 'U0UNMAPPED', name: 'una', profile: { email: 'una@acme.test' } },
  ],
};

async function snapshot(t: TestConnector): Promise<string> {
  const db = t.connector.store.db;
  const names = (await db.listCollections().toArray())
    .map((c) => c.name)
    .filter((n) => !SCHEDULER_COLLECTIONS.includes(n))
    .sort();
  const parts: Record<string, unknown[]> = {};
  for (const name of names) parts[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
  return JSON.stringify(parts);
}

describe('admin actions are authorised on the server', () => {
  let t: TestConnector;
  let actions: Constraint[];
  let views: Constraint[];

  beforeAll(async () => {
    t = await startTestConnector({ emulator: { seed: SEED as never }, label: 'authz' });
    const { repos, workspace, actors } = connectorView(t.connector);
    const now = new Date();
    const member = (id: string, email: string, accountType: 'security_admin' | 'standard_member') =>
      repos.members.save({ id, name: id, email, emailKey: email, accountType, status: 'activated', groups: [], source: 'api' }, now);
    await member('m-admin', 'ada@acme.test', 'security_admin');
    await member('m-standard', 'sam@acme.test', 'standard_member');
    await member('m-stranger-email', 'stan@acme.test', 'security_admin');
    await member('m-target', 'tom@acme.test', 'standard_member');
    await member('m-unmapped', 'una@acme.test', 'standard_member');
    await repos.mappings.save({ memberId: 'm-target', slackUserId: 'U0TARGET01', source: 'auto', slackEmail: 'tom@acme.test', active: true }, now);
    const ack = await workspace.acknowledge(await actors.resolve('U0ADMIN001'));
    expect(ack.ok).toBe(true);
    // Going live starts the first full matching; let it finish before comparing snapshots.
    await eventually(
      async () =>
        (await t.connector.store.db.collection('job_runs').countDocuments({ job: 'mapping.full_pass', status: 'completed' })) > 0 ? true : undefined,
      10_000,
      'the first matching',
    );
    const recorded = recordListeners(t.connector.store.db);
    actions = recorded.actions;
    views = recorded.views;
  });
  afterAll(() => t.stop());

  async function settle(): Promise<void> {
    await eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 10_000, 'listeners to finish');
  }

  function blockAction(user: string, actionId: string, value: string) {
    return t.emulator.interactionPayload(user, {
      type: 'block_actions',
      actions: [{ type: 'button', action_id: actionId, block_id: 'authz', value, action_ts: '1' }],
      view: { id: 'V0AUTHZ001', type: 'modal', callback_id: 'authz', private_metadata: '', state: { values: {} }, hash: '1' },
    });
  }

  function viewSubmission(user: string, callbackId: string) {
    return t.emulator.interactionPayload(user, {
      type: 'view_submission',
      view: { id: 'V0AUTHZ002', type: 'modal', callback_id: callbackId, private_metadata: '', state: { values: {} }, hash: '1' },
    });
  }

  it('never maps the Slack Connect stranger, even to a member with their email', async () => {
    expect(await storeRepos(t.connector.store.db).mappings.findBySlackUser('U0STRANGER')).toBeUndefined();
  });

  it('finds the admin actions and views to check', () => {
    expect(actions.length).toBeGreaterThan(3);
    expect(views.length).toBeGreaterThan(0);
    // Ashby imports (issue 6): New import, Run now, History, Edit, the setup modal's application picker and its submission.
    const actionIds = actions.map((c) => sampleId(c, 'action_id'));
    expect(actionIds).toEqual(
      expect.arrayContaining([
        'ashby.imports.new',
        'ashby.imports.run_now:0',
        'ashby.imports.history:0',
        'ashby.imports.edit:0',
        'ashby.imports.setup.application',
      ]),
    );
    expect(views.map((c) => sampleId(c, 'callback_id'))).toContain('ashby.imports.setup');
    // The Home's areas (open to everyone, for their own view) and the inventory's "About these columns" (admin).
    expect(actionIds).toEqual(expect.arrayContaining([...HOME_AREAS.map((area) => HOME_IDS.area(area)), 'home.attention:0', 'inventory.about_columns']));
    // Ashby connections (issue 6): Add, the row buttons, paging, and every modal that writes.
    expect(actionIds).toEqual(
      expect.arrayContaining([
        'ashby.connections.add',
        'ashby.connections.edit:0',
        'ashby.connections.replace_key:0',
        'ashby.connections.remove:0',
        'ashby.connections.next',
        'ashby.connections.previous',
      ]),
    );
    expect(views.map((c) => sampleId(c, 'callback_id'))).toEqual(
      expect.arrayContaining([
        'ashby.connections.create_view',
        'ashby.connections.edit_view',
        'ashby.connections.replace_key_view',
        'ashby.connections.remove_view',
      ]),
    );
  });

  describe.each([
    ['a standard member', 'U0STANDARD'],
    ['a Slack user who is no member', 'U0NOBODY01'],
    ['a user of another workspace', 'U0STRANGER'],
  ])('sent by %s', (_who, user) => {
    // About 180 refused actions, each followed by a full store snapshot: several seconds alone,
    // several times that on a loaded CI machine, hence the longer timeout. Every snapshot is
    // compared with one taken before the first action, which is stricter than a fresh one per
    // action (nothing may drift across the whole run) and half the reads.
    it('every admin action changes nothing', async () => {
      await settle();
      const before = await snapshot(t);
      for (const constraint of actions) {
        const actionId = sampleId(constraint, 'action_id');
        if (OPEN_TO_EVERYONE.has(actionId)) continue;
        for (const value of ['m-target', 'm-unmapped', 'T0ACME0001']) {
          const logged = t.logs.length;
          await t.emulator.socket.sendInteractive(blockAction(user, actionId, value));
          await settle();
          expect({ action: describeConstraint(constraint), value, store: await snapshot(t) }).toEqual({
            action: describeConstraint(constraint),
            value,
            store: before,
          });
          // Refused by the one permission middleware, not merely left unchanged by chance.
          if (!OWN_THINGS.has(actionId))
            expect({ action: actionId, refused: refusedLine(t.logs.slice(logged), 'actionId', actionId, user) }).toEqual({ action: actionId, refused: true });
        }
      }
    }, 240_000);

    it('every admin view submission changes nothing', async () => {
      for (const constraint of views) {
        const callbackId = sampleId(constraint, 'callback_id');
        await settle();
        const before = await snapshot(t);
        const logged = t.logs.length;
        const ack = await t.emulator.socket.sendInteractive(viewSubmission(user, callbackId));
        await settle();
        expect({ view: callbackId, store: await snapshot(t) }).toEqual({ view: callbackId, store: before });
        // Refused in the ack itself: the modal turns into the one refusal modal.
        expect({ view: callbackId, refused: refusedLine(t.logs.slice(logged), 'callbackId', callbackId, user) }).toEqual({ view: callbackId, refused: true });
        expect({ view: callbackId, ack: ack.payload }).toMatchObject({
          view: callbackId,
          ack: { response_action: 'update', view: { callback_id: PERMISSION_REFUSED_VIEW } },
        });
      }
    });
  });

  it('the same actions by the Security Admin do change things (the check can fail)', async () => {
    const before = await snapshot(t);
    await t.emulator.socket.sendInteractive(blockAction('U0ADMIN001', 'workspace.acknowledge', 'T0ACME0001'));
    await settle();
    // Already live: acknowledging again is refused too, so use an action that writes.
    const removeRow = actions.map((c) => sampleId(c, 'action_id')).find((id) => id.startsWith('mapping.manual.remove'));
    expect(removeRow).toBeDefined();
    await t.emulator.socket.sendInteractive(blockAction('U0ADMIN001', removeRow!, 'm-target'));
    await settle();
    expect(await snapshot(t)).not.toEqual(before);
  });
});
