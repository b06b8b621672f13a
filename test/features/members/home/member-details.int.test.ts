/**
 * Member details from the App Home, end to end against the Slack emulator and the embedded
 * store: search and page the directory, open a member, edit, deactivate (with a successor
 * when the member owns something) and reactivate; every change audited; forged payloads from
 * a standard member refused with nothing changed.
 */
import { openHomeArea } from '../../../support/home-areas';
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import type { SlackView } from '../../../../scripts/slack-emulator/state';

import { MEMBERS_HOME_IDS } from '../../../../src/features/members/home/ids';
import { eventually, startTestConnector, type TestConnector } from '../../../support/connector';
import {
  addMember,
  ADMIN,
  afterAck,
  modalWith,
  press,
  SEED,
  seedMembers,
  selected,
  settle,
  STANDARD,
  submit,
  textInput,
  textOf,
  wirePreviews,
  type Driver,
} from './harness';
import { ImportRepository } from '../../../../src/features/ashby/imports/import.repository';
import { connectorView } from '../../../support/store-repos';
import { PERMISSION_REFUSED_VIEW } from '../../../../src/features/members/require-permission';

const showMember = (index: number) => `${MEMBERS_HOME_IDS.showMemberPrefix}${index}`;

async function openDirectory(t: Driver): Promise<SlackView> {
  await press(t, ADMIN, MEMBERS_HOME_IDS.detailsOpen, { value: 'details' });
  return modalWith(t, ADMIN, MEMBERS_HOME_IDS.directoryView);
}

/** Searches the directory with Enter, then opens the first row's details. */
async function openMember(t: Driver, search: string): Promise<SlackView> {
  const directory = await openDirectory(t);
  await press(t, ADMIN, MEMBERS_HOME_IDS.search, { type: 'plain_text_input', value: search, view: directory, blockId: MEMBERS_HOME_IDS.searchBlock });
  const found = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.directoryView, (v) => (v.private_metadata ?? '').includes(search), 'the search result');
  const row = (found.blocks as Array<{ accessory?: { action_id: string; value: string } }>).find((b) => b.accessory?.action_id === showMember(0))!;
  await press(t, ADMIN, showMember(0), { value: row.accessory!.value, view: found });
  return modalWith(t, ADMIN, MEMBERS_HOME_IDS.detailsView);
}

describe('member details in the App Home', () => {
  let t: TestConnector;
  let deps: ReturnType<typeof connectorView>;
  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: SEED }, label: 'members_details' });
    wirePreviews(t);
    deps = connectorView(t.connector);
    await seedMembers(deps);
    await deps.repos.mappings.save({ memberId: 'm-ada', slackUserId: 'U0ADA00001', source: 'auto', slackEmail: 'ada@acme.test', active: true }, new Date());
  });
  afterEach(async () => {
    await t.stop();
  });

  it('searches and pages the directory', async () => {
    for (let i = 0; i < 30; i++)
      await addMember(deps, { id: `m-x${String(i).padStart(2, '0')}`, name: `Xavier ${String(i).padStart(2, '0')}`, email: `x${i}@acme.test` });
    const directory = await openDirectory(t);
    expect(validateView(directory)).toEqual([]);
    expect(textOf(directory)).toContain('Ada Lovelace');
    expect(textOf(directory)).toContain(MEMBERS_HOME_IDS.directoryNext);

    await press(t, ADMIN, MEMBERS_HOME_IDS.directoryNext, { value: 'next', view: directory });
    const second = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.directoryView, (v) => textOf(v).includes(MEMBERS_HOME_IDS.directoryFirst), 'the second page');
    expect(validateView(second)).toEqual([]);
    expect(textOf(second)).toContain('Xavier 29');
    expect(textOf(second)).not.toContain('Ada Lovelace');

    await press(t, ADMIN, MEMBERS_HOME_IDS.search, { type: 'plain_text_input', value: 'LOVELACE', view: second, blockId: MEMBERS_HOME_IDS.searchBlock });
    const found = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.directoryView, (v) => (v.private_metadata ?? '').includes('LOVELACE'), 'the search');
    expect(textOf(found)).toContain('Ada Lovelace');
    expect(textOf(found)).not.toContain('Bruno');

    // The Search button answers in the ack.
    const ack = await submit(t, ADMIN, found, textInput(MEMBERS_HOME_IDS.searchBlock, MEMBERS_HOME_IDS.search, 'bruno@'));
    const bySubmit = afterAck(found, ack);
    expect(textOf(bySubmit)).toContain('bruno@acme.test');
    expect(textOf(bySubmit)).not.toContain('Ada Lovelace');
    expect(validateView(bySubmit)).toEqual([]);
  });

  it('shows a member’s details, edits name and account type with inline errors, audited', async () => {
    const details = await openMember(t, 'ada');
    expect(validateView(details)).toEqual([]);
    expect(t.emulator.modalStackOf(ADMIN)).toHaveLength(2);
    expect(textOf(details)).toContain('Connected as <@U0ADA00001>');
    expect(textOf(details)).toContain('Standard member');

    await press(t, ADMIN, MEMBERS_HOME_IDS.edit, { value: 'edit', view: details });
    const form = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.editView);
    expect(validateView(form)).toEqual([]);
    const values = (name: string | null, type: string) => ({
      ...textInput(MEMBERS_HOME_IDS.nameBlock, MEMBERS_HOME_IDS.name, name),
      ...selected(MEMBERS_HOME_IDS.accountTypeBlock, MEMBERS_HOME_IDS.accountType, type),
    });

    expect((await submit(t, ADMIN, form, values('   ', 'standard_member'))).payload).toEqual({
      response_action: 'errors',
      errors: { [MEMBERS_HOME_IDS.nameBlock]: 'Enter a name of 1 to 200 characters.' },
    });
    // A workspace admin cannot make a Primary Owner.
    const tooHigh = await submit(t, ADMIN, form, values('Ada', 'primary_owner'));
    expect(tooHigh.payload).toMatchObject({ response_action: 'errors', errors: { [MEMBERS_HOME_IDS.accountTypeBlock]: expect.any(String) } });
    expect(await deps.repos.members.findById('m-ada')).toMatchObject({ name: 'Ada Lovelace', accountType: 'standard_member' });

    const saved = afterAck(form, await submit(t, ADMIN, form, values('Ada King', 'workspace_admin')));
    expect(saved.callback_id).toBe(MEMBERS_HOME_IDS.detailsView);
    expect(validateView(saved)).toEqual([]);
    expect(textOf(saved)).toContain('Saved.');
    expect(textOf(saved)).toContain('Ada King');
    expect(await deps.repos.members.findById('m-ada')).toMatchObject({ name: 'Ada King', accountType: 'workspace_admin' });
    const audit = await deps.repos.audit.listForTarget('m-ada');
    expect(audit[0]).toMatchObject({
      action: 'member.update',
      actor: { slackUserId: ADMIN, memberId: 'm-wanda' },
      before: { name: 'Ada Lovelace', accountType: 'standard_member' },
      after: { name: 'Ada King', accountType: 'workspace_admin' },
    });
  });

  it('deactivates and reactivates, audited, updating the modal and the Home', async () => {
    // The directory's counts are in the admin's Members area.
    await openHomeArea(t, ADMIN, 'members');
    const details = await openMember(t, 'ada');
    const publishesBefore = t.emulator.callsOf('views.publish').length;
    await press(t, ADMIN, MEMBERS_HOME_IDS.deactivate, { value: 'deactivate', view: details });
    const deactivated = await modalWith(
      t,
      ADMIN,
      MEMBERS_HOME_IDS.detailsView,
      (v) => textOf(v).includes(MEMBERS_HOME_IDS.reactivate),
      'the deactivated details',
    );
    expect(validateView(deactivated)).toEqual([]);
    expect(textOf(deactivated)).toContain('Deactivated.');
    expect(await deps.repos.members.findById('m-ada')).toMatchObject({ status: 'deactivated' });
    // The member keeps their mapping.
    expect(await deps.repos.mappings.findByMember('m-ada')).toMatchObject({ slackUserId: 'U0ADA00001' });
    await eventually(
      () => (t.emulator.callsOf('views.publish').length > publishesBefore && textOf(t.emulator.homeViewOf(ADMIN)).includes('1 deactivated') ? true : undefined),
      5_000,
      'the republished home',
    );

    await press(t, ADMIN, MEMBERS_HOME_IDS.reactivate, { value: 'reactivate', view: deactivated });
    const reactivated = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.detailsView, (v) => textOf(v).includes('Reactivated.'), 'the reactivated details');
    expect(textOf(reactivated)).toContain(MEMBERS_HOME_IDS.deactivate);
    expect(await deps.repos.members.findById('m-ada')).toMatchObject({ status: 'activated' });
    const actions = (await deps.repos.audit.listForTarget('m-ada')).map((entry) => entry.action);
    expect(actions).toEqual(['member.reactivate', 'member.deactivate']);
  });

  it('does not let an admin deactivate themself or act above their rank', async () => {
    const self = await openMember(t, 'wanda');
    expect(textOf(self)).not.toContain(MEMBERS_HOME_IDS.deactivate);
    // Forged anyway: the service says no.
    await press(t, ADMIN, MEMBERS_HOME_IDS.deactivate, { value: 'deactivate', view: self });
    await modalWith(t, ADMIN, MEMBERS_HOME_IDS.detailsView, (v) => textOf(v).includes('You cannot deactivate yourself'), 'the self notice');
    expect(await deps.repos.members.findById('m-wanda')).toMatchObject({ status: 'activated' });

    const owner = await openMember(t, 'olga');
    expect(textOf(owner)).not.toContain(MEMBERS_HOME_IDS.edit);
    await press(t, ADMIN, MEMBERS_HOME_IDS.deactivate, { value: 'deactivate', view: owner });
    await modalWith(t, ADMIN, MEMBERS_HOME_IDS.detailsView, (v) => textOf(v).includes('at least the same account type'), 'the rank notice');
    expect(await deps.repos.members.findById('m-olga')).toMatchObject({ status: 'activated' });
  });

  it('refuses forged member payloads from a standard member, with nothing changed', async () => {
    await deps.repos.members.transitionStatus('m-bruno', ['activated'], 'deactivated', new Date());
    await press(t, STANDARD, MEMBERS_HOME_IDS.detailsOpen, { value: 'details' });
    await eventually(() => t.emulator.messagesTo(STANDARD).find((m) => m.text.includes('You cannot manage members')), 5_000, 'the refusal DM');
    expect(t.emulator.callsOf('views.open')).toHaveLength(0);

    const opened = await (await deps.slack.current()).client.views.open({
      trigger_id: t.emulator.issueTriggerId(STANDARD),
      view: {
        type: 'modal',
        callback_id: 'forged',
        title: { type: 'plain_text', text: 'Forged' },
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'forged' } }],
      },
    });
    const own = t.emulator.modalStackOf(STANDARD)[0]!;
    expect(own.id).toBe(opened.view!.id);
    const refusedNow = async (what: string) => {
      await modalWith(t, STANDARD, PERMISSION_REFUSED_VIEW, (v) => textOf(v).includes('You cannot manage members'), what);
      // Back to the forged modal for the next attempt.
      await (await deps.slack.current()).client.views.update({
        view_id: own.id,
        view: {
          type: 'modal',
          callback_id: 'forged',
          title: { type: 'plain_text', text: 'Forged' },
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'forged' } }],
        },
      });
    };
    const memberView = (memberId: string, callbackId: string) => ({ ...own, callback_id: callbackId, private_metadata: JSON.stringify({ memberId }) });

    await press(t, STANDARD, MEMBERS_HOME_IDS.deactivate, { value: 'deactivate', view: memberView('m-ada', MEMBERS_HOME_IDS.detailsView) });
    await refusedNow('the refused deactivate');
    await press(t, STANDARD, MEMBERS_HOME_IDS.reactivate, { value: 'reactivate', view: memberView('m-bruno', MEMBERS_HOME_IDS.detailsView) });
    await refusedNow('the refused reactivate');
    await press(t, STANDARD, MEMBERS_HOME_IDS.edit, { value: 'edit', view: memberView('m-ada', MEMBERS_HOME_IDS.detailsView) });
    await refusedNow('the refused edit form');
    await press(t, STANDARD, showMember(0), { value: 'm-ada', view: own });
    await refusedNow('the refused details');
    await press(t, STANDARD, MEMBERS_HOME_IDS.search, { type: 'plain_text_input', value: 'a', view: own, blockId: MEMBERS_HOME_IDS.searchBlock });
    await refusedNow('the refused search');

    const edit = await submit(t, STANDARD, memberView('m-ada', MEMBERS_HOME_IDS.editView), {
      ...textInput(MEMBERS_HOME_IDS.nameBlock, MEMBERS_HOME_IDS.name, 'Hacked'),
      ...selected(MEMBERS_HOME_IDS.accountTypeBlock, MEMBERS_HOME_IDS.accountType, 'primary_owner'),
    });
    expect(edit.payload).toMatchObject({ response_action: 'update' });
    expect(textOf(edit.payload)).toContain('You cannot manage members');
    // Submissions are checked before the ack, which carries the refusal.
    const handOver = await submit(
      t,
      STANDARD,
      { ...own, callback_id: MEMBERS_HOME_IDS.successorView, private_metadata: JSON.stringify({ memberId: 'm-ada', text: '' }) },
      selected(MEMBERS_HOME_IDS.successorBlock, MEMBERS_HOME_IDS.successor, 'm-sam'),
    );
    expect(handOver.payload).toMatchObject({ response_action: 'update' });
    expect(textOf(handOver.payload)).toContain('You cannot manage members');
    const search = await submit(
      t,
      STANDARD,
      { ...own, callback_id: MEMBERS_HOME_IDS.directoryView },
      textInput(MEMBERS_HOME_IDS.searchBlock, MEMBERS_HOME_IDS.search, 'a'),
    );
    expect(textOf(search.payload)).toContain('You cannot manage members');

    await settle();
    expect(await deps.repos.members.findById('m-ada')).toMatchObject({ name: 'Ada Lovelace', status: 'activated', accountType: 'standard_member' });
    expect(await deps.repos.members.findById('m-bruno')).toMatchObject({ status: 'deactivated' });
    expect(await deps.repos.audit.listRecent(50)).toEqual([]);
    expect(t.emulator.callsOf('views.push')).toHaveLength(0);
  });
});

describe('deactivating a member who owns something', () => {
  let t: TestConnector;
  let deps: ReturnType<typeof connectorView>;
  /** Who owns each scheduled import, as stored. */
  const owners = async () => (await new ImportRepository(deps.db).listAll()).map((imp) => imp.ownerMemberId);

  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: SEED }, label: 'members_successor' });
    wirePreviews(t);
    deps = connectorView(t.connector);
    // Two scheduled imports owned by Ada, through the real ownership provider the imports register.
    const imports = new ImportRepository(deps.db);
    for (const block of ['Hires', 'Leavers'])
      await imports.create({ applicationId: 'app-1', targetBlock: block, customFields: [], createPendingMembers: false }, 'm-ada', new Date());
    await seedMembers(deps);
  });
  afterEach(async () => {
    await t.stop();
  });

  it('asks for a successor among activated members, then hands over and deactivates', async () => {
    await openHomeArea(t, ADMIN, 'members');
    await deps.repos.members.transitionStatus('m-sam', ['activated'], 'deactivated', new Date());
    const details = await openMember(t, 'ada');
    await press(t, ADMIN, MEMBERS_HOME_IDS.deactivate, { value: 'deactivate', view: details });
    const picker = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.successorView);
    expect(validateView(picker)).toEqual([]);
    expect(textOf(picker)).toContain('2 scheduled imports');
    const options = (picker.blocks as Array<{ block_id?: string; element?: { options?: Array<{ value: string }> } }>).find(
      (b) => b.block_id === MEMBERS_HOME_IDS.successorBlock,
    )!.element!.options!;
    // Activated members other than Ada: not Sam (deactivated).
    expect(options.map((o) => o.value).sort()).toEqual(['m-bruno', 'm-olga', 'm-wanda']);
    expect(await deps.repos.members.findById('m-ada')).toMatchObject({ status: 'activated' });

    // Nothing chosen, or Ada herself (forged): inline errors, nothing changes.
    expect((await submit(t, ADMIN, picker, selected(MEMBERS_HOME_IDS.successorBlock, MEMBERS_HOME_IDS.successor, null))).payload).toEqual({
      response_action: 'errors',
      errors: { [MEMBERS_HOME_IDS.successorBlock]: 'Choose the member who takes over.' },
    });
    await submit(t, ADMIN, picker, selected(MEMBERS_HOME_IDS.successorBlock, MEMBERS_HOME_IDS.successor, 'm-ada'));
    const retry = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.successorView, (v) => textOf(v).includes('Nothing was changed'), 'the invalid successor notice');
    expect(validateView(retry)).toEqual([]);
    // Sam is deactivated: not a successor either.
    await submit(t, ADMIN, picker, selected(MEMBERS_HOME_IDS.successorBlock, MEMBERS_HOME_IDS.successor, 'm-sam'));
    await settle();
    await modalWith(t, ADMIN, MEMBERS_HOME_IDS.successorView, (v) => textOf(v).includes('Nothing was changed'), 'the second invalid successor notice');
    expect(await owners()).toEqual(['m-ada', 'm-ada']);
    expect(await deps.repos.members.findById('m-ada')).toMatchObject({ status: 'activated' });

    // Search narrows the choice.
    await press(t, ADMIN, MEMBERS_HOME_IDS.successorSearch, {
      type: 'plain_text_input',
      value: 'bru',
      view: picker,
      blockId: MEMBERS_HOME_IDS.successorSearchBlock,
    });
    const narrowed = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.successorView, (v) => (v.private_metadata ?? '').includes('bru'), 'the narrowed picker');
    expect(textOf(narrowed)).toContain('Bruno');
    expect(textOf(narrowed)).not.toContain('Olga');

    const ack = await submit(t, ADMIN, narrowed, selected(MEMBERS_HOME_IDS.successorBlock, MEMBERS_HOME_IDS.successor, 'm-bruno'));
    expect(textOf(ack.payload)).toContain('Handing over');
    const done = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.detailsView, (v) => textOf(v).includes('Deactivated.'), 'the deactivated details');
    expect(validateView(done)).toEqual([]);
    expect(textOf(done)).toContain('2 scheduled imports went to *Bruno*');
    expect(await owners()).toEqual(['m-bruno', 'm-bruno']);
    expect(await deps.repos.members.findById('m-ada')).toMatchObject({ status: 'deactivated' });
    const [entry] = await deps.repos.audit.listForTarget('m-ada');
    expect(entry).toMatchObject({ action: 'member.deactivate', actor: { slackUserId: ADMIN }, after: { status: 'deactivated', successorId: 'm-bruno' } });
    // Sam and Ada.
    await eventually(() => (textOf(t.emulator.homeViewOf(ADMIN)).includes('2 deactivated') ? true : undefined), 5_000, 'the republished home');
  });
});
