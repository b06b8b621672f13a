/**
 * Ashby connections end to end: the real connector (Bolt, SDK, store) against the Slack
 * emulator and the Ashby emulator. An admin adds a connection from the App Home (the key
 * checked with Ashby, a wrong one refused inline with nothing saved), edits its name and
 * access list, replaces its key, and removes it after a confirmation. The stored document
 * holds no key, no log line does, and a standard member's forged payloads change nothing.
 */
import { openHomeArea } from '../../../support/home-areas';
import { createAshbyEmulator, type AshbyEmulator } from '../../../../scripts/ashby-emulator';
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import type { SlackView } from '../../../../scripts/slack-emulator/state';
import type { SocketModeAck } from '../../../../scripts/slack-emulator/types';

import {
  ASHBY_CONNECTION_IDS as IDS,
  AshbyConnectionRepository,
  createConnectionService,
  type AshbyConnectionService,
} from '../../../../src/features/ashby/connections';
import { ApplicationRepository } from '../../../../src/features/applications/application.repository';
import { createAshbyApi } from '../../../../src/features/ashby/client';
import { eventually, startTestConnector, type TestConnector } from '../../../support/connector';
import { TEST_SECRETS } from '../../../support/factories';
import { addMember, ADMIN, modalWith, OWNER, press, SEED, settle, STANDARD, submit, textOf } from '../../members/home/harness';
import { connectorView } from '../../../support/store-repos';

const GOOD_KEY = 'ashby_live_key_Good_0123456789abcdefGOOD';
const NEW_KEY = 'ashby_live_key_Next_fedcba9876543210NEXT';
const WRONG_KEY = 'ashby_live_key_Wrong_000000000000000WRNG';
const REVOKED_KEY = 'ashby_live_key_Revoked_11111111111111RVKD';
const LIMITED_KEY = 'ashby_live_key_Limited_2222222222222LMTD';
const ALL_KEYS = [GOOD_KEY, NEW_KEY, WRONG_KEY, REVOKED_KEY, LIMITED_KEY];
const AUTH = { authorization: `Bearer ${TEST_SECRETS.apiToken}`, 'content-type': 'application/json' };

type Block = Record<string, any>;

/** Slack's state values for the connection form. */
function formValues(input: { name?: string; applications?: string[]; apiKey?: string }): Record<string, unknown> {
  return {
    ...(input.name !== undefined ? { [IDS.name]: { [IDS.name]: { type: 'plain_text_input', value: input.name } } } : {}),
    ...(input.applications
      ? {
          [IDS.applications]: {
            [IDS.applications]: {
              type: 'multi_external_select',
              selected_options: input.applications.map((value) => ({ text: { type: 'plain_text', text: value }, value })),
            },
          },
        }
      : {}),
    ...(input.apiKey !== undefined ? { [IDS.apiKey]: { [IDS.apiKey]: { type: 'plain_text_input', value: input.apiKey } } } : {}),
  };
}

/** Every spelling of a key that could betray it: as typed, base64 (alone and as Basic auth), URL-encoded. */
function spellingsOf(key: string): string[] {
  return [key, Buffer.from(key).toString('base64'), Buffer.from(`${key}:`).toString('base64'), encodeURIComponent(key)];
}

describe('Ashby connections in the App Home', () => {
  let ashby: AshbyEmulator;
  let t: TestConnector;
  let deps: ReturnType<typeof connectorView>;
  let connections: AshbyConnectionService;

  beforeAll(async () => {
    ashby = await createAshbyEmulator({
      keys: { [GOOD_KEY]: { title: 'Pigment import' }, [NEW_KEY]: {}, [REVOKED_KEY]: {}, [LIMITED_KEY]: { permissions: ['candidatesRead', 'apiKeysRead'] } },
    });
    ashby.keys.revoke(REVOKED_KEY);
    t = await startTestConnector({ emulator: { seed: SEED }, label: 'ashby_connections', env: { ASHBY_API_URL: ashby.url } });
    deps = connectorView(t.connector);
    // The same service the connector runs, on its database (reads only in these tests).
    connections = createConnectionService(deps, {
      applications: new ApplicationRepository(deps.db),
      ashby: createAshbyApi({ baseUrl: ashby.url, logger: deps.logger }),
    });
    await addMember(deps, { id: 'm-wanda', name: 'Wanda Admin', email: 'wanda@acme.test', accountType: 'workspace_admin' });
    await addMember(deps, { id: 'm-sam', name: 'Sam Standard', email: 'sam@acme.test' });
    await addMember(deps, { id: 'm-olga', name: 'Olga Owner', email: 'olga@acme.test', accountType: 'primary_owner' });
    for (const [id, name] of [
      ['app-hc', 'Headcount planning'],
      ['app-fin', 'Finance & <Budget>'],
      ['app-ops', 'Operations'],
    ]) {
      const res = await t.fetch(`/api/v1/workspaces/default/applications/${id}`, { method: 'PUT', headers: AUTH, body: JSON.stringify({ name }) });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.stop();
    await ashby?.close();
  });

  const raw = () => deps.db.collection('ashby_connections').find({}).toArray();

  /** The Home on the Ashby area, where an admin finds the connections (one publish, as opening the tab). */
  async function openHome(userId: string): Promise<Block[]> {
    await openHomeArea(t, userId, 'ashby');
    return homeBlocks(userId);
  }

  function homeBlocks(userId: string): Block[] {
    return (t.emulator.homeViewOf(userId)?.blocks ?? []) as Block[];
  }

  /** The row button of the connection shown at `index` in the admin's Home. */
  function rowButton(blocks: Block[], prefix: string, connectionId: string): { action_id: string; value: string } {
    const button = blocks
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements as Block[])
      .find((e) => String(e.action_id).startsWith(`${prefix}:`) && e.value === connectionId);
    if (!button) throw new Error(`no ${prefix} button for ${connectionId}`);
    return button as { action_id: string; value: string };
  }

  async function openCreate(): Promise<SlackView> {
    await press(t, ADMIN, IDS.add, { value: 'add' });
    return modalWith(t, ADMIN, IDS.createView);
  }

  it('adds a connection with a good key: checked with Ashby, stored encrypted, shown by its last four characters', async () => {
    const empty = await openHome(ADMIN);
    expect(textOf(empty)).toContain('No Ashby connection yet');

    const form = await openCreate();
    expect(validateView(form)).toEqual([]);
    expect((form.blocks as Block[]).find((b) => b.block_id === IDS.name)!.element.initial_value).toBe('Ashby connection');

    // The access list's typeahead offers the registered applications, by name.
    const options = await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(ADMIN, {
        type: 'block_suggestion',
        action_id: IDS.applications,
        block_id: IDS.applications,
        value: 'head',
        view: { id: form.id, type: 'modal', callback_id: IDS.createView },
      }),
    );
    expect(options.payload).toEqual({ options: [{ text: expect.objectContaining({ text: 'Headcount planning' }), value: 'app-hc' }] });

    ashby.clearCalls();
    const ack = await submit(t, ADMIN, form, formValues({ name: 'Ashby connection', applications: ['app-hc'], apiKey: `  ${GOOD_KEY} ` }));
    expect(ack.payload ?? {}).toEqual({});
    expect(ashby.calls().length).toBeGreaterThan(0);
    expect(ashby.calls().every((c) => c.key === GOOD_KEY)).toBe(true);

    const [created] = await connections.list();
    expect(created).toMatchObject({ name: 'Ashby connection', applicationIds: ['app-hc'], keyLast4: 'GOOD', status: 'ok', createdBy: 'm-wanda' });
    expect(await connections.apiKeyOf(created!)).toBe(GOOD_KEY);
    expect((await connections.findForApplication('app-hc'))?.id).toBe(created!.id);
    expect(await connections.findForApplication('app-ops')).toBeUndefined();

    // The raw document: an encrypted value and the last four characters, never the key.
    const docs = await raw();
    expect(docs).toHaveLength(1);
    expect(docs[0]!.key).toEqual({ v: 1, iv: expect.any(String), data: expect.any(String), tag: expect.any(String) });
    for (const spelling of spellingsOf(GOOD_KEY)) expect(JSON.stringify(docs)).not.toContain(spelling);

    const home = await eventually(
      () => (textOf(homeBlocks(ADMIN)).includes('added') ? homeBlocks(ADMIN) : undefined),
      5_000,
      'the Home with the new connection',
    );
    expect(validateView({ type: 'home', blocks: home })).toEqual([]);
    expect(textOf(home)).toContain('Headcount planning');
    expect(textOf(home)).toContain('ends in `GOOD`');
    expect(textOf(home)).not.toContain(GOOD_KEY);
  });

  it('refuses a wrong, revoked or under-permitted key inline, saving nothing', async () => {
    const before = JSON.stringify(await raw());
    const form = await openCreate();
    const cases: Array<[string, RegExp]> = [
      [WRONG_KEY, /Ashby refused this API key/],
      [REVOKED_KEY, /Ashby refused this API key/],
      [LIMITED_KEY, /offersRead/],
    ];
    for (const [key, message] of cases) {
      const ack = await submit(t, ADMIN, form, formValues({ name: 'Second', applications: ['app-ops'], apiKey: key }));
      expect(ack.payload).toEqual({ response_action: 'errors', errors: { [IDS.apiKey]: expect.stringMatching(message) } });
      expect(textOf(ack.payload)).not.toContain(key);
    }
    // Input problems are answered before Ashby is asked.
    ashby.clearCalls();
    const bad = await submit(t, ADMIN, form, formValues({ name: '   ', applications: ['app-hc', 'app-nope'], apiKey: 'two words' }));
    expect(bad.payload).toEqual({
      response_action: 'errors',
      errors: {
        [IDS.name]: expect.stringContaining('Enter a name'),
        [IDS.applications]: expect.stringContaining('app-nope'),
        [IDS.apiKey]: expect.stringContaining('no spaces'),
      },
    });
    const taken = await submit(t, ADMIN, form, formValues({ name: 'Second', applications: ['app-hc'], apiKey: NEW_KEY }));
    expect(taken.payload).toEqual({
      response_action: 'errors',
      errors: { [IDS.applications]: expect.stringContaining('Headcount planning is already on “Ashby connection”') },
    });
    expect(ashby.calls()).toEqual([]);
    expect(JSON.stringify(await raw())).toBe(before);
  });

  it('edits the name and the access list, keeping the key', async () => {
    const [existing] = await connections.list();
    const home = await openHome(ADMIN);
    const edit = rowButton(home, IDS.edit, existing!.id);
    await press(t, ADMIN, edit.action_id, { value: edit.value });
    const form = await modalWith(t, ADMIN, IDS.editView);
    expect(validateView(form)).toEqual([]);
    expect(textOf(form)).toContain('ends in `GOOD`');
    expect(textOf(form)).not.toContain(GOOD_KEY);

    const empty = await submit(t, ADMIN, form, formValues({ name: ' ', applications: ['app-hc'] }));
    expect(empty.payload).toEqual({ response_action: 'errors', errors: { [IDS.name]: expect.any(String) } });

    const saved = await submit(t, ADMIN, form, formValues({ name: 'Main Ashby', applications: ['app-hc', 'app-fin'] }));
    expect(saved.payload ?? {}).toEqual({});
    const after = await connections.get(existing!.id);
    expect(after).toMatchObject({ name: 'Main Ashby', applicationIds: ['app-hc', 'app-fin'], keyLast4: 'GOOD', updatedBy: 'm-wanda' });
    expect(await connections.apiKeyOf(after!)).toBe(GOOD_KEY);
    await eventually(() => (textOf(homeBlocks(ADMIN)).includes('Finance &amp; &lt;Budget&gt;') ? true : undefined), 5_000, 'the Home with the new access list');
  });

  it('replaces the key (checked), which mends a broken connection', async () => {
    const [existing] = await connections.list();
    await connections.markBroken(existing!.id, 'Ashby answered 403: api_key_deactivated');
    const home = await openHome(ADMIN);
    expect(textOf(home)).toContain('api_key_deactivated');
    const replace = rowButton(home, IDS.replaceKey, existing!.id);
    await press(t, ADMIN, replace.action_id, { value: replace.value });
    const form = await modalWith(t, ADMIN, IDS.replaceKeyView);
    expect(validateView(form)).toEqual([]);

    const wrong = await submit(t, ADMIN, form, formValues({ apiKey: WRONG_KEY }));
    expect(wrong.payload).toEqual({ response_action: 'errors', errors: { [IDS.apiKey]: expect.stringContaining('refused') } });
    expect(await connections.apiKeyOf(existing!)).toBe(GOOD_KEY);

    const ok = await submit(t, ADMIN, form, formValues({ apiKey: NEW_KEY }));
    expect(ok.payload ?? {}).toEqual({});
    const after = await connections.get(existing!.id);
    expect(after).toMatchObject({ keyLast4: 'NEXT', status: 'ok', name: 'Main Ashby' });
    expect(after!.brokenReason).toBeUndefined();
    expect(await connections.apiKeyOf(after!)).toBe(NEW_KEY);
    for (const spelling of [...spellingsOf(NEW_KEY), ...spellingsOf(GOOD_KEY)]) expect(JSON.stringify(await raw())).not.toContain(spelling);
  });

  it('answers a slow key check with "Checking…" and finishes after the ack', async () => {
    // Ashby asks to wait 3 s: longer than the ack may wait.
    ashby.failNext({ status: 429, retryAfterS: 3 });
    const form = await openCreate();
    const ack: SocketModeAck = await submit(t, ADMIN, form, formValues({ name: 'Operations Ashby', applications: ['app-ops'], apiKey: GOOD_KEY }));
    expect(ack.payload).toMatchObject({ response_action: 'update', view: { callback_id: IDS.noticeView } });
    expect(textOf(ack.payload)).toContain('Checking the key');
    await modalWith(t, ADMIN, IDS.noticeView, (v) => textOf(v).includes('Operations Ashby'), 'the saved notice');
    expect((await connections.findForApplication('app-ops'))?.name).toBe('Operations Ashby');
  });

  it('removes a connection after a confirmation, with its key', async () => {
    const target = (await connections.list()).find((c) => c.name === 'Operations Ashby')!;
    const home = await openHome(ADMIN);
    const remove = rowButton(home, IDS.remove, target.id);
    await press(t, ADMIN, remove.action_id, { value: remove.value });
    const confirm = await modalWith(t, ADMIN, IDS.removeView);
    expect(validateView(confirm)).toEqual([]);
    expect(textOf(confirm)).toContain('Operations');
    // Opening the confirmation changed nothing.
    expect(await connections.get(target.id)).toBeDefined();
    const ack = await submit(t, ADMIN, confirm, {});
    expect(ack.payload ?? {}).toEqual({});
    expect(await connections.get(target.id)).toBeUndefined();
    expect((await raw()).map((d) => d._id)).not.toContain(target.id);
    await eventually(() => (textOf(homeBlocks(ADMIN)).includes('removed') ? true : undefined), 5_000, 'the Home after removal');
    // Removing it again: it is gone, nothing else changes.
    const again = await submit(t, ADMIN, confirm, {});
    expect(textOf(again.payload)).toContain('no longer exists');
  });

  it('lets a Primary Owner manage connections too', async () => {
    const home = await openHome(OWNER);
    expect(textOf(home)).toContain('Ashby connections');
    expect(textOf(home)).toContain('Main Ashby');
  });

  it('refuses a standard member’s forged clicks and submissions, changing nothing and asking Ashby nothing', async () => {
    const [existing] = await connections.list();
    const before = JSON.stringify(await raw());
    ashby.clearCalls();
    expect(textOf(await openHome(STANDARD))).not.toContain('Ashby connections');

    for (const actionId of [IDS.add, `${IDS.edit}:0`, `${IDS.replaceKey}:0`, `${IDS.remove}:0`, IDS.next]) {
      const dms = t.emulator.messagesTo(STANDARD).length;
      await press(t, STANDARD, actionId, { value: existing!.id });
      await eventually(() => (t.emulator.messagesTo(STANDARD).length > dms ? true : undefined), 5_000, `the refusal of ${actionId}`);
      expect(t.emulator.messagesTo(STANDARD).at(-1)!.text).toContain('Only Workspace Admins and Primary Owners');
    }
    expect(t.emulator.modalStackOf(STANDARD)).toEqual([]);

    const forged = (callbackId: string) => ({
      id: 'V0FORGED01',
      type: 'modal',
      callback_id: callbackId,
      private_metadata: JSON.stringify({ connectionId: existing!.id }),
    });
    const submissions: Array<[string, Record<string, unknown>]> = [
      [IDS.createView, formValues({ name: 'Forged', applications: ['app-ops'], apiKey: GOOD_KEY })],
      [IDS.editView, formValues({ name: 'Hacked', applications: ['app-ops'] })],
      [IDS.replaceKeyView, formValues({ apiKey: NEW_KEY })],
      [IDS.removeView, {}],
    ];
    for (const [callbackId, values] of submissions) {
      const ack = await submit(t, STANDARD, forged(callbackId), values);
      expect(ack.payload).toMatchObject({ response_action: 'update' });
      expect(textOf(ack.payload)).toContain('Only Workspace Admins and Primary Owners');
    }
    const options = await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(STANDARD, {
        type: 'block_suggestion',
        action_id: IDS.applications,
        block_id: IDS.applications,
        value: '',
        view: { id: 'V0FORGED01', type: 'modal', callback_id: IDS.createView },
      }),
    );
    expect(options.payload).toEqual({ options: [] });

    await settle();
    expect(JSON.stringify(await raw())).toBe(before);
    expect(ashby.calls()).toEqual([]);
  });

  it('never logs a key, in any spelling', async () => {
    await settle();
    expect(t.logs.length).toBeGreaterThan(50);
    const logs = t.logs.join('\n');
    // The check can fail: the submissions above did reach the connector.
    expect(logs).toContain(IDS.createView);
    for (const key of ALL_KEYS)
      for (const spelling of spellingsOf(key))
        expect({ spelling, found: t.logs.filter((l) => l.includes(spelling)).map((l) => l.slice(0, 300)) }).toEqual({ spelling, found: [] });
  });
});

describe('AshbyConnectionRepository', () => {
  it('never returns the encrypted key with a connection', async () => {
    const t = await startTestConnector({ label: 'ashby_conn_repo' });
    try {
      const repo = new AshbyConnectionRepository(t.connector.store.db);
      const at = new Date();
      await repo.insert(
        { id: 'ac-x', name: 'X', applicationIds: [], keyLast4: 'abcd', status: 'ok', createdBy: 'm-1', createdAt: at, updatedBy: 'm-1', updatedAt: at },
        { v: 1, iv: 'aaaa', data: 'bbbb', tag: 'cccc' },
      );
      expect(Object.keys((await repo.findById('ac-x'))!)).not.toContain('key');
      expect(Object.keys((await repo.list())[0]!)).not.toContain('key');
      expect(await repo.encryptedKeyOf('ac-x')).toEqual({ v: 1, iv: 'aaaa', data: 'bbbb', tag: 'cccc' });
      expect(await repo.markBroken('ac-missing', 'x', at)).toBe(false);
    } finally {
      await t.stop();
    }
  });
});
