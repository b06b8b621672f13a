/**
 * The provisioning configuration modal, and the parsing of its submission into a
 * `ProvisioningConfig` or inline errors by block. Pure.
 *
 * Team mapping is one multiline input, a line per Slack user group: `@handle = Team name`
 * (the group's id works in place of its handle). Slack cannot add an input per chosen group
 * while the modal is open without a round trip per change, and the text form also covers
 * groups that are mapped to teams without being synced by group.
 */
import type { KnownBlock, ModalView, Option, PlainTextOption } from '@slack/types';
import { mrkdwn, plain, plainText } from '../../../slack/block-text';
import { DEFAULT_INCLUDE_GUESTS, DEFAULT_MAX_DEACTIVATION_SHARE, type ProvisioningConfig } from '../provisioning.types';
import { PROVISIONING_CONFIG_BLOCKS as BLOCKS, PROVISIONING_CONFIG_IDS as IDS } from './config-ids';
import type { UsergroupSummary } from './config-groups';
import { renderNoticeModal } from '../../../slack/notice-modal';

/** Most groups one configuration syncs by (the picker's `max_selected_items`). */
export const MAX_SYNCED_GROUPS = 100;
/** Longest team name. */
export const MAX_TEAM_NAME = 100;
/** Longest team mapping text (a plain_text_input's own limit). */
export const MAX_MAPPING_TEXT = 3000;
/** Options answered to one typeahead request (Slack's limit). */
export const MAX_GROUP_OPTIONS = 100;

export interface ConfigModalModel {
  /** The saved configuration; undefined the first time. */
  config?: ProvisioningConfig;
  /** The workspace's groups, for names; undefined when Slack did not answer (ids are shown). */
  groups?: readonly UsergroupSummary[];
  /** Slack said the workspace's plan has no user groups (Free): only Everyone can be synced. */
  groupsNeedPaidPlan?: boolean;
}

/** What the modal and the panel say on a plan without user groups. */
export const PAID_PLAN_TEXT =
  ':lock: *User groups need a paid Slack plan.* This Slack workspace has none (Slack answered `plan_upgrade_required`), so the sync takes everyone in the workspace and team mapping is off.';
/** The inline error for a submission that still asks for groups on such a plan. */
export const PAID_PLAN_ERROR = 'User groups need a paid Slack plan: choose Everyone in the Slack workspace.';

/** The option a group appears as in the picker (value: its id). */
export function groupOption(group: Pick<UsergroupSummary, 'id' | 'handle' | 'name'>): PlainTextOption {
  const label = group.name && group.name !== group.handle ? `@${group.handle} (${group.name})` : `@${group.handle}`;
  return { text: plain(plainText(label, 75), 75), value: group.id };
}

function groupById(groups: readonly UsergroupSummary[] | undefined, id: string): Pick<UsergroupSummary, 'id' | 'handle' | 'name'> {
  return groups?.find((g) => g.id === id) ?? { id, handle: id, name: id };
}

/** The team mapping as the modal's text: `@handle = Team`, a line per group. */
export function mappingText(groupToTeam: Record<string, string>, groups: readonly UsergroupSummary[] | undefined): string {
  return Object.entries(groupToTeam)
    .map(([id, team]) => {
      const group = groups?.find((g) => g.id === id);
      return `${group ? `@${group.handle}` : id} = ${team}`;
    })
    .join('\n');
}

/** The first lines of `text` that fit in `max` characters (a cut line would not parse back). */
function wholeLines(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept: string[] = [];
  let length = 0;
  for (const line of text.split('\n')) {
    if (length + line.length + (kept.length > 0 ? 1 : 0) > max) break;
    length += line.length + (kept.length > 0 ? 1 : 0);
    kept.push(line);
  }
  return kept.join('\n');
}

const SCOPE_OPTIONS: PlainTextOption[] = [
  { text: plain('Everyone in the Slack workspace', 75), value: 'everyone' },
  { text: plain('Only members of chosen Slack user groups', 75), value: 'groups' },
];
const MAPPING_ON: Option = { text: plain('Add and remove members from teams to follow their Slack user groups', 75), value: 'on' };
/** Two options rather than a checkbox: leaving guests out is a choice the admin sees made, not an unticked box. */
const GUEST_OPTIONS: PlainTextOption[] = [
  { text: plain('Leave guests out', 75), value: 'exclude' },
  { text: plain('Sync single- and multi-channel guests like members', 75), value: 'include' },
];
const INVITE_ON: Option = { text: plain('Invite new members (a welcome DM with a link to Pigment)', 75), value: 'on' };

export function renderConfigModal(model: ConfigModalModel): ModalView {
  const config = model.config;
  const noGroups = model.groupsNeedPaidPlan === true;
  const scopeOptions = noGroups ? SCOPE_OPTIONS.filter((o) => o.value === 'everyone') : SCOPE_OPTIONS;
  const scope = scopeOptions.find((o) => o.value === config?.scope);
  const chosen = (config?.groupIds ?? []).slice(0, MAX_SYNCED_GROUPS).map((id) => groupOption(groupById(model.groups, id)));
  const text = config ? mappingText(config.teamMapping.groupToTeam, model.groups) : '';
  const share = Math.round((config?.maxDeactivationShare ?? DEFAULT_MAX_DEACTIVATION_SHARE) * 100);
  const guests = GUEST_OPTIONS.find((o) => o.value === ((config?.includeGuests ?? DEFAULT_INCLUDE_GUESTS) ? 'include' : 'exclude'));
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn('Pigment creates, updates and deactivates members to follow Slack. Saved settings apply to the next sync.') },
    {
      type: 'input',
      block_id: BLOCKS.scope,
      label: plain('Who is synced', 2000),
      element: { type: 'radio_buttons', action_id: IDS.scope, options: scopeOptions, ...(scope ? { initial_option: scope } : {}) },
    },
    ...(noGroups ? [{ type: 'section', text: mrkdwn(PAID_PLAN_TEXT) } satisfies KnownBlock] : groupBlocks(config, chosen, text)),
    {
      type: 'input',
      block_id: BLOCKS.guests,
      label: plain('Guests', 2000),
      hint: plain(
        'Guests are outside collaborators: synced, each one becomes a Pigment member. Left out, they are not created, and members the sync created for them are deactivated. Guests already in Pigment keep their Slack connection and notifications either way.',
        2000,
      ),
      element: { type: 'radio_buttons', action_id: IDS.guests, options: GUEST_OPTIONS, ...(guests ? { initial_option: guests } : {}) },
    },
    {
      type: 'input',
      block_id: BLOCKS.invite,
      optional: true,
      label: plain('Invitations', 2000),
      element: { type: 'checkboxes', action_id: IDS.invite, options: [INVITE_ON], ...(config?.inviteNewMembers ? { initial_options: [INVITE_ON] } : {}) },
    },
    {
      type: 'input',
      block_id: BLOCKS.share,
      label: plain('Safety limit (% of synced members)', 2000),
      hint: plain('A sync that would deactivate more than this share of synced members stops before writing, for an admin to review.', 2000),
      element: { type: 'number_input', action_id: IDS.share, is_decimal_allowed: false, min_value: '1', max_value: '100', initial_value: String(share) },
    },
  ];
  return {
    type: 'modal',
    callback_id: IDS.view,
    title: plain('Provisioning sync', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

/** The group picker and the team mapping: only on plans with user groups. */
function groupBlocks(config: ProvisioningConfig | undefined, chosen: PlainTextOption[], text: string): KnownBlock[] {
  return [
    {
      type: 'input',
      block_id: BLOCKS.groups,
      optional: true,
      label: plain('Slack user groups to sync', 2000),
      hint: plain('Used when only members of chosen groups are synced. Type to search.', 2000),
      element: {
        type: 'multi_external_select',
        action_id: IDS.groups,
        min_query_length: 0,
        max_selected_items: MAX_SYNCED_GROUPS,
        placeholder: plain('Choose user groups', 150),
        ...(chosen.length > 0 ? { initial_options: chosen } : {}),
      },
    },
    {
      type: 'input',
      block_id: BLOCKS.teamMappingEnabled,
      optional: true,
      label: plain('Team mapping', 2000),
      element: {
        type: 'checkboxes',
        action_id: IDS.teamMappingEnabled,
        options: [MAPPING_ON],
        ...(config?.teamMapping.enabled ? { initial_options: [MAPPING_ON] } : {}),
      },
    },
    {
      type: 'input',
      block_id: BLOCKS.teamMapping,
      optional: true,
      label: plain('Teams by user group', 2000),
      hint: plain('One line per Slack user group: @handle = Team name. Several groups may map to the same team.', 2000),
      element: {
        type: 'plain_text_input',
        action_id: IDS.teamMapping,
        multiline: true,
        max_length: MAX_MAPPING_TEXT,
        placeholder: plain('@eng = Engineering', 150),
        ...(text ? { initial_value: wholeLines(text, MAX_MAPPING_TEXT) } : {}),
      },
    },
  ];
}

/** A modal with one paragraph and no submit (loading, refused). */
export function renderConfigNotice(text: string): ModalView {
  return renderNoticeModal({ callbackId: IDS.notice, title: 'Provisioning sync', text });
}

export type ConfigParse = { ok: true; config: ProvisioningConfig } | { ok: false; errors: Record<string, string> };

type StateValues = Record<string, Record<string, Record<string, unknown>>>;

function field(values: unknown, block: string, action: string): Record<string, unknown> | undefined {
  const blockValues = (values as StateValues | undefined)?.[block];
  const value = blockValues?.[action];
  return value && typeof value === 'object' ? value : undefined;
}

function selectedValues(value: Record<string, unknown> | undefined): string[] {
  const options = value?.['selected_options'];
  if (!Array.isArray(options)) return [];
  return options.flatMap((o) => (o && typeof o === 'object' && typeof (o as { value?: unknown }).value === 'string' ? [(o as { value: string }).value] : []));
}

function textValue(value: Record<string, unknown> | undefined): string {
  const text = value?.['value'];
  return typeof text === 'string' ? text : '';
}

const GROUP_ID = /^S[A-Z0-9]{2,30}$/;

/**
 * Reads a submission (`view.state.values`) into a configuration, or inline errors by block id.
 * `groups` resolves handles in the team mapping; undefined when Slack did not answer.
 */
export function parseConfigSubmission(
  values: unknown,
  groups: readonly UsergroupSummary[] | undefined,
  options: { groupsNeedPaidPlan?: boolean } = {},
): ConfigParse {
  const errors: Record<string, string> = {};

  const scopeValue = (field(values, BLOCKS.scope, IDS.scope)?.['selected_option'] as { value?: unknown } | null | undefined)?.value;
  const scope = scopeValue === 'everyone' || scopeValue === 'groups' ? scopeValue : undefined;
  if (!scope) errors[BLOCKS.scope] = 'Choose who is synced.';
  // Checked again here: the modal may have been opened before Slack told us the plan.
  else if (scope === 'groups' && options.groupsNeedPaidPlan) errors[BLOCKS.scope] = PAID_PLAN_ERROR;

  const groupIds = [...new Set(selectedValues(field(values, BLOCKS.groups, IDS.groups)))];
  if (groupIds.some((id) => !GROUP_ID.test(id))) errors[BLOCKS.groups] = 'Choose user groups from the list.';
  else if (groupIds.length > MAX_SYNCED_GROUPS) errors[BLOCKS.groups] = `Choose at most ${MAX_SYNCED_GROUPS} user groups.`;
  else if (scope === 'groups' && groupIds.length === 0) errors[BLOCKS.groups] = 'Choose at least one user group, or sync everyone.';

  const mappingEnabled = selectedValues(field(values, BLOCKS.teamMappingEnabled, IDS.teamMappingEnabled)).includes('on');
  if (mappingEnabled && options.groupsNeedPaidPlan) errors[BLOCKS.scope] = PAID_PLAN_ERROR;
  const mapping = parseTeamMapping(textValue(field(values, BLOCKS.teamMapping, IDS.teamMapping)), groups);
  if (!mapping.ok) errors[BLOCKS.teamMapping] = mapping.error;
  else if (mappingEnabled && Object.keys(mapping.groupToTeam).length === 0)
    errors[BLOCKS.teamMapping] = 'Add a line per user group, e.g. @eng = Engineering, or turn team mapping off.';

  const inviteNewMembers = selectedValues(field(values, BLOCKS.invite, IDS.invite)).includes('on');

  // A modal opened before this choice existed has no such block: the default, as for a stored config.
  const guestsValue = (field(values, BLOCKS.guests, IDS.guests)?.['selected_option'] as { value?: unknown } | null | undefined)?.value;
  const includeGuests = guestsValue === 'include' ? true : guestsValue === 'exclude' ? false : DEFAULT_INCLUDE_GUESTS;

  const shareText = textValue(field(values, BLOCKS.share, IDS.share)).trim();
  const share = /^\d{1,3}$/.test(shareText) ? Number(shareText) : NaN;
  if (!(share >= 1 && share <= 100)) errors[BLOCKS.share] = 'Enter a whole number from 1 to 100.';

  if (Object.keys(errors).length > 0 || !scope || !mapping.ok) return { ok: false, errors };
  return {
    ok: true,
    config: {
      scope,
      groupIds: scope === 'groups' ? groupIds : [],
      teamMapping: { enabled: mappingEnabled, groupToTeam: mapping.groupToTeam },
      includeGuests,
      inviteNewMembers,
      maxDeactivationShare: share / 100,
    },
  };
}

/**
 * Parses `@handle = Team name` lines (blank lines ignored). The first problem is reported, with
 * its line number, cut to fit an inline error.
 */
export function parseTeamMapping(
  text: string,
  groups: readonly UsergroupSummary[] | undefined,
): { ok: true; groupToTeam: Record<string, string> } | { ok: false; error: string } {
  const groupToTeam: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const n = index + 1;
    const fail = (error: string) => ({ ok: false as const, error: plainText(`Line ${n}: ${error}`, 200) });
    const at = line.indexOf('=');
    if (at < 0) return fail('write it as @handle = Team name.');
    const key = line.slice(0, at).trim().replace(/^@/, '');
    const team = line
      .slice(at + 1)
      .trim()
      .replace(/\s+/g, ' ');
    if (key === '' || team === '') return fail('write it as @handle = Team name.');
    if (Array.from(team).length > MAX_TEAM_NAME) return fail(`the team name is longer than ${MAX_TEAM_NAME} characters.`);
    const group = groups?.find((g) => g.handle.toLowerCase() === key.toLowerCase()) ?? groups?.find((g) => g.id === key);
    const id = group?.id ?? (groups === undefined && GROUP_ID.test(key) ? key : undefined);
    if (!id) return fail(groups === undefined ? "Slack's user groups could not be read; try again in a minute." : `there is no Slack user group @${key}.`);
    if (group?.disabled) return fail(`the Slack user group @${group.handle} is disabled.`);
    if (groupToTeam[id] !== undefined && groupToTeam[id] !== team) return fail(`@${group?.handle ?? key} is already mapped to ${groupToTeam[id]}.`);
    groupToTeam[id] = team;
  }
  return { ok: true, groupToTeam };
}
