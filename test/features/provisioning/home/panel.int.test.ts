/**
 * The provisioning panel end to end: the real connector driven through the Slack emulator as a
 * Security Admin configures the sync in the modal, runs it, previews it, and approves or
 * cancels a run the safety limit stopped; and as a standard member forges the same payloads.
 */
import { openHomeArea } from '../../../support/home-areas';
import type { SeedUser } from '../../../../scripts/slack-emulator';
import type { SlackView } from '../../../../scripts/slack-emulator/state';
import { emailKey, type AccountType } from '../../../../src/features/members/member.types';
import { createProvisioningRepos, type ProvisioningConfig } from '../../../../src/features/provisioning';
import {
  PROVISIONING_CONFIG_BLOCKS as BLOCKS,
  PROVISIONING_CONFIG_IDS as CONFIG_IDS,
  PROVISIONING_PANEL_IDS as IDS,
  PROVISIONING_REVIEW_IDS,
} from '../../../../src/features/provisioning/home/config-ids';
import { PROVISIONING_JOB } from '../../../../src/features/provisioning/sync.job';
import { LeaseRepository } from '../../../../src/platform/scheduler/lease.repository';
import { eventually, startTestConnector, type TestConnector } from '../../../support/connector';
import { connectorView, storeRepos } from '../../../support/store-repos';

const TEAM = { id: 'T0PANEL001', name: 'Acme Panel', domain: 'acme-panel' };
const ADMIN = 'U0ADMIN001';
const STANDARD = 'U0STD00001';
const USERS: SeedUser[] = [
  { id: ADMIN, name: 'admin', profile: { email: 'admin@acme.test' } },
  { id: STANDARD, name: 'std', profile: { email: 'std@acme.test' } },
  { id: 'U0ADA00001', name: 'ada', real_name: 'Ada Lovelace', profile: { email: 'ada@acme.test', real_name: 'Ada Lovelace' } },
  { id: 'U0BOB00001', name: 'bob', real_name: 'Bob Byte', profile: { email: 'bob@acme.test', real_name: 'Bob Byte' } },
];
const GROUPS = [
  { id: 'SENG000001', handle: 'eng', name: 'Engineering', users: ['U0ADA00001', 'U0BOB00001'] },
  { id: 'SOPS000001', handle: 'ops', name: 'Operations', users: ['U0BOB00001'] },
];

const CONFIG: ProvisioningConfig = {
  scope: 'groups',
  groupIds: ['SENG000001'],
  teamMapping: { enabled: true, groupToTeam: { SENG000001: 'Engineering' } },
  includeGuests: false,
  inviteNewMembers: false,
  maxDeactivationShare: 0.1,
};

type Block = Record<string, any>;

describe('the provisioning panel in the App Home', () => {
  let t: TestConnector;

  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS, usergroups: GROUPS } }, label: 'provpanel' });
    const { repos, workspace } = connectorView(t.connector);
    await repos.workspaces.transition(TEAM.id, ['pending'], 'live', { acknowledgedAt: new Date() });
    await workspace.refresh();
    await member('m-admin', 'admin@acme.test', 'security_admin');
    await member('m-std', 'std@acme.test', 'standard_member');
    // The panel is in the admin's Sync area: open it once, as the admin would (it is remembered).
    await openHomeArea(t, ADMIN, 'sync');
  });
  afterEach(() => t.stop());

  async function member(id: string, email: string, accountType: AccountType, source: 'api' | 'provisioning' = 'api'): Promise<void> {
    const saved = await storeRepos(t.connector.store.db).members.save(
      { id, name: id, email, emailKey: emailKey(email), accountType, status: 'activated', groups: [], source },
      new Date(),
    );
    if (!saved.ok) throw new Error(`seed ${id} failed`);
  }

  const provisioning = () => createProvisioningRepos(t.connector.deps.db);
  const members = () => storeRepos(t.connector.store.db).members;
  const settle = () => eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 10_000, 'listeners to finish');
  const homeText = (user: string) => JSON.stringify((t.emulator.homeViewOf(user)?.blocks ?? []) as unknown[]);

  async function click(user: string, actionId: string, value?: string) {
    await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(user, {
        type: 'block_actions',
        container: { type: 'view', view_id: 'V0HOME0001' },
        view: { id: 'V0HOME0001', type: 'home' },
        actions: [{ type: 'button', action_id: actionId, block_id: 'x', action_ts: '1', ...(value ? { value } : {}) }],
      }),
    );
    await settle();
  }

  function stateValues(fields: { scope: string; groups?: string[]; mappingOn?: boolean; mapping?: string; share: string; guests?: string }) {
    return {
      ...(fields.guests ? { [BLOCKS.guests]: { [CONFIG_IDS.guests]: { type: 'radio_buttons', selected_option: { value: fields.guests } } } } : {}),
      [BLOCKS.scope]: { [CONFIG_IDS.scope]: { type: 'radio_buttons', selected_option: { value: fields.scope } } },
      [BLOCKS.groups]: { [CONFIG_IDS.groups]: { type: 'multi_external_select', selected_options: (fields.groups ?? []).map((value) => ({ value })) } },
      [BLOCKS.teamMappingEnabled]: { [CONFIG_IDS.teamMappingEnabled]: { type: 'checkboxes', selected_options: fields.mappingOn ? [{ value: 'on' }] : [] } },
      [BLOCKS.teamMapping]: { [CONFIG_IDS.teamMapping]: { type: 'plain_text_input', value: fields.mapping ?? null } },
      [BLOCKS.invite]: { [CONFIG_IDS.invite]: { type: 'checkboxes', selected_options: [] } },
      [BLOCKS.share]: { [CONFIG_IDS.share]: { type: 'number_input', value: fields.share } },
    };
  }

  async function openHome(user: string) {
    const published = t.emulator.callsOf('views.publish').length;
    await t.emulator.socket.sendEvent({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME0001', event_ts: '1' });
    await eventually(() => (t.emulator.callsOf('views.publish').length > published ? true : undefined), 8_000, 'the Home published');
  }

  async function submitConfig(user: string, values: unknown) {
    const ack = await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(user, {
        type: 'view_submission',
        view: { id: 'V0CONFIG01', type: 'modal', callback_id: CONFIG_IDS.view, private_metadata: '', state: { values }, hash: '1' },
      }),
    );
    await settle();
    return ack.payload;
  }

  it('configures the sync in the modal, with group search and inline errors, then says the sync is pending', async () => {
    await click(ADMIN, IDS.configure);
    const modal = await eventually(
      () => t.emulator.modalStackOf(ADMIN).find((v: SlackView) => v.callback_id === CONFIG_IDS.view),
      8_000,
      'the configuration modal',
    );
    expect((modal.blocks as Block[]).map((b) => b.block_id)).toEqual(expect.arrayContaining(Object.values(BLOCKS)));

    const options = await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(ADMIN, {
        type: 'block_suggestion',
        action_id: CONFIG_IDS.groups,
        block_id: BLOCKS.groups,
        value: 'oper',
        view: { id: modal.id, type: 'modal', callback_id: CONFIG_IDS.view },
      }),
    );
    expect(options.payload).toEqual({ options: [{ text: expect.objectContaining({ text: '@ops (Operations)' }), value: 'SOPS000001' }] });
    // A standard member's typeahead gets nothing.
    const refused = await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(STANDARD, {
        type: 'block_suggestion',
        action_id: CONFIG_IDS.groups,
        block_id: BLOCKS.groups,
        value: '',
        view: { id: modal.id, type: 'modal', callback_id: CONFIG_IDS.view },
      }),
    );
    expect(refused.payload).toEqual({ options: [] });

    const bad = await submitConfig(ADMIN, stateValues({ scope: 'groups', mappingOn: true, mapping: '@nope = Engineering', share: '0' }));
    expect(bad).toEqual({
      response_action: 'errors',
      errors: { [BLOCKS.groups]: expect.any(String), [BLOCKS.teamMapping]: 'Line 1: there is no Slack user group @nope.', [BLOCKS.share]: expect.any(String) },
    });
    expect(await provisioning().config.get()).toBeUndefined();

    expect(
      await submitConfig(
        ADMIN,
        stateValues({ scope: 'groups', groups: ['SENG000001'], mappingOn: true, mapping: '@eng = Engineering\n@ops = Engineering', share: '20' }),
      ),
    ).toEqual({});
    expect(await provisioning().config.get()).toMatchObject({
      scope: 'groups',
      groupIds: ['SENG000001'],
      teamMapping: { enabled: true, groupToTeam: { SENG000001: 'Engineering', SOPS000001: 'Engineering' } },
      // The submission had no guests block (a modal of an older version): guests are left out.
      includeGuests: false,
      inviteNewMembers: false,
      maxDeactivationShare: 0.2,
      updatedBy: 'm-admin',
    });
    const home = homeText(ADMIN);
    expect(home).toContain('Your sync is pending');
    expect(home).toContain('Members of @eng');
    expect(home).toContain(IDS.syncNow);
    // The standard member's Home has no panel; the admin's, opened afresh, still has it.
    await openHome(STANDARD);
    await openHome(ADMIN);
    expect(homeText(STANDARD)).not.toBe('[]');
    expect(homeText(STANDARD)).not.toContain('Provisioning sync');
    expect(homeText(ADMIN)).toContain('Provisioning sync');
  });

  it('keeps the guests choice through the modal, the store and the Home, and reads a configuration saved without it as leaving guests out', async () => {
    const openConfig = async () => {
      const before = t.emulator.callsOf('views.update').length;
      await click(ADMIN, IDS.configure);
      await eventually(() => (t.emulator.callsOf('views.update').length > before ? true : undefined), 8_000, 'the configuration modal filled');
      const modal = t.emulator.modalStackOf(ADMIN).find((v: SlackView) => v.callback_id === CONFIG_IDS.view);
      return ((modal?.blocks ?? []) as Block[]).find((b) => b.block_id === BLOCKS.guests)?.element;
    };
    // A configuration saved by a version without the choice: no includeGuests in the document.
    // It synced guests, so it keeps doing so until an admin chooses (no deactivations on upgrade).
    await t.connector.deps.db.collection<{ _id: string }>('provisioning_config').replaceOne(
      { _id: 'config' },
      {
        scope: 'everyone',
        groupIds: [],
        teamMapping: { enabled: false, groupToTeam: {} },
        inviteNewMembers: false,
        maxDeactivationShare: 0.1,
        updatedAt: new Date(),
        updatedBy: 'm-admin',
      },
      { upsert: true },
    );
    expect(await provisioning().config.get()).toMatchObject({ scope: 'everyone', includeGuests: true });
    await openHome(ADMIN);
    expect(homeText(ADMIN)).toContain('*Guests:* Synced like members');
    expect(await openConfig()).toMatchObject({ type: 'radio_buttons', initial_option: { value: 'include' } });

    expect(await submitConfig(ADMIN, stateValues({ scope: 'everyone', share: '10', guests: 'exclude' }))).toEqual({});
    expect(await provisioning().config.get()).toMatchObject({ scope: 'everyone', includeGuests: false, updatedBy: 'm-admin' });
    expect(homeText(ADMIN)).toContain('*Guests:* Left out');
    expect(await openConfig()).toMatchObject({ initial_option: { value: 'exclude' } });

    expect(await submitConfig(ADMIN, stateValues({ scope: 'everyone', share: '10', guests: 'include' }))).toEqual({});
    expect(await provisioning().config.get()).toMatchObject({ includeGuests: true });
    expect(homeText(ADMIN)).toContain('*Guests:* Synced like members');
  });

  it('Sync now creates the members and reports it in the Home; Preview writes nothing', async () => {
    await provisioning().config.save(CONFIG, 'm-admin', new Date(Date.now() - 1_000));
    await click(ADMIN, IDS.preview);
    expect(await members().findById('slack-U0ADA00001')).toBeUndefined();
    expect(homeText(ADMIN)).toContain('Preview completed: would have: 2 created, 2 added to teams.');
    expect(homeText(ADMIN)).toContain('Your sync is pending');

    await click(ADMIN, IDS.syncNow);
    expect(await members().findById('slack-U0ADA00001')).toMatchObject({ status: 'pending', groups: ['Engineering'], source: 'provisioning' });
    expect(await members().findById('slack-U0BOB00001')).toMatchObject({ status: 'pending', groups: ['Engineering'] });
    expect(homeText(ADMIN)).toContain('Sync completed: 2 created, 2 added to teams.');
    expect(homeText(ADMIN)).not.toContain('Your sync is pending');
  });

  it('says so when another process holds the sync lease, and runs nothing', async () => {
    await provisioning().config.save(CONFIG, 'm-admin', new Date());
    expect(await new LeaseRepository(t.connector.deps.db).acquire(PROVISIONING_JOB, 'another-process', 60_000, new Date())).toBe(true);
    await click(ADMIN, IDS.syncNow);
    expect(homeText(ADMIN)).toContain('Another sync is running');
    expect(await provisioning().runs.latest(5)).toEqual([]);
  });

  /** Ten members the sync created, gone from Slack: deactivating them all trips the 10% limit. */
  async function runStoppedForReview(): Promise<string> {
    for (let i = 0; i < 10; i += 1) await member(`slack-U0OLD0000${i}`, `old${i}@acme.test`, 'standard_member', 'provisioning');
    await provisioning().config.save(CONFIG, 'm-admin', new Date());
    await click(ADMIN, IDS.syncNow);
    const [run] = await provisioning().runs.latest(1);
    expect(run).toMatchObject({ status: 'needs_review', counts: { deactivated: 10, created: 2 } });
    expect(homeText(ADMIN)).toContain('it would deactivate 10 members');
    return run!.id;
  }

  it('Review lists the planned deactivations; Approve applies the stored plan', async () => {
    const runId = await runStoppedForReview();
    await click(ADMIN, IDS.review, runId);
    const review = await eventually(
      () => t.emulator.modalStackOf(ADMIN).find((v: SlackView) => v.callback_id === PROVISIONING_REVIEW_IDS.view && v.private_metadata),
      8_000,
      'the review modal',
    );
    const text = JSON.stringify(review.blocks);
    expect(text).toContain('Showing 1–10 of 10');
    for (let i = 0; i < 10; i += 1) expect(text).toContain(`old${i}@acme.test`);

    // A standard member's forged Approve changes nothing.
    await click(STANDARD, IDS.approve, runId);
    expect(await provisioning().runs.findById(runId)).toMatchObject({ status: 'needs_review' });
    expect((await members().findById('slack-U0OLD00000'))?.status).toBe('activated');

    await click(ADMIN, IDS.approve, runId);
    expect(await provisioning().runs.findById(runId)).toMatchObject({ status: 'completed' });
    for (let i = 0; i < 10; i += 1) expect((await members().findById(`slack-U0OLD0000${i}`))?.status).toBe('deactivated');
    expect(await members().findById('slack-U0ADA00001')).toMatchObject({ status: 'pending', groups: ['Engineering'] });
    const lines = [];
    for await (const line of provisioning().runs.streamLines(runId)) lines.push(line);
    expect(lines.every((l) => l.outcome === 'applied')).toBe(true);
    expect(homeText(ADMIN)).toContain('Approved sync completed');
    expect(homeText(ADMIN)).not.toContain(IDS.approve);

    // Approving again does nothing more.
    await click(ADMIN, IDS.approve, runId);
    expect(homeText(ADMIN)).toContain('no longer waiting for review');
  });

  it('Cancel leaves the members untouched and ends the run', async () => {
    const runId = await runStoppedForReview();
    await click(STANDARD, IDS.cancel, runId);
    expect(await provisioning().runs.findById(runId)).toMatchObject({ status: 'needs_review' });

    await click(ADMIN, IDS.cancel, runId);
    expect(await provisioning().runs.findById(runId)).toMatchObject({ status: 'failed', error: 'cancelled by m-admin after review; nothing was applied' });
    for (let i = 0; i < 10; i += 1) expect((await members().findById(`slack-U0OLD0000${i}`))?.status).toBe('activated');
    expect(await members().findById('slack-U0ADA00001')).toBeUndefined();
    expect(homeText(ADMIN)).toContain('was cancelled');
    await click(ADMIN, IDS.approve, runId);
    expect((await members().findById('slack-U0OLD00000'))?.status).toBe('activated');
  });

  it('shows a group renamed in Slack at once, from its subteam_updated event, without reading the groups again; a new group from subteam_created', async () => {
    await provisioning().config.save(CONFIG, 'm-admin', new Date());
    await openHome(ADMIN);
    expect(homeText(ADMIN)).toContain('Members of @eng');
    const listCalls = t.emulator.callsOf('usergroups.list').length;
    expect(listCalls).toBeGreaterThan(0);

    const group = t.emulator.state.usergroups.get('SENG000001')!;
    group.handle = 'platform';
    group.name = 'Platform';
    await t.emulator.socket.sendEvent({ type: 'subteam_updated', subteam: { ...group, users: undefined }, event_ts: '2' });
    await t.emulator.socket.sendEvent({
      type: 'subteam_created',
      subteam: { ...group, id: 'SNEW000001', handle: 'newcomers', name: 'Newcomers', users: undefined },
      event_ts: '3',
    });
    await settle();
    await openHome(ADMIN);
    expect(homeText(ADMIN)).toContain('Members of @platform');
    // Taken from the events: Slack's group list was not read again (it is kept a minute).
    expect(t.emulator.callsOf('usergroups.list')).toHaveLength(listCalls);

    await click(ADMIN, IDS.configure);
    const modal = await eventually(
      () => t.emulator.modalStackOf(ADMIN).find((v: SlackView) => v.callback_id === CONFIG_IDS.view),
      8_000,
      'the configuration modal',
    );
    const options = await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(ADMIN, {
        type: 'block_suggestion',
        action_id: CONFIG_IDS.groups,
        block_id: BLOCKS.groups,
        value: 'new',
        view: { id: modal.id, type: 'modal', callback_id: CONFIG_IDS.view },
      }),
    );
    expect(options.payload).toEqual({ options: [{ text: expect.objectContaining({ text: '@newcomers (Newcomers)' }), value: 'SNEW000001' }] });
    expect(t.emulator.callsOf('usergroups.list')).toHaveLength(listCalls);
  });

  it("refuses a standard member's forged Sync now, Preview and configuration, changing nothing", async () => {
    await provisioning().config.save(CONFIG, 'm-admin', new Date());
    const before = await provisioning().config.get();
    await click(STANDARD, IDS.syncNow);
    await click(STANDARD, IDS.preview);
    expect(await submitConfig(STANDARD, stateValues({ scope: 'everyone', share: '100' }))).toMatchObject({ response_action: 'update' });
    expect(await provisioning().runs.latest(5)).toEqual([]);
    expect(await provisioning().config.get()).toEqual(before);
    expect(await members().findById('slack-U0ADA00001')).toBeUndefined();
    expect(t.emulator.messagesTo(STANDARD).map((m) => m.text)).toEqual([
      expect.stringContaining('Only Security Admins and Primary Owners'),
      expect.stringContaining('Only Security Admins and Primary Owners'),
    ]);
  });
});
