/**
 * Property-based test of Slack event handling (issue 7): events with missing, extra or
 * wrongly typed fields, sent through the emulator's Socket Mode server to the real app, are
 * each acknowledged, crash nothing, and write no member or mapping. Interaction payloads of the
 * same kind (unknown action ids, missing view state) are acknowledged too.
 */
import fc from 'fast-check';
import { startTestConnector, type TestConnector } from '../support/connector';

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, '', 0, true, [], {}, { $ne: null }, 'U0NOBODY01', 'x'.repeat(5_000)),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A user object as Slack sends it, with any field dropped, swapped or added. */
const user = fc.record(
  {
    id: fc.oneof(fc.constant('U0FUZZ0001'), hostile),
    team_id: fc.oneof(fc.constant('T0EMULATOR'), hostile),
    deleted: fc.oneof(fc.boolean(), hostile),
    is_bot: fc.oneof(fc.boolean(), hostile),
    profile: fc.oneof(fc.record({ email: fc.oneof(fc.constant('fuzz@acme.test'), hostile), real_name: hostile }, { requiredKeys: [] }), hostile),
  },
  { requiredKeys: [] },
);

const event = fc.oneof(
  fc.record({ type: fc.constantFrom('team_join', 'user_change'), user: fc.oneof(user, hostile) }, { requiredKeys: ['type'] }),
  fc.record(
    {
      type: fc.constant('app_home_opened'),
      user: fc.oneof(fc.constant('U0FUZZ0001'), hostile),
      tab: fc.oneof(fc.constantFrom('home', 'messages'), hostile),
      channel: hostile,
    },
    { requiredKeys: ['type'] },
  ),
  fc.record(
    { type: fc.oneof(fc.constantFrom('subteam_updated', 'user_status_changed', 'message'), fc.string({ maxLength: 12 })), extra: hostile },
    { requiredKeys: ['type'] },
  ),
);

const interaction = fc.record(
  {
    type: fc.constantFrom('block_actions', 'view_submission', 'view_closed', 'shortcut'),
    actions: fc.oneof(fc.constant([{ action_id: 'unknown_action', block_id: 'b', type: 'button', value: 'x' }]), hostile),
    view: fc.oneof(
      fc.record(
        { callback_id: fc.oneof(fc.constant('unknown_view'), fc.string({ maxLength: 20 })), private_metadata: hostile, state: hostile },
        { requiredKeys: [] },
      ),
      hostile,
    ),
  },
  { requiredKeys: ['type'] },
);

describe('Slack payloads with missing, extra or wrong fields', () => {
  let t: TestConnector;
  beforeAll(async () => {
    t = await startTestConnector({ label: 'eventprops' });
  });
  afterAll(async () => {
    await t.stop();
  });

  async function written(): Promise<{ members: number; mappings: number }> {
    const db = t.connector.deps.db;
    return { members: await db.collection('members').countDocuments(), mappings: await db.collection('mappings').countDocuments() };
  }

  it('acknowledges every event, crashes nothing and writes no member or mapping', async () => {
    const before = await written();
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const ack = await t.emulator.socket.sendEvent(e as Record<string, unknown>, { maxRetries: 0 });
        expect(ack).toBeDefined();
      }),
      { numRuns: 80 },
    );
    expect(await written()).toEqual(before);
    expect((await t.fetch('/healthz')).status).toBe(200);
    expect((await t.fetch('/readyz')).status).toBe(200);
  });

  it('acknowledges every interaction payload, whatever its shape', async () => {
    const before = await written();
    await fc.assert(
      fc.asyncProperty(interaction, async (fields) => {
        const ack = await t.emulator.socket.sendInteractive(t.emulator.interactionPayload('U0FUZZ0001', fields as { type: string }), { maxRetries: 0 });
        expect(ack).toBeDefined();
      }),
      { numRuns: 60 },
    );
    expect(await written()).toEqual(before);
    expect((await t.fetch('/healthz')).status).toBe(200);
  });
});
