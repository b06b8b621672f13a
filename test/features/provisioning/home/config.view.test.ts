/**
 * The configuration modal as pure data: valid Block Kit with the saved values (also with the
 * longest inputs), and the submission parsed into a configuration or inline errors.
 */
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import { PROVISIONING_CONFIG_BLOCKS as BLOCKS, PROVISIONING_CONFIG_IDS as IDS } from '../../../../src/features/provisioning/home/config-ids';
import { matchUsergroups, type UsergroupSummary } from '../../../../src/features/provisioning/home/config-groups';
import {
  MAX_SYNCED_GROUPS,
  mappingText,
  parseConfigSubmission,
  parseTeamMapping,
  renderConfigModal,
  renderConfigNotice,
} from '../../../../src/features/provisioning/home/config.view';
import type { ProvisioningConfig } from '../../../../src/features/provisioning';

const GROUPS: UsergroupSummary[] = [
  { id: 'SENG000001', handle: 'eng', name: 'Engineering', disabled: false },
  { id: 'SOPS000001', handle: 'ops', name: 'Operations', disabled: false },
  { id: 'SOLD000001', handle: 'old', name: 'Old group', disabled: true },
];

const CONFIG: ProvisioningConfig = {
  scope: 'groups',
  groupIds: ['SENG000001', 'SOPS000001'],
  teamMapping: { enabled: true, groupToTeam: { SENG000001: 'Engineering', SOPS000001: 'Engineering' } },
  includeGuests: true,
  inviteNewMembers: true,
  maxDeactivationShare: 0.25,
};

function values(fields: { scope?: string; groups?: string[]; mappingOn?: boolean; mapping?: string; invite?: boolean; share?: string; guests?: string }) {
  return {
    // Absent unless given: a modal opened before guests were a choice has no such block.
    ...(fields.guests !== undefined ? { [BLOCKS.guests]: { [IDS.guests]: { type: 'radio_buttons', selected_option: { value: fields.guests } } } } : {}),
    [BLOCKS.scope]: { [IDS.scope]: { type: 'radio_buttons', selected_option: fields.scope ? { value: fields.scope } : null } },
    [BLOCKS.groups]: {
      [IDS.groups]: {
        type: 'multi_external_select',
        selected_options: (fields.groups ?? []).map((value) => ({ value, text: { type: 'plain_text', text: value } })),
      },
    },
    [BLOCKS.teamMappingEnabled]: { [IDS.teamMappingEnabled]: { type: 'checkboxes', selected_options: fields.mappingOn ? [{ value: 'on' }] : [] } },
    [BLOCKS.teamMapping]: { [IDS.teamMapping]: { type: 'plain_text_input', value: fields.mapping ?? null } },
    [BLOCKS.invite]: { [IDS.invite]: { type: 'checkboxes', selected_options: fields.invite ? [{ value: 'on' }] : [] } },
    [BLOCKS.share]: { [IDS.share]: { type: 'number_input', value: fields.share ?? null } },
  };
}

const elementOf = (view: ReturnType<typeof renderConfigModal>, blockId: string) =>
  (view.blocks.find((b) => b.block_id === blockId) as { element: Record<string, any> }).element;

describe('the provisioning configuration modal', () => {
  it('is valid Block Kit, empty the first time, with a 10% default safety limit', () => {
    const view = renderConfigModal({});
    expect(validateView(view)).toEqual([]);
    expect(elementOf(view, BLOCKS.scope).initial_option).toBeUndefined();
    expect(elementOf(view, BLOCKS.share).initial_value).toBe('10');
    // Guests are left out unless an admin chooses otherwise, and the modal shows that choice made.
    expect(elementOf(view, BLOCKS.guests)).toMatchObject({ type: 'radio_buttons', action_id: IDS.guests, initial_option: { value: 'exclude' } });
    expect(elementOf(view, BLOCKS.groups)).toMatchObject({ type: 'multi_external_select', action_id: IDS.groups, min_query_length: 0 });
  });

  it('shows the saved configuration with group handles', () => {
    const view = renderConfigModal({ config: CONFIG, groups: GROUPS });
    expect(validateView(view)).toEqual([]);
    expect(elementOf(view, BLOCKS.scope).initial_option.value).toBe('groups');
    expect(elementOf(view, BLOCKS.groups).initial_options.map((o: any) => [o.value, o.text.text])).toEqual([
      ['SENG000001', '@eng (Engineering)'],
      ['SOPS000001', '@ops (Operations)'],
    ]);
    expect(elementOf(view, BLOCKS.teamMapping).initial_value).toBe('@eng = Engineering\n@ops = Engineering');
    expect(elementOf(view, BLOCKS.invite).initial_options).toHaveLength(1);
    expect(elementOf(view, BLOCKS.share).initial_value).toBe('25');
    expect(elementOf(view, BLOCKS.guests).initial_option.value).toBe('include');
    expect(elementOf(renderConfigModal({ config: { ...CONFIG, includeGuests: false } }), BLOCKS.guests).initial_option.value).toBe('exclude');
  });

  it('stays within limits with the longest names and the most groups', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({
      id: `SG${String(i).padStart(8, '0')}`,
      handle: 'h'.repeat(80),
      name: `${'Ü'.repeat(200)}${i}`,
      disabled: false,
    }));
    const groupToTeam = Object.fromEntries(many.map((g) => [g.id, 'T'.repeat(100)]));
    const view = renderConfigModal({ config: { ...CONFIG, groupIds: many.map((g) => g.id), teamMapping: { enabled: true, groupToTeam } }, groups: many });
    expect(validateView(view)).toEqual([]);
    expect(elementOf(view, BLOCKS.groups).initial_options).toHaveLength(MAX_SYNCED_GROUPS);
    expect(elementOf(view, BLOCKS.teamMapping).initial_value.length).toBeLessThanOrEqual(3000);
    expect(validateView(renderConfigNotice('x'.repeat(5000)))).toEqual([]);
  });

  it('shows group ids when Slack did not answer', () => {
    const view = renderConfigModal({ config: CONFIG });
    expect(validateView(view)).toEqual([]);
    expect(elementOf(view, BLOCKS.teamMapping).initial_value).toBe('SENG000001 = Engineering\nSOPS000001 = Engineering');
    expect(mappingText({ SENG000001: 'A' }, GROUPS)).toBe('@eng = A');
  });
});

describe('a configuration submission', () => {
  it('reads every field', () => {
    expect(
      parseConfigSubmission(
        values({
          scope: 'groups',
          groups: ['SENG000001', 'SOPS000001'],
          mappingOn: true,
          mapping: '@eng = Engineering\n\n  ops =  Engineering  ',
          invite: true,
          share: '25',
          guests: 'include',
        }),
        GROUPS,
      ),
    ).toEqual({
      ok: true,
      config: CONFIG,
    });
  });

  it('syncs everyone with no groups, keeping a mapping that is switched off', () => {
    expect(parseConfigSubmission(values({ scope: 'everyone', groups: ['SENG000001'], mapping: '@eng = Eng', share: '100' }), GROUPS)).toEqual({
      ok: true,
      config: {
        scope: 'everyone',
        groupIds: [],
        teamMapping: { enabled: false, groupToTeam: { SENG000001: 'Eng' } },
        includeGuests: false,
        inviteNewMembers: false,
        maxDeactivationShare: 1,
      },
    });
  });

  it('reads the guests choice, and takes a submission without it (a modal opened before it existed) as leaving guests out', () => {
    const base = { scope: 'everyone', share: '10' };
    const includeGuests = (fields: Record<string, string>) => {
      const result = parseConfigSubmission(values({ ...base, ...fields }), GROUPS);
      return result.ok ? result.config.includeGuests : result.errors;
    };
    expect(includeGuests({ guests: 'include' })).toBe(true);
    expect(includeGuests({ guests: 'exclude' })).toBe(false);
    expect(includeGuests({})).toBe(false);
    expect(includeGuests({ guests: 'everyone-please' })).toBe(false);
  });

  it('answers inline errors for every bad field at once', () => {
    const result = parseConfigSubmission(values({ scope: 'groups', groups: [], mappingOn: true, share: '0' }), GROUPS);
    expect(result).toEqual({
      ok: false,
      errors: {
        [BLOCKS.groups]: 'Choose at least one user group, or sync everyone.',
        [BLOCKS.teamMapping]: expect.stringContaining('Add a line per user group'),
        [BLOCKS.share]: 'Enter a whole number from 1 to 100.',
      },
    });
    expect(parseConfigSubmission(values({}), GROUPS)).toMatchObject({
      ok: false,
      errors: { [BLOCKS.scope]: 'Choose who is synced.', [BLOCKS.share]: expect.any(String) },
    });
    for (const share of ['101', '2.5', '-1', 'ten', '']) {
      expect(parseConfigSubmission(values({ scope: 'everyone', share }), GROUPS)).toMatchObject({ ok: false, errors: { [BLOCKS.share]: expect.any(String) } });
    }
    expect(parseConfigSubmission(values({ scope: 'groups', groups: ['not a group'], share: '10' }), GROUPS)).toMatchObject({
      ok: false,
      errors: { [BLOCKS.groups]: 'Choose user groups from the list.' },
    });
  });

  it('explains each bad team mapping line by its number', () => {
    expect(parseTeamMapping('@eng = A\nnonsense', GROUPS)).toEqual({ ok: false, error: 'Line 2: write it as @handle = Team name.' });
    expect(parseTeamMapping('@nope = A', GROUPS)).toEqual({ ok: false, error: 'Line 1: there is no Slack user group @nope.' });
    expect(parseTeamMapping('@old = A', GROUPS)).toEqual({ ok: false, error: 'Line 1: the Slack user group @old is disabled.' });
    expect(parseTeamMapping('@eng = A\n@ENG = B', GROUPS)).toEqual({ ok: false, error: 'Line 2: @eng is already mapped to A.' });
    expect(parseTeamMapping(`@eng = ${'x'.repeat(101)}`, GROUPS)).toEqual({ ok: false, error: 'Line 1: the team name is longer than 100 characters.' });
    expect(parseTeamMapping('@eng =', GROUPS)).toMatchObject({ ok: false });
    expect(parseTeamMapping('SENG000001 = A', GROUPS)).toEqual({ ok: true, groupToTeam: { SENG000001: 'A' } });
    // Without Slack's list, ids still work and handles are refused with a reason.
    expect(parseTeamMapping('SENG000001 = A', undefined)).toEqual({ ok: true, groupToTeam: { SENG000001: 'A' } });
    expect(parseTeamMapping('@eng = A', undefined)).toMatchObject({ ok: false, error: expect.stringContaining('could not be read') });
  });

  it('the group picker matches handles and names, never disabled groups', () => {
    expect(matchUsergroups(GROUPS, '', 100).map((g) => g.handle)).toEqual(['eng', 'ops']);
    expect(matchUsergroups(GROUPS, '@OP', 100).map((g) => g.handle)).toEqual(['ops']);
    expect(matchUsergroups(GROUPS, 'engineer', 100).map((g) => g.handle)).toEqual(['eng']);
    expect(matchUsergroups(GROUPS, 'old', 100)).toEqual([]);
    expect(matchUsergroups(GROUPS, '', 1)).toHaveLength(1);
  });
});
