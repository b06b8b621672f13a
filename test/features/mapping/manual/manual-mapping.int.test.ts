/**
 * Manual mapping end to end: the real connector (Bolt, SDK, store) driven through the Slack
 * emulator, as an admin clicks through the modals, and as people who may not manage
 * connections forge the same payloads.
 */
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import type { SlackView } from '../../../../scripts/slack-emulator/state';
import { MANUAL_MAPPING_BLOCKS, MANUAL_MAPPING_IDS } from '../../../../src/features/mapping/manual/ids';
import { refusalText } from '../../../../src/features/members/permissions';
import type { AccountType, MemberStatus } from '../../../../src/features/members/member.types';
import { eventually, startTestConnector, type TestConnector } from '../../../support/connector';
import { connectorView, storeRepos } from '../../../support/store-repos';
import { fullPassJob, scheduledPassJob } from '../../../../src/features/mapping';

const ADMIN = 'U0ADMIN001';
const OWNER = 'U0OWNER001';
const STANDARD = 'U0STD00001';
const WORKSPACE_ADMIN = 'U0WSA00001';
const OUTSIDER = 'U0OUT00001';
const GHOST = 'U0GHOST001';
const REFUSAL_TEXT = refusalText('mapping.manage');

const SEED = {
  team: { id: 'T0ACME0001', name: 'Acme Corp', domain: 'acme' },
  users: [
    { id: ADMIN, name: 'admin', profile: { email: 'admin@acme.test' } },
    { id: OWNER, name: 'owner', profile: { email: 'owner@acme.test' } },
    { id: STANDARD, name: 'std', profile: { email: 'std@acme.test' } },
    { id: WORKSPACE_ADMIN, name: 'wsa', profile: { email: 'wsa@acme.test' } },
    { id: OUTSIDER, name: 'outsider', profile: { email: 'outsider@acme.test' } },
    { id: 'U0ANA00001', name: 'ana', real_name: 'Ana Lima', profile: { email: 'ana.slack@acme.test' } },
    { id: 'U0BEA00001', name: 'bea', profile: { email: 'bea@acme.test' } },
    { id: 'U0BEA00002', name: 'bea2', profile: { email: 'bea.new@acme.test' } },
    { id: 'U0BOT00001', name: 'robot', is_bot: true, profile: { email: 'robot@acme.test' } },
    { id: 'U0EXT00001', name: 'guest', is_stranger: true, profile: { email: 'guest@other.test' } },
    { id: 'U0OLD00001', name: 'old', deleted: true, profile: { email: 'old@acme.test' } },
  ],
};

type Block = Record<string, any>;

describe('manual mapping through the App Home', () => {
  let t: TestConnector;

  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: SEED }, label: 'manualmap' });
    await member('m-admin', 'Admin Person', 'admin@acme.test', 'security_admin');
    await member('m-owner', 'Owner Person', 'owner@acme.test', 'primary_owner');
    await member('m-std', 'Standard Person', 'std@acme.test', 'standard_member');
    await member('m-wsa', 'Workspace Admin Person', 'wsa@acme.test', 'workspace_admin');
    await member('m-ana', 'Ana Lima', 'ana@pigment.test', 'standard_member', 'pending');
    await member('m-bea', 'Bea Costa', 'bea@acme.test', 'standard_member');
    await member('m-gone', 'Ana Gone', 'ana.gone@pigment.test', 'standard_member', 'deactivated');
  });
  afterEach(async () => {
    await t.stop();
  });

  async function member(id: string, name: string, email: string, accountType: AccountType, status: MemberStatus = 'activated'): Promise<void> {
    const saved = await storeRepos(t.connector.store.db).members.save(
      { id, name, email, emailKey: email, accountType, status, groups: [], source: 'api' },
      new Date(),
    );
    if (!saved.ok) throw new Error(`seed ${id} failed`);
  }

  async function fillers(count: number): Promise<void> {
    for (let i = 1; i <= count; i += 1) {
      const n = String(i).padStart(2, '0');
      await member(`m-zed-${n}`, `Zed ${n}`, `zed${n}@pigment.test`, 'standard_member');
    }
  }

  async function mapBea(): Promise<void> {
    const saved = await storeRepos(t.connector.store.db).mappings.save(
      { memberId: 'm-bea', slackUserId: 'U0BEA00001', source: 'auto', slackEmail: 'bea@acme.test', active: true },
      new Date(),
    );
    if (!saved.ok) throw new Error('mapping seed failed');
  }

  const mappings = () => storeRepos(t.connector.store.db).mappings.findByMembers(['m-admin', 'm-owner', 'm-std', 'm-wsa', 'm-ana', 'm-bea']);
  const audit = () => storeRepos(t.connector.store.db).audit.listRecent(100);
  const top = (user: string): SlackView | undefined => t.emulator.modalStackOf(user).at(-1);
  const textOf = (view: unknown) => JSON.stringify((view as { blocks?: unknown } | undefined)?.blocks ?? []);

  /** Waits until the user's top modal satisfies `check`. */
  function modal(user: string, check: (view: SlackView) => boolean, what: string): Promise<SlackView> {
    return eventually(
      () => {
        const view = top(user);
        return view && check(view) ? view : undefined;
      },
      8_000,
      what,
    );
  }

  /** Waits until `method` was called more than `before` times (a listener finished its work). */
  function calledAgain(method: string, before: number): Promise<true> {
    return eventually(() => (t.emulator.callsOf(method).length > before ? true : undefined), 8_000, `another ${method}`);
  }

  async function clickReviewMembers(user: string) {
    return t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(user, {
        type: 'block_actions',
        container: { type: 'view', view_id: 'V0HOME0001' },
        view: { id: 'V0HOME0001', type: 'home' },
        actions: [{ type: 'button', action_id: MANUAL_MAPPING_IDS.reviewMembers, block_id: 'mapping.counts', action_ts: '1' }],
      }),
    );
  }

  /**
   * Opens a new list from the Home. It waits for a view other than the ones already open: after
   * a bare-acked submission Slack shows the list underneath again, which must not pass for the new one.
   */
  async function openList(user: string): Promise<SlackView> {
    const open = new Set(t.emulator.modalStackOf(user).map((view) => view.id));
    await clickReviewMembers(user);
    return modal(user, (v) => !open.has(v.id) && v.callback_id === MANUAL_MAPPING_IDS.reviewView && v.private_metadata !== '', 'the review list');
  }

  /** The element in `view` whose action_id starts with `prefix` (and has `value`, if given). */
  function element(view: SlackView, prefix: string, value?: string): { block: Block; element: Block } {
    for (const block of view.blocks as Block[]) {
      for (const el of [block.accessory, ...(block.elements ?? []), block.element].filter(Boolean) as Block[]) {
        if (String(el.action_id).startsWith(prefix) && (value === undefined || el.value === value)) return { block, element: el };
      }
    }
    throw new Error(`no ${prefix} ${value ?? ''} in view ${view.id}`);
  }

  async function click(user: string, view: SlackView, prefix: string, value?: string) {
    const found = element(view, prefix, value);
    return clickRaw(user, view, {
      type: 'button',
      action_id: found.element.action_id,
      block_id: found.block.block_id,
      ...(found.element.value ? { value: found.element.value } : {}),
    });
  }

  async function clickRaw(user: string, view: Partial<SlackView> & { id: string }, action: Record<string, unknown>) {
    return t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(user, {
        type: 'block_actions',
        container: { type: 'view', view_id: view.id },
        view,
        actions: [{ action_ts: '1', ...action }],
      }),
    );
  }

  async function submit(user: string, view: Partial<SlackView> & { id: string; callback_id: string }, values: Record<string, unknown>) {
    return t.emulator.socket.sendInteractive(t.emulator.interactionPayload(user, { type: 'view_submission', view: { ...view, state: { values } } }));
  }

  const emailValues = (email: string) => ({ [MANUAL_MAPPING_BLOCKS.email]: { [MANUAL_MAPPING_IDS.emailInput]: { type: 'email_text_input', value: email } } });

  /** Opens the list as the admin, searches `name`, clicks its Set up (or Edit) and returns the pushed modal. */
  async function openConnect(
    user: string,
    name: string,
    memberId: string,
    prefix: string = MANUAL_MAPPING_IDS.setUp,
  ): Promise<{ list: SlackView; form: SlackView }> {
    let list = await openList(user);
    if (prefix === MANUAL_MAPPING_IDS.edit) {
      await click(user, list, MANUAL_MAPPING_IDS.showConnected);
      list = await modal(user, (v) => v.private_metadata.includes('"connected"') && textOf(v).includes(name), 'the connected tab');
    }
    await click(user, list, prefix, memberId);
    const form = await modal(user, (v) => v.callback_id === MANUAL_MAPPING_IDS.connectView, 'the Set up modal');
    return { list, form };
  }

  it('lets an admin review members, search, and set up a connection by hand', async () => {
    await fillers(3);
    const list = await openList(ADMIN);
    expect(t.emulator.modalStackOf(ADMIN)).toHaveLength(1);
    expect(validateView(list)).toEqual([]);
    expect(textOf(list)).toContain('Ana Lima');
    expect(textOf(list)).toContain('Zed 01');
    expect(textOf(list)).not.toContain('Ana Gone'); // deactivated members are not listed

    // Enter in the search input.
    await clickRaw(ADMIN, list, { type: 'plain_text_input', action_id: MANUAL_MAPPING_IDS.search, block_id: MANUAL_MAPPING_BLOCKS.search, value: 'ana' });
    const searched = await modal(ADMIN, (v) => v.private_metadata.includes('"text":"ana"'), 'the searched list');
    expect(textOf(searched)).toContain('Ana Lima');
    expect(textOf(searched)).not.toContain('Zed 01');

    await click(ADMIN, searched, MANUAL_MAPPING_IDS.setUp, 'm-ana');
    const form = await modal(ADMIN, (v) => v.callback_id === MANUAL_MAPPING_IDS.connectView, 'the Set up modal');
    expect(t.emulator.modalStackOf(ADMIN)).toHaveLength(2);
    expect(element(form, MANUAL_MAPPING_IDS.emailInput).element.initial_value).toBe('ana@pigment.test');

    // Her Pigment email is not on Slack: an inline error, nothing written.
    const notFound = await submit(ADMIN, form, emailValues('ana@pigment.test'));
    expect(notFound.payload).toEqual({
      response_action: 'errors',
      errors: { [MANUAL_MAPPING_BLOCKS.email]: 'No one in this Slack workspace has this email address.' },
    });
    expect(await mappings()).toEqual([]);
    expect(await audit()).toEqual([]);

    const updatesBefore = t.emulator.callsOf('views.update').length;
    const connected = await submit(ADMIN, form, emailValues('Ana.Slack@acme.test'));
    expect(connected.payload ?? {}).toEqual({});
    expect(await storeRepos(t.connector.store.db).mappings.findByMember('m-ana')).toMatchObject({ slackUserId: 'U0ANA00001', source: 'manual', active: true });
    const entries = await audit();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: { slackUserId: ADMIN, memberId: 'm-admin' },
      action: 'mapping.set_up',
      target: { type: 'mapping', id: 'm-ana' },
      after: { slackUserId: 'U0ANA00001', source: 'manual' },
    });
    expect(entries[0]!.at).toBeInstanceOf(Date);

    // The list underneath is refreshed with a notice, and the admin's Home republished.
    await calledAgain('views.update', updatesBefore);
    const refreshed = await eventually(
      () => {
        const root = t.emulator.modalStackOf(ADMIN)[0];
        return root && textOf(root).includes('is now connected') ? root : undefined;
      },
      8_000,
      'the refreshed list',
    );
    expect(refreshed.id).toBe(list.id);
    expect(textOf(refreshed)).toContain('<@U0ANA00001>');
    expect(element(refreshed, MANUAL_MAPPING_IDS.showUnconnected)).toBeDefined();
    expect(() => element(refreshed, MANUAL_MAPPING_IDS.setUp, 'm-ana')).toThrow();
    await eventually(() => t.emulator.homeViewOf(ADMIN), 8_000, "the admin's Home");
  });

  it('searches with the Search button, answering the submission with the updated list', async () => {
    await fillers(3);
    const list = await openList(OWNER);
    const ack = await submit(OWNER, list, { [MANUAL_MAPPING_BLOCKS.search]: { [MANUAL_MAPPING_IDS.search]: { type: 'plain_text_input', value: 'zed 02' } } });
    const payload = ack.payload as { response_action: string; view: SlackView };
    expect(payload.response_action).toBe('update');
    expect(validateView(payload.view)).toEqual([]);
    expect(textOf(payload.view)).toContain('Zed 02');
    expect(textOf(payload.view)).not.toContain('Zed 01');
    expect(textOf(payload.view)).not.toContain('Ana Lima');
  });

  it('pages through members 20 at a time', async () => {
    await fillers(22);
    // Not connected: Admin, Ana, Bea, Owner, Standard, Workspace Admin and 22 Zeds = 28.
    const first = await openList(ADMIN);
    const setUps = (v: SlackView) => (v.blocks as Block[]).filter((b) => String(b.accessory?.action_id).startsWith(`${MANUAL_MAPPING_IDS.setUp}.`));
    expect(setUps(first)).toHaveLength(20);
    expect(() => element(first, MANUAL_MAPPING_IDS.previousPage)).toThrow();
    await click(ADMIN, first, MANUAL_MAPPING_IDS.nextPage);
    const second = await modal(ADMIN, (v) => v.private_metadata.includes('"page":2'), 'page 2');
    expect(setUps(second)).toHaveLength(8);
    expect(textOf(second)).toContain('Zed 22');
    expect(textOf(second)).not.toContain('Ana Lima');
    expect(() => element(second, MANUAL_MAPPING_IDS.nextPage)).toThrow();
    await click(ADMIN, second, MANUAL_MAPPING_IDS.previousPage);
    const back = await modal(ADMIN, (v) => v.private_metadata.includes('"page":1'), 'page 1 again');
    expect(textOf(back)).toContain('Ana Lima');
    expect(setUps(back)).toHaveLength(20);
  });

  it('shows the empty state when everyone is connected', async () => {
    const repos = storeRepos(t.connector.store.db);
    const pairs: Array<[string, string]> = [
      ['m-admin', ADMIN],
      ['m-owner', OWNER],
      ['m-std', STANDARD],
      ['m-wsa', WORKSPACE_ADMIN],
      ['m-ana', 'U0ANA00001'],
      ['m-bea', 'U0BEA00001'],
    ];
    for (const [memberId, slackUserId] of pairs)
      await repos.mappings.save({ memberId, slackUserId, source: 'auto', slackEmail: 'x@acme.test', active: true }, new Date());
    const list = await openList(ADMIN);
    expect(textOf(list)).toContain('Everyone is connected');
  });

  it.each([
    ['robot@acme.test', 'bot'],
    ['guest@other.test', 'another organisation'],
    ['bea@acme.test', 'already connected to Bea Costa (bea@acme.test)'],
    ['not-an-email', 'Enter an email address'],
  ])('refuses %s inline (%s) and writes nothing', async (email, message) => {
    await mapBea();
    const { form } = await openConnect(ADMIN, 'Ana Lima', 'm-ana');
    const ack = await submit(ADMIN, form, emailValues(email));
    const payload = ack.payload as { response_action: string; errors: Record<string, string> };
    expect(payload.response_action).toBe('errors');
    expect(payload.errors[MANUAL_MAPPING_BLOCKS.email]).toContain(message);
    expect(await storeRepos(t.connector.store.db).mappings.findByMember('m-ana')).toBeUndefined();
    expect(await audit()).toEqual([]);
  });

  it('answers in time with an inline error when Slack is too slow to look the email up', async () => {
    const { form } = await openConnect(ADMIN, 'Ana Lima', 'm-ana');
    t.emulator.injectFault('users.lookupByEmail', { delayMs: 4_000 });
    // The lookup is cut off at its bound and the modal answered with the inline error (speed
    // itself is measured by npm run bench, not here).
    const ack = await submit(ADMIN, form, emailValues('ana.slack@acme.test'));
    expect(ack.payload).toEqual({ response_action: 'errors', errors: { [MANUAL_MAPPING_BLOCKS.email]: 'Slack did not answer in time, try again.' } });
    // The late answer changes nothing either.
    await new Promise((r) => setTimeout(r, 1_800));
    expect(await storeRepos(t.connector.store.db).mappings.findByMember('m-ana')).toBeUndefined();
    expect(await audit()).toEqual([]);
  });

  it('edits a connected member with a new email, replacing the mapping with a manual one', async () => {
    await mapBea();
    const { form } = await openConnect(ADMIN, 'Bea Costa', 'm-bea', MANUAL_MAPPING_IDS.edit);
    expect(textOf(form)).toContain('<@U0BEA00001>');
    expect(element(form, MANUAL_MAPPING_IDS.emailInput).element.initial_value).toBe('bea@acme.test');
    const ack = await submit(ADMIN, form, emailValues('bea.new@acme.test'));
    expect(ack.payload ?? {}).toEqual({});
    expect(await storeRepos(t.connector.store.db).mappings.findByMember('m-bea')).toMatchObject({ slackUserId: 'U0BEA00002', source: 'manual' });
    const [entry] = await audit();
    expect(entry).toMatchObject({
      action: 'mapping.edit',
      before: { slackUserId: 'U0BEA00001', source: 'auto' },
      after: { slackUserId: 'U0BEA00002', source: 'manual' },
    });
  });

  it('never reconnects a member an admin moved and then removed: not on user_change, not by a scheduled or full pass', async () => {
    const view = connectorView(t.connector);
    expect((await view.workspace.acknowledge(await view.actors.resolve(ADMIN))).ok).toBe(true);
    // Going live matches everyone by email: Bea to U0BEA00001 (bea@acme.test).
    await eventually(
      async () => (await storeRepos(t.connector.store.db).mappings.findByMember('m-bea'))?.slackUserId === 'U0BEA00001' || undefined,
      10_000,
      "Bea's email match",
    );

    // The admin moves her to another Slack account, then removes the connection.
    const { form } = await openConnect(ADMIN, 'Bea Costa', 'm-bea', MANUAL_MAPPING_IDS.edit);
    expect((await submit(ADMIN, form, emailValues('bea.new@acme.test'))).payload ?? {}).toEqual({});
    expect(await storeRepos(t.connector.store.db).mappings.findByMember('m-bea')).toMatchObject({ slackUserId: 'U0BEA00002', source: 'manual' });
    const list = await openList(ADMIN);
    await click(ADMIN, list, MANUAL_MAPPING_IDS.showConnected);
    const connected = await modal(ADMIN, (v) => v.private_metadata.includes('"connected"') && textOf(v).includes('Bea Costa'), 'the connected tab');
    await click(ADMIN, connected, MANUAL_MAPPING_IDS.remove, 'm-bea');
    await modal(ADMIN, (v) => textOf(v).includes('was removed'), 'the list after removal');
    expect(await storeRepos(t.connector.store.db).mappings.findByMember('m-bea')).toBeUndefined();

    // The account she was moved away from changes in Slack: still not hers.
    const user = t.emulator.updateUser('U0BEA00001', { real_name: 'Bea C.' });
    await t.emulator.socket.sendEvent({ type: 'user_change', user, event_ts: `${Date.now() / 1000}` });
    await eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 10_000, 'the user_change listener');
    expect(await storeRepos(t.connector.store.db).mappings.findByMember('m-bea')).toBeUndefined();

    const scheduled = await t.connector.deps.scheduler.runExclusive(scheduledPassJob(view.mapping.service), 'manual');
    const full = await t.connector.deps.scheduler.runExclusive(fullPassJob(view.mapping.service), 'manual');
    expect([scheduled, full]).toMatchObject([{ status: 'completed' }, { status: 'completed' }]);
    expect(await storeRepos(t.connector.store.db).mappings.findByMember('m-bea')).toBeUndefined();

    // The check can fail: connecting her by hand again lifts the removal.
    await clickReviewMembers(ADMIN);
    const unconnected = await modal(
      ADMIN,
      (v) => v.callback_id === MANUAL_MAPPING_IDS.reviewView && v.private_metadata.includes('"unconnected"') && textOf(v).includes('Bea Costa'),
      'Bea among the members not connected',
    );
    await click(ADMIN, unconnected, MANUAL_MAPPING_IDS.setUp, 'm-bea');
    const again = await modal(ADMIN, (v) => v.callback_id === MANUAL_MAPPING_IDS.connectView, 'the Set up modal');
    expect((await submit(ADMIN, again, emailValues('bea@acme.test'))).payload ?? {}).toEqual({});
    expect(await storeRepos(t.connector.store.db).mappings.findByMember('m-bea')).toMatchObject({ slackUserId: 'U0BEA00001', source: 'manual' });
  });

  it('removes a connection from the Connected tab', async () => {
    await mapBea();
    const list = await openList(ADMIN);
    await click(ADMIN, list, MANUAL_MAPPING_IDS.showConnected);
    const connected = await modal(ADMIN, (v) => v.private_metadata.includes('"connected"'), 'the connected tab');
    expect(textOf(connected)).toContain('Bea Costa');
    expect(textOf(connected)).not.toContain('Ana Lima');
    const remove = element(connected, MANUAL_MAPPING_IDS.remove, 'm-bea').element;
    expect(remove.confirm).toBeDefined();

    await click(ADMIN, connected, MANUAL_MAPPING_IDS.remove, 'm-bea');
    const after = await modal(ADMIN, (v) => textOf(v).includes('was removed'), 'the list after removal');
    expect(textOf(after)).not.toContain('<@U0BEA00001>');
    expect(await storeRepos(t.connector.store.db).mappings.findByMember('m-bea')).toBeUndefined();
    const [entry] = await audit();
    expect(entry).toMatchObject({
      action: 'mapping.remove',
      actor: { slackUserId: ADMIN, memberId: 'm-admin' },
      target: { type: 'mapping', id: 'm-bea' },
      before: { slackUserId: 'U0BEA00001' },
    });
  });

  it.each([
    ['a standard member', STANDARD],
    ['a workspace admin', WORKSPACE_ADMIN],
    ['a Slack user who is no member', OUTSIDER],
    ['a user Slack does not know', GHOST],
  ])('refuses forged actions and submissions from %s, changing nothing', async (_who, user) => {
    await mapBea();
    const before = await mappings();

    // "Review members" in the Home: refused by DM (the refusal answer of every Home button), no modal opens.
    const posts = t.emulator.callsOf('chat.postMessage').length;
    await clickReviewMembers(user);
    await calledAgain('chat.postMessage', posts);
    const dm = t.emulator.callsOf('chat.postMessage').at(-1)!;
    expect(dm.args).toMatchObject({ channel: user, text: REFUSAL_TEXT });
    expect(t.emulator.modalStackOf(user)).toEqual([]);

    // Forged clicks, as if the list had been shown.
    const refusal = { id: 'V0FORGED01', type: 'modal', callback_id: MANUAL_MAPPING_IDS.reviewView };
    const listLike = { ...refusal, private_metadata: JSON.stringify({ tab: 'unconnected', text: '', page: 1, trail: [], next: 'm-ana' }) };
    for (const action of [
      { type: 'button', action_id: `${MANUAL_MAPPING_IDS.setUp}.0`, block_id: 'mapping.manual.row.0', value: 'm-ana' },
      { type: 'button', action_id: `${MANUAL_MAPPING_IDS.edit}.0`, block_id: 'mapping.manual.row_actions.0', value: 'm-bea' },
      { type: 'button', action_id: `${MANUAL_MAPPING_IDS.remove}.0`, block_id: 'mapping.manual.row_actions.0', value: 'm-bea' },
      { type: 'button', action_id: MANUAL_MAPPING_IDS.nextPage, block_id: 'mapping.manual.paging' },
      { type: 'button', action_id: MANUAL_MAPPING_IDS.showConnected, block_id: 'mapping.manual.tabs' },
      { type: 'plain_text_input', action_id: MANUAL_MAPPING_IDS.search, block_id: MANUAL_MAPPING_BLOCKS.search, value: 'bea' },
    ]) {
      const updates = t.emulator.callsOf('views.update').length;
      await clickRaw(user, listLike, action);
      await calledAgain('views.update', updates);
      const shown = t.emulator.callsOf('views.update').at(-1)!;
      expect(textOf(shown.args.view)).toContain(REFUSAL_TEXT);
      expect(textOf(shown.args.view)).not.toContain('Bea Costa');
    }

    // A forged click with no modal at all gets a DM.
    await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(user, {
        type: 'block_actions',
        actions: [{ type: 'button', action_id: `${MANUAL_MAPPING_IDS.remove}.0`, block_id: 'b', value: 'm-bea', action_ts: '1' }],
      }),
    );
    if (user !== GHOST) await eventually(() => (t.emulator.messagesTo(user).some((m) => m.text === REFUSAL_TEXT) ? true : undefined), 8_000, 'the refusal DM');

    // Forged submissions: the Set up modal and the list's Search.
    const setUp = await submit(
      user,
      { id: refusal.id, callback_id: MANUAL_MAPPING_IDS.connectView, private_metadata: JSON.stringify({ memberId: 'm-ana', mode: 'set_up' }) },
      emailValues('ana.slack@acme.test'),
    );
    expect(setUp.payload).toMatchObject({ response_action: 'update' });
    expect(textOf((setUp.payload as { view: unknown }).view)).toContain(REFUSAL_TEXT);
    const search = await submit(user, { id: refusal.id, callback_id: MANUAL_MAPPING_IDS.reviewView, private_metadata: '' }, {});
    expect(search.payload).toMatchObject({ response_action: 'update' });
    expect(textOf((search.payload as { view: unknown }).view)).toContain(REFUSAL_TEXT);

    // Give any stray listener time to (wrongly) write.
    await new Promise((r) => setTimeout(r, 300));
    expect(await mappings()).toEqual(before);
    expect(await audit()).toEqual([]);
    expect(t.emulator.callsOf('views.push')).toEqual([]);
    expect(t.emulator.callsOf('users.lookupByEmail')).toEqual([]);
  });
});
