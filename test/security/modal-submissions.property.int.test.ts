/**
 * Property-based test of the admin modals' submissions (issue 7: "modal submissions"), through
 * the real connector, the Slack emulator's socket and the Ashby emulator. An admin allowed to
 * use every modal (a Primary Owner) submits each admin view with hostile `view.state.values`
 * (blocks missing, elements of the wrong type, huge strings, MongoDB operator objects, extra
 * fields) and hostile `private_metadata` (not JSON, wrong shape, operators, ids that do not
 * exist, huge). Every submission is acknowledged (the emulator rejects a send nobody acks), the
 * connector stays up and connected, a submission refused with inline errors leaves the store
 * exactly as it was, and whatever was accepted is stored as plain data: strings within limits,
 * no operator keys, no values of the wrong type.
 */
import fc from 'fast-check';
import { createAshbyEmulator, type AshbyEmulator } from '../../scripts/ashby-emulator';
import { ASHBY_CONNECTION_IDS as CONNECTION } from '../../src/features/ashby/connections/ids';
import { IMPORT_SETUP_BLOCKS, IMPORT_SETUP_IDS } from '../../src/features/ashby/imports/ids';
import { MANUAL_MAPPING_BLOCKS, MANUAL_MAPPING_IDS } from '../../src/features/mapping/manual/ids';
import { MEMBERS_HOME_IDS as MEMBERS } from '../../src/features/members/home/ids';
import { PROVISIONING_CONFIG_BLOCKS, PROVISIONING_CONFIG_IDS } from '../../src/features/provisioning/home/config-ids';
import { addMember, OWNER, SEED } from '../features/members/home/harness';
import { sampleId, recordListeners } from '../support/listener-recorder';
import { eventually, startTestConnector, type TestConnector } from '../support/connector';
import { TEST_SECRETS } from '../support/factories';
import { registerSuiteSecret } from '../support/suite-log';
import { connectorView } from '../support/store-repos';
import { SCHEDULER_COLLECTIONS } from '../support/scheduler-collections';

const GOOD_KEY = 'ashby_prop_key_Good_7f3e1c9a5b2d4e6f8a0c';
registerSuiteSecret('Ashby API key (modal-submissions.property)', GOOD_KEY);
const AUTH = { authorization: `Bearer ${TEST_SECRETS.apiToken}`, 'content-type': 'application/json' };

/** Longest string any form field may leave in the store (a plain_text_input's own limit). */
const STORED_STRING_MAX = 3_000;

/** `key`: the Ashby API key input, the one place a key is typed (and so the one place this test puts it). */
type Kind = 'text' | 'key' | 'select' | 'multi' | 'checkboxes' | 'file' | 'number';

/** Every input of the admin modals, as (block, action, element kind). */
const FIELDS: ReadonlyArray<[string, string, Kind]> = [
  [MEMBERS.nameBlock, MEMBERS.name, 'text'],
  [MEMBERS.accountTypeBlock, MEMBERS.accountType, 'select'],
  [MEMBERS.searchBlock, MEMBERS.search, 'text'],
  [MEMBERS.successorSearchBlock, MEMBERS.successorSearch, 'text'],
  [MEMBERS.successorBlock, MEMBERS.successor, 'select'],
  [MEMBERS.importFileBlock, MEMBERS.importFile, 'file'],
  [MANUAL_MAPPING_BLOCKS.search, MANUAL_MAPPING_IDS.search, 'text'],
  [MANUAL_MAPPING_BLOCKS.email, MANUAL_MAPPING_IDS.emailInput, 'text'],
  [CONNECTION.name, CONNECTION.name, 'text'],
  [CONNECTION.applications, CONNECTION.applications, 'multi'],
  [CONNECTION.apiKey, CONNECTION.apiKey, 'key'],
  [IMPORT_SETUP_BLOCKS.application, IMPORT_SETUP_IDS.application, 'select'],
  [IMPORT_SETUP_BLOCKS.targetBlock, IMPORT_SETUP_IDS.targetBlock, 'text'],
  [IMPORT_SETUP_BLOCKS.customFields, IMPORT_SETUP_IDS.customFields, 'multi'],
  [IMPORT_SETUP_BLOCKS.createPendingMembers, IMPORT_SETUP_IDS.createPendingMembers, 'checkboxes'],
  [PROVISIONING_CONFIG_BLOCKS.scope, PROVISIONING_CONFIG_IDS.scope, 'select'],
  [PROVISIONING_CONFIG_BLOCKS.groups, PROVISIONING_CONFIG_IDS.groups, 'multi'],
  [PROVISIONING_CONFIG_BLOCKS.teamMappingEnabled, PROVISIONING_CONFIG_IDS.teamMappingEnabled, 'checkboxes'],
  [PROVISIONING_CONFIG_BLOCKS.teamMapping, PROVISIONING_CONFIG_IDS.teamMapping, 'text'],
  [PROVISIONING_CONFIG_BLOCKS.invite, PROVISIONING_CONFIG_IDS.invite, 'checkboxes'],
  [PROVISIONING_CONFIG_BLOCKS.share, PROVISIONING_CONFIG_IDS.share, 'number'],
];

// ---------------------------------------------------------------------------------------------
// Hostile values

const OPERATORS: unknown[] = [
  { $ne: null },
  { $gt: '' },
  { $where: 'sleep(100)' },
  { $regex: '.*' },
  { $in: ['m-sam'] },
  JSON.parse('{"__proto__":{"admin":true}}'),
  { constructor: { prototype: { polluted: true } } },
];
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    undefined,
    '',
    ' ',
    0,
    -1,
    1e308,
    true,
    [],
    {},
    ...OPERATORS,
    'x'.repeat(100_000),
    '<!channel> *bold* `code`',
    '\u202E👩🏽‍💻',
    'm-sam',
  ),
  fc.jsonValue({ maxDepth: 3 }),
);
/** A string a person could type: usually fine, sometimes huge or strange. */
const typed: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'Engineering',
    'New hires',
    'ada@acme.test',
    'sam@acme.test',
    '@eng = Engineering',
    'everyone',
    'groups',
    'on',
    '10',
    'standard_member',
    'primary_owner',
    'm-sam',
    'm-ada',
    'app-hc',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.nat({ max: 20_000 }).map((n) => 'w'.repeat(n)),
);
const stringish = fc.oneof({ weight: 3, arbitrary: typed }, { weight: 1, arbitrary: hostile });
const option = fc.oneof(
  { weight: 3, arbitrary: fc.record({ text: fc.record({ type: fc.constant('plain_text'), text: typed }), value: stringish }) },
  { weight: 1, arbitrary: hostile },
);

/** An element's state as Slack sends it for `kind`, or something else entirely. */
function elementState(kind: Kind): fc.Arbitrary<unknown> {
  const right = {
    text: fc.record({ type: fc.constant('plain_text_input'), value: stringish }),
    key: fc.record({ type: fc.constant('plain_text_input'), value: fc.oneof(fc.constant(GOOD_KEY), stringish) }),
    number: fc.record({ type: fc.constant('number_input'), value: stringish }),
    select: fc.record({ type: fc.constant('static_select'), selected_option: fc.oneof(option, fc.constant(null)) }),
    multi: fc.record({ type: fc.constant('multi_static_select'), selected_options: fc.oneof(fc.array(option, { maxLength: 120 }), hostile) }),
    checkboxes: fc.record({ type: fc.constant('checkboxes'), selected_options: fc.oneof(fc.array(option, { maxLength: 3 }), hostile) }),
    file: fc.record({
      type: fc.constant('file_input'),
      files: fc.oneof(
        fc.array(
          fc.record({
            id: typed,
            name: stringish,
            url_private_download: fc.oneof(stringish, fc.constantFrom('http://169.254.169.254/latest', 'file:///etc/passwd', 'https://files.slack.com/x.csv')),
          }),
          { maxLength: 2 },
        ),
        hostile,
      ),
    }),
  }[kind];
  const wrong = fc.constantFrom<Kind>('text', 'select', 'multi', 'checkboxes', 'file', 'number').filter((k) => k !== kind);
  return fc.oneof(
    { weight: 4, arbitrary: right },
    { weight: 1, arbitrary: wrong.chain((k) => elementState(k)) },
    { weight: 1, arbitrary: hostile },
    { weight: 1, arbitrary: fc.tuple(right, fc.string({ maxLength: 10 }), hostile).map(([state, key, extra]) => ({ ...(state as object), [key]: extra })) },
  );
}

/** `view.state.values`: some of the inputs (any modal's), each with a state or something else; extra blocks. */
const stateValues: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc
          .subarray([...FIELDS])
          .chain((fields) => fc.tuple(...fields.map(([block, action, kind]) => fc.tuple(fc.constant(block), fc.constant(action), elementState(kind))))),
        fc.option(fc.tuple(fc.string({ maxLength: 20 }), hostile), { nil: undefined }),
      )
      .map(([entries, extra]) => {
        const values: Record<string, unknown> = {};
        for (const [block, action, state] of entries) values[block] = { ...(values[block] as object | undefined), [action]: state };
        if (extra) values[extra[0]] = extra[1];
        return values;
      }),
  },
  { weight: 1, arbitrary: hostile },
);

// ---------------------------------------------------------------------------------------------

describe('admin modal submissions, property-based', () => {
  let ashby: AshbyEmulator;
  let t: TestConnector;
  let callbackIds: string[];
  let connectionId: string;
  const deps = () => connectorView(t.connector);

  beforeAll(async () => {
    ashby = await createAshbyEmulator({ keys: { [GOOD_KEY]: { title: 'Pigment import' } } });
    t = await startTestConnector({ emulator: { seed: SEED }, label: 'modal_props', env: { ASHBY_API_URL: ashby.url } });
    const features = deps();
    await addMember(features, { id: 'm-olga', name: 'Olga Owner', email: 'olga@acme.test', accountType: 'primary_owner' });
    await addMember(features, { id: 'm-sam', name: 'Sam Standard', email: 'sam@acme.test' });
    await addMember(features, { id: 'm-ada', name: 'Ada Lovelace', email: 'ada@acme.test' });
    const ack = await features.workspace.acknowledge(await features.actors.resolve(OWNER));
    expect(ack.ok).toBe(true);
    await eventually(async () => ((await features.repos.mappings.findBySlackUser(OWNER)) ? true : undefined), 10_000, 'the owner mapped');
    for (const [id, name] of [
      ['app-hc', 'Headcount planning'],
      ['app-fin', 'Finance'],
    ]) {
      const res = await t.fetch(`/api/v1/workspaces/default/applications/${id}`, { method: 'PUT', headers: AUTH, body: JSON.stringify({ name }) });
      expect(res.status).toBe(201);
    }
    callbackIds = recordListeners(features.globalDb).views.map((c) => sampleId(c, 'callback_id'));
    // One connection, added as an admin does, for the edit / replace key / remove modals to point at.
    const created = {
      [CONNECTION.name]: { [CONNECTION.name]: { type: 'plain_text_input', value: 'Main' } },
      [CONNECTION.apiKey]: { [CONNECTION.apiKey]: { type: 'plain_text_input', value: GOOD_KEY } },
    };
    await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(OWNER, {
        type: 'view_submission',
        view: { id: 'V0PROP0000', type: 'modal', callback_id: CONNECTION.createView, hash: '1', state: { values: created } },
      }),
    );
    const stored = await eventually(
      () =>
        features.db
          .collection('ashby_connections')
          .findOne({})
          .then((doc) => doc ?? undefined),
      10_000,
      'the connection',
    );
    connectionId = String(stored._id);
  });
  afterAll(async () => {
    await t?.stop();
    await ashby?.close();
  });

  async function settle(): Promise<void> {
    await eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 10_000, 'listeners to finish');
  }

  async function snapshot(): Promise<Record<string, unknown[]>> {
    const db = deps().globalDb;
    const names = (await db.listCollections().toArray())
      .map((c) => c.name)
      .filter((n) => !SCHEDULER_COLLECTIONS.includes(n))
      .sort();
    const parts: Record<string, unknown[]> = {};
    for (const name of names) parts[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    return parts;
  }

  /** Where a stored document holds anything but plain data. */
  function impurities(value: unknown, path: string): string[] {
    if (value === null || typeof value === 'boolean' || value instanceof Date) return [];
    if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path}: ${value}`];
    if (typeof value === 'string') return value.length > STORED_STRING_MAX ? [`${path}: a string of ${value.length} characters`] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => impurities(v, `${path}.${i}`));
    if (typeof value === 'object') {
      if ((value as { _bsontype?: string })._bsontype) return [];
      if (Object.getPrototypeOf(value) !== Object.prototype) return [`${path}: not a plain object`];
      return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
        key.startsWith('$') ? [`${path}.${key}: an operator key`] : impurities(v, `${path}.${key}`),
      );
    }
    return [`${path}: ${typeof value}`];
  }

  /** Metadata: what the app writes (pointing at real or missing records), or anything else. */
  const metadata = (): fc.Arbitrary<string | undefined> =>
    fc.oneof(
      fc.constantFrom(
        undefined,
        '',
        '{}',
        'null',
        '[]',
        '{"memberId":"m-sam"}',
        '{"memberId":"m-ada","text":""}',
        '{"memberId":"m-olga"}',
        '{"memberId":"m-sam","mode":"set_up"}',
        '{"memberId":"m-ada","mode":"edit","list":{"viewId":"V0LIST0001"}}',
        '{"memberId":"m-nobody","mode":"set_up"}',
        `{"connectionId":"${connectionId}"}`,
        '{"connectionId":"conn-missing"}',
        '{"importId":"imp-missing"}',
        '{"previewId":"p-missing"}',
        '{"text":"ada"}',
        '{"tab":"unconnected","text":"","page":1,"trail":[]}',
        '{"memberId":{"$ne":null}}',
        '{"connectionId":{"$gt":""}}',
        '{"importId":{"$ne":null}}',
        '{"__proto__":{"admin":true},"memberId":"m-sam"}',
        '{"memberId":"m-sam","extra":{"$where":"1"}}',
        `{"memberId":"${'m'.repeat(5_000)}"}`,
        'not json',
      ),
      hostile.map((v) => JSON.stringify(v)),
    );

  /** Submissions the app would accept, with one field's value typed strange (huge, emoji, operators): the writes happen. */
  const plausible = (): fc.Arbitrary<[string, unknown, string | undefined]> => {
    const text = (block: string, action: string, value: unknown) => ({ [block]: { [action]: { type: 'plain_text_input', value } } });
    const select = (block: string, action: string, value: unknown) => ({
      [block]: { [action]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'x' }, value } } },
    });
    const multi = (block: string, action: string, values: unknown[]) => ({
      [block]: { [action]: { type: 'multi_static_select', selected_options: values.map((value) => ({ text: { type: 'plain_text', text: 'x' }, value })) } },
    });
    return fc.tuple(fc.nat({ max: 4 }), stringish).map(([which, v]): [string, unknown, string | undefined] => {
      switch (which) {
        case 0:
          return [
            MEMBERS.editView,
            { ...text(MEMBERS.nameBlock, MEMBERS.name, v), ...select(MEMBERS.accountTypeBlock, MEMBERS.accountType, 'standard_member') },
            '{"memberId":"m-sam"}',
          ];
        case 1:
          return [
            CONNECTION.editView,
            { ...text(CONNECTION.name, CONNECTION.name, v), ...multi(CONNECTION.applications, CONNECTION.applications, ['app-hc', v]) },
            `{"connectionId":"${connectionId}"}`,
          ];
        case 2:
          return [
            IMPORT_SETUP_IDS.view,
            {
              ...select(IMPORT_SETUP_BLOCKS.application, IMPORT_SETUP_IDS.application, 'app-hc'),
              ...text(IMPORT_SETUP_BLOCKS.targetBlock, IMPORT_SETUP_IDS.targetBlock, v),
              ...multi(IMPORT_SETUP_BLOCKS.customFields, IMPORT_SETUP_IDS.customFields, [v]),
            },
            '{}',
          ];
        case 3:
          return [
            PROVISIONING_CONFIG_IDS.view,
            {
              ...select(PROVISIONING_CONFIG_BLOCKS.scope, PROVISIONING_CONFIG_IDS.scope, 'everyone'),
              ...text(PROVISIONING_CONFIG_BLOCKS.share, PROVISIONING_CONFIG_IDS.share, '10'),
              ...text(PROVISIONING_CONFIG_BLOCKS.teamMapping, PROVISIONING_CONFIG_IDS.teamMapping, v),
            },
            undefined,
          ];
        default:
          return [MANUAL_MAPPING_IDS.connectView, text(MANUAL_MAPPING_BLOCKS.email, MANUAL_MAPPING_IDS.emailInput, v), '{"memberId":"m-ada","mode":"set_up"}'];
      }
    });
  };

  it('every admin view: acked, the connector up, refusals change nothing, acceptances store plain data', async () => {
    // Every admin modal with a listener is exercised (the list comes from the code).
    expect(callbackIds).toEqual(
      expect.arrayContaining([
        MEMBERS.editView,
        MEMBERS.importUploadView,
        MANUAL_MAPPING_IDS.connectView,
        PROVISIONING_CONFIG_IDS.view,
        CONNECTION.createView,
        CONNECTION.editView,
        CONNECTION.replaceKeyView,
        IMPORT_SETUP_IDS.view,
      ]),
    );
    const outcomes = new Map<string, Set<string>>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.tuple(fc.constantFrom(...callbackIds), stateValues, metadata()), plausible()),
        async ([callbackId, values, privateMetadata]) => {
          await settle();
          const before = await snapshot();
          const view = {
            id: 'V0PROP0001',
            type: 'modal',
            callback_id: callbackId,
            hash: '1',
            state: { values },
            ...(privateMetadata === undefined ? {} : { private_metadata: privateMetadata }),
          };
          // Rejects (AckTimeoutError) if the connector never acknowledges.
          const ack = await t.emulator.socket.sendInteractive(t.emulator.interactionPayload(OWNER, { type: 'view_submission', view }));
          await settle();
          const after = await snapshot();
          const action = (ack.payload as { response_action?: string }).response_action ?? 'close';
          outcomes.set(callbackId, (outcomes.get(callbackId) ?? new Set()).add(action));
          if (action === 'errors') expect({ callbackId, store: after }).toEqual({ callbackId, store: before });
          expect({ callbackId, impurities: impurities(after, 'store') }).toEqual({ callbackId, impurities: [] });
          expect(t.emulator.socket.connectionCount()).toBeGreaterThan(0);
        },
      ),
      { numRuns: 120 },
    );
    // Still serving: the HTTP API answers and a later interaction is acked.
    expect((await t.fetch('/healthz')).status).toBe(200);
    expect(t.logs.filter((line) => line.includes(GOOD_KEY)).map((l) => l.slice(0, 600))).toEqual([]);
    expect([...outcomes.keys()].length).toBeGreaterThan(4);
    // Some submissions were accepted, so the purity check saw real writes.
    expect([...outcomes.values()].some((actions) => [...actions].some((a) => a !== 'errors'))).toBe(true);
  });
});
