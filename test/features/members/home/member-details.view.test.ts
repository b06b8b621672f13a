/**
 * The member details modals and the Home section as pure data: the longest names and emails,
 * every mapping state, paging, empty states, and the 100-option select.
 */
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import { MEMBERS_HOME_IDS } from '../../../../src/features/members/home/ids';
import {
  decodeDirectoryMetadata,
  decodeMemberMetadata,
  decodeSuccessorMetadata,
  DIRECTORY_PAGE_SIZE,
  matchSuccessor,
  readEditValues,
  readSearchText,
  readSuccessor,
  renderDetailsView,
  renderDirectoryView,
  renderEditView,
  renderSuccessorView,
  slackMappingText,
  SUCCESSOR_LIMIT,
  successorOptionValue,
} from '../../../../src/features/members/home/member-details.view';
import { renderMembersSection } from '../../../../src/features/members/home/members-section.view';
import { LONGEST_EMAIL, LONGEST_NAME, mapping, member } from './fixtures';

type Block = Record<string, unknown> & { type: string; block_id?: string };
const text = (value: unknown) => JSON.stringify(value);

function actionIds(view: { blocks: unknown[] }): string[] {
  const ids: string[] = [];
  for (const block of view.blocks as Block[]) {
    const elements = (block.elements as Array<{ action_id?: string }> | undefined) ?? [];
    for (const element of [...elements, block.accessory as { action_id?: string } | undefined, block.element as { action_id?: string } | undefined]) {
      if (element?.action_id) ids.push(element.action_id);
    }
  }
  return ids;
}

const longest = (i: number) =>
  member({
    id: `m-${i}`.padEnd(200, 'x'),
    name: LONGEST_NAME,
    email: LONGEST_EMAIL,
    groups: Array.from({ length: 100 }, (_, g) => `group ${g} `.padEnd(200, 'g')),
  });

describe('Home section', () => {
  it('shows nothing to viewers who may not manage members', () => {
    expect(renderMembersSection({ canManage: false, counts: { pending: 1, activated: 2, deactivated: 3 } })).toEqual([]);
  });

  it('shows counts by status and the two buttons', () => {
    const blocks = renderMembersSection({ canManage: true, counts: { pending: 1, activated: 1_234, deactivated: 3 } });
    expect(validateView({ type: 'home', blocks })).toEqual([]);
    expect(text(blocks)).toContain('1,238 members: 1,234 activated · 1 pending · 3 deactivated');
    expect(actionIds({ blocks })).toEqual([MEMBERS_HOME_IDS.importOpen, MEMBERS_HOME_IDS.detailsOpen]);
  });

  it('has an empty state', () => {
    const blocks = renderMembersSection({ canManage: true, counts: { pending: 0, activated: 0, deactivated: 0 } });
    expect(validateView({ type: 'home', blocks })).toEqual([]);
    expect(text(blocks)).toContain('No members yet');
  });
});

describe('directory modal', () => {
  it('lists a page of the longest members, with unique Details buttons and a Next page', () => {
    const members = Array.from({ length: DIRECTORY_PAGE_SIZE }, (_, i) => longest(i));
    const view = renderDirectoryView({ text: 'a'.repeat(100), members, hasMore: true });
    expect(validateView(view)).toEqual([]);
    const ids = actionIds(view);
    expect(ids.filter((id) => id.startsWith(MEMBERS_HOME_IDS.showMemberPrefix))).toHaveLength(DIRECTORY_PAGE_SIZE);
    expect(ids).toContain(MEMBERS_HOME_IDS.directoryNext);
    expect(ids).not.toContain(MEMBERS_HOME_IDS.directoryFirst);
    const metadata = decodeDirectoryMetadata(view.private_metadata)!;
    expect(metadata.text).toBe('a'.repeat(100));
    expect(metadata.next).toEqual({ name: LONGEST_NAME, id: members[DIRECTORY_PAGE_SIZE - 1]!.id });
    expect(view.private_metadata!.length).toBeLessThanOrEqual(3000);
  });

  it('offers the first page from a later one, and no Next on the last', () => {
    const start = { name: LONGEST_NAME, id: 'm-'.padEnd(200, 'y') };
    const view = renderDirectoryView({ text: '', start, members: [member()], hasMore: false });
    expect(validateView(view)).toEqual([]);
    expect(actionIds(view)).toContain(MEMBERS_HOME_IDS.directoryFirst);
    expect(actionIds(view)).not.toContain(MEMBERS_HOME_IDS.directoryNext);
    expect(decodeDirectoryMetadata(view.private_metadata)).toEqual({ text: '', start });
  });

  it('has empty states for no members and no match', () => {
    const none = renderDirectoryView({ text: '', members: [], hasMore: false });
    expect(validateView(none)).toEqual([]);
    expect(text(none)).toContain('No members yet');
    const noMatch = renderDirectoryView({ text: '<zoe>', members: [], hasMore: false });
    expect(validateView(noMatch)).toEqual([]);
    expect(text(noMatch)).toContain('No member matching “&lt;zoe&gt;”');
  });

  it('reads the search text from the state', () => {
    const values = { [MEMBERS_HOME_IDS.searchBlock]: { [MEMBERS_HOME_IDS.search]: { type: 'plain_text_input', value: '  ada  ' } } };
    expect(readSearchText(values, MEMBERS_HOME_IDS.searchBlock, MEMBERS_HOME_IDS.search)).toBe('ada');
    expect(
      readSearchText({ [MEMBERS_HOME_IDS.searchBlock]: { [MEMBERS_HOME_IDS.search]: { value: null } } }, MEMBERS_HOME_IDS.searchBlock, MEMBERS_HOME_IDS.search),
    ).toBe('');
    expect(readSearchText(undefined, MEMBERS_HOME_IDS.searchBlock, MEMBERS_HOME_IDS.search)).toBe('');
  });
});

describe('details modal', () => {
  it('shows the longest member with groups, status, account type and Slack mapping', () => {
    const view = renderDetailsView({ member: longest(1), mapping: mapping(), canManage: true, isSelf: false, notice: { kind: 'info', text: 'Saved.' } });
    expect(validateView(view)).toEqual([]);
    expect(text(view)).toContain('Connected as <@U0ADA00001>');
    expect(text(view)).toContain('group 0');
    expect(text(view)).toContain('Activated');
    expect(actionIds(view)).toEqual([MEMBERS_HOME_IDS.edit, MEMBERS_HOME_IDS.deactivate]);
    expect(decodeMemberMetadata(view.private_metadata)).toEqual({ memberId: longest(1).id });
  });

  it('says not connected, and inactive for a deactivated Slack user', () => {
    expect(slackMappingText(undefined)).toBe('Not connected');
    expect(slackMappingText(mapping({ active: false }))).toBe('Inactive: <@U0ADA00001> is deactivated in Slack');
    expect(slackMappingText(mapping({ source: 'manual' }))).toBe('Connected as <@U0ADA00001> (set by hand)');
  });

  it('offers Reactivate instead of Deactivate for a deactivated member', () => {
    const view = renderDetailsView({ member: member({ status: 'deactivated' }), canManage: true, isSelf: false });
    expect(validateView(view)).toEqual([]);
    expect(actionIds(view)).toEqual([MEMBERS_HOME_IDS.edit, MEMBERS_HOME_IDS.reactivate]);
    expect(text(view)).toContain('Not connected');
  });

  it('offers no Deactivate on oneself, and no action to a viewer below the member', () => {
    expect(actionIds(renderDetailsView({ member: member(), canManage: true, isSelf: true }))).toEqual([MEMBERS_HOME_IDS.edit]);
    const readOnly = renderDetailsView({ member: member({ accountType: 'primary_owner' }), canManage: false, isSelf: false });
    expect(validateView(readOnly)).toEqual([]);
    expect(actionIds(readOnly)).toEqual([]);
  });
});

describe('edit modal', () => {
  it('prefills name and account type, offering the types the viewer may give', () => {
    const view = renderEditView({
      member: member({ name: LONGEST_NAME, email: LONGEST_EMAIL, accountType: 'workspace_admin' }),
      accountTypes: ['standard_member', 'workspace_admin'],
    });
    expect(validateView(view)).toEqual([]);
    const select = (view.blocks as Block[]).find((b) => b.block_id === MEMBERS_HOME_IDS.accountTypeBlock)!.element as {
      options: Array<{ value: string }>;
      initial_option: { value: string };
    };
    expect(select.options.map((o) => o.value)).toEqual(['standard_member', 'workspace_admin']);
    expect(select.initial_option.value).toBe('workspace_admin');
  });

  it('always offers the member’s current type', () => {
    const view = renderEditView({ member: member({ accountType: 'security_admin' }), accountTypes: ['standard_member'] });
    expect(validateView(view)).toEqual([]);
    expect(text(view)).toContain('"value":"security_admin"');
  });

  it('reads the submitted values', () => {
    const values = {
      [MEMBERS_HOME_IDS.nameBlock]: { [MEMBERS_HOME_IDS.name]: { type: 'plain_text_input', value: 'Ada' } },
      [MEMBERS_HOME_IDS.accountTypeBlock]: { [MEMBERS_HOME_IDS.accountType]: { type: 'static_select', selected_option: { value: 'workspace_admin' } } },
    };
    expect(readEditValues(values)).toEqual({ name: 'Ada', accountType: 'workspace_admin' });
    const bad = { ...values, [MEMBERS_HOME_IDS.accountTypeBlock]: { [MEMBERS_HOME_IDS.accountType]: { selected_option: { value: 'god' } } } };
    expect(readEditValues(bad)).toBeUndefined();
  });
});

describe('successor modal', () => {
  const target = member({ id: 'm-target', name: LONGEST_NAME });
  const owned = [
    { kind: 'scheduled_import', count: 2 },
    { kind: 'ashby_connection', count: 1 },
  ];

  it('offers at most 100 of the longest candidates and says when there are more', () => {
    const candidates = Array.from({ length: SUCCESSOR_LIMIT + 1 }, (_, i) => longest(i));
    const view = renderSuccessorView({ member: target, owned, text: '', candidates });
    expect(validateView(view)).toEqual([]);
    const select = (view.blocks as Block[]).find((b) => b.block_id === MEMBERS_HOME_IDS.successorBlock)!.element as { options: Array<{ value: string }> };
    expect(select.options).toHaveLength(SUCCESSOR_LIMIT);
    expect(text(view)).toContain('Showing the first 100');
    expect(text(view)).toContain('2 scheduled imports, 1 ashby connection');
    expect(decodeSuccessorMetadata(view.private_metadata)).toEqual({ memberId: 'm-target', text: '' });
  });

  it('has an empty state without a select', () => {
    const view = renderSuccessorView({ member: target, owned, text: 'nobody', candidates: [] });
    expect(validateView(view)).toEqual([]);
    expect((view.blocks as Block[]).some((b) => b.block_id === MEMBERS_HOME_IDS.successorBlock)).toBe(false);
    expect(text(view)).toContain('No activated member matches “nobody”');
  });

  it('carries ids longer than an option value as a hash and finds them again', () => {
    const long = member({ id: 'm-'.padEnd(200, 'z') });
    const value = successorOptionValue(long.id);
    expect(value.length).toBeLessThanOrEqual(150);
    expect(matchSuccessor(value, [member(), long])).toBe(long.id);
    expect(matchSuccessor(value, [member()])).toBeUndefined();
    expect(matchSuccessor('m-1', [])).toBe('m-1');
    const values = { [MEMBERS_HOME_IDS.successorBlock]: { [MEMBERS_HOME_IDS.successor]: { selected_option: { value } } } };
    expect(readSuccessor(values)).toBe(value);
    expect(readSuccessor({ [MEMBERS_HOME_IDS.successorBlock]: { [MEMBERS_HOME_IDS.successor]: { selected_option: null } } })).toBeUndefined();
  });
});
