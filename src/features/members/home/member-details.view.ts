/**
 * The member details modals: the directory (search, paged list), one member's details
 * (groups, status, account type, Slack mapping; edit, deactivate, reactivate), the edit form,
 * and the successor picker when a member to deactivate owns imports or connections.
 * Pure; `private_metadata` is encoded and decoded here with zod.
 */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Mapping } from '../../mapping/mapping.types';
import { ACCOUNT_TYPE_LABELS, ACCOUNT_TYPES, type AccountType, type Member, type MemberStatus } from '../member.types';
import type { OwnedCount } from '../members.service';
import { mrkdwn, plain, plural, truncate, userText } from './block-text';
import { MEMBERS_HOME_IDS } from './ids';
import { decodeJson, noticeBlock, type Notice } from './member-import.view';
import { slackDateText } from '../../../slack/slack-date';

/** Members per directory page: one block each, far below the 100-block limit. */
export const DIRECTORY_PAGE_SIZE = 20;
/** Options of a static_select. */
export const SUCCESSOR_LIMIT = 100;
export const SEARCH_MAX_LENGTH = 100;
export const NAME_MAX_LENGTH = 200;

export const STATUS_LABELS: Record<MemberStatus, string> = { pending: 'Pending', activated: 'Activated', deactivated: 'Deactivated' };

// ---------------------------------------------------------------------------------------------
// Directory

const cursorSchema = z.object({ name: z.string(), id: z.string() });
const directoryMetadataSchema = z.object({ text: z.string().max(SEARCH_MAX_LENGTH), start: cursorSchema.optional(), next: cursorSchema.optional() });
/**
 * The directory page on screen: the search, where the page starts (absent: the first page),
 * and where the next one starts (absent: this is the last page).
 */
export type DirectoryMetadata = z.infer<typeof directoryMetadataSchema>;

export function encodeDirectoryMetadata(metadata: DirectoryMetadata): string {
  return JSON.stringify(directoryMetadataSchema.parse(metadata));
}

export function decodeDirectoryMetadata(raw: string | undefined): DirectoryMetadata | undefined {
  return decodeJson(directoryMetadataSchema, raw);
}

export interface DirectoryViewModel {
  text: string;
  start?: { name: string; id: string };
  /** This page's members (at most DIRECTORY_PAGE_SIZE). */
  members: Member[];
  hasMore: boolean;
  notice?: Notice;
}

export function renderDirectoryView(model: DirectoryViewModel): ModalView {
  const text = truncate(model.text.trim(), SEARCH_MAX_LENGTH);
  const members = model.members.slice(0, DIRECTORY_PAGE_SIZE);
  const blocks: KnownBlock[] = [];
  if (model.notice) blocks.push(noticeBlock(model.notice, 'members.directory_notice'));
  blocks.push({
    type: 'input',
    block_id: MEMBERS_HOME_IDS.searchBlock,
    optional: true,
    dispatch_action: true,
    label: plain('Find a member', 2000),
    element: {
      type: 'plain_text_input',
      action_id: MEMBERS_HOME_IDS.search,
      placeholder: plain('Name or email, then Enter', 150),
      max_length: SEARCH_MAX_LENGTH,
      dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
      ...(text ? { initial_value: text } : {}),
    },
  });
  const quoted = text ? ` matching “${userText(text, SEARCH_MAX_LENGTH)}”` : '';
  if (members.length === 0) {
    blocks.push({
      type: 'section',
      block_id: 'members.directory_empty',
      text: mrkdwn(model.start ? 'No more members.' : text ? `No member${quoted}.` : 'No members yet. Import a CSV file from the Home tab.'),
    });
  } else {
    blocks.push({ type: 'context', block_id: 'members.directory_count', elements: [mrkdwn(`${model.start ? 'More members' : 'Members'}${quoted}, by name:`)] });
  }
  members.forEach((member, index) => {
    blocks.push({
      type: 'section',
      block_id: `members.row_${index}`,
      text: mrkdwn(
        `*${userText(member.name, 120)}*  ${userText(member.email, 120)}\n${STATUS_LABELS[member.status]} · ${ACCOUNT_TYPE_LABELS[member.accountType]}`,
      ),
      accessory: { type: 'button', action_id: `${MEMBERS_HOME_IDS.showMemberPrefix}${index}`, text: plain('Details', 75), value: truncate(member.id, 2000) },
    });
  });
  const paging = [];
  if (model.start) paging.push({ type: 'button' as const, action_id: MEMBERS_HOME_IDS.directoryFirst, text: plain('First page', 75), value: 'first' });
  if (model.hasMore) paging.push({ type: 'button' as const, action_id: MEMBERS_HOME_IDS.directoryNext, text: plain('Next page', 75), value: 'next' });
  if (paging.length > 0) blocks.push({ type: 'actions', block_id: 'members.directory_paging', elements: paging });
  const last = members[members.length - 1];
  const next = last && model.hasMore ? { name: last.name, id: last.id } : undefined;
  return {
    type: 'modal',
    callback_id: MEMBERS_HOME_IDS.directoryView,
    private_metadata: encodeDirectoryMetadata({ text, ...(model.start ? { start: model.start } : {}), ...(next ? { next } : {}) }),
    title: plain('Member details', 24),
    submit: plain('Search', 24),
    close: plain('Done', 24),
    blocks,
  };
}

// ---------------------------------------------------------------------------------------------
// Details

const memberMetadataSchema = z.object({ memberId: z.string().min(1).max(2000) });
export type MemberMetadata = z.infer<typeof memberMetadataSchema>;

export function encodeMemberMetadata(metadata: MemberMetadata): string {
  return JSON.stringify(memberMetadataSchema.parse(metadata));
}

export function decodeMemberMetadata(raw: string | undefined): MemberMetadata | undefined {
  return decodeJson(memberMetadataSchema, raw);
}

export interface DetailsViewModel {
  member: Member;
  mapping?: Mapping;
  /** The viewer may edit, deactivate and reactivate this member (rank and permission). */
  canManage: boolean;
  /** The viewer is this member (nobody deactivates themself). */
  isSelf: boolean;
  notice?: Notice;
}

export function renderDetailsView(model: DetailsViewModel): ModalView {
  const { member } = model;
  const groups = member.groups.length === 0 ? 'None' : userText(member.groups.join(', '), 1800);
  const blocks: KnownBlock[] = [];
  if (model.notice) blocks.push(noticeBlock(model.notice, 'members.details_notice'));
  blocks.push(
    { type: 'header', block_id: 'members.details_name', text: plain(member.name, 150) },
    { type: 'section', block_id: 'members.details_email', text: mrkdwn(userText(member.email, 300)) },
    {
      type: 'section',
      block_id: 'members.details_fields',
      fields: [
        mrkdwn(`*Status*\n${STATUS_LABELS[member.status]}`),
        mrkdwn(`*Account type*\n${ACCOUNT_TYPE_LABELS[member.accountType]}`),
        mrkdwn(`*Slack*\n${slackMappingText(model.mapping)}`),
        mrkdwn(`*Groups*\n${groups}`),
      ],
    },
    {
      type: 'context',
      block_id: 'members.details_meta',
      elements: [
        mrkdwn(
          `Member id ${userText(member.id, 200)} · added ${slackDateText(member.createdAt, { format: 'date' })} · updated ${slackDateText(member.updatedAt, { format: 'date' })}`,
        ),
      ],
    },
  );
  if (model.canManage) {
    const firstName = truncate(member.name, 40);
    const elements = [{ type: 'button' as const, action_id: MEMBERS_HOME_IDS.edit, text: plain('Edit', 75), value: 'edit' }];
    if (member.status !== 'deactivated' && !model.isSelf) {
      elements.push({
        type: 'button',
        action_id: MEMBERS_HOME_IDS.deactivate,
        text: plain('Deactivate', 75),
        value: 'deactivate',
        style: 'danger',
        confirm: {
          title: plain('Deactivate this member?', 100),
          text: mrkdwn(
            `${userText(firstName, 40)} stays in the directory as deactivated, with their history and Slack mapping. Pigment stops sending them notifications.`,
            300,
          ),
          confirm: plain('Deactivate', 30),
          deny: plain('Cancel', 30),
          style: 'danger',
        },
      } as never);
    }
    if (member.status === 'deactivated') {
      elements.push({
        type: 'button',
        action_id: MEMBERS_HOME_IDS.reactivate,
        text: plain('Reactivate', 75),
        value: 'reactivate',
        style: 'primary',
        confirm: {
          title: plain('Reactivate this member?', 100),
          text: mrkdwn(`${userText(firstName, 40)} becomes activated again. What was handed over to another member stays with them.`, 300),
          confirm: plain('Reactivate', 30),
          deny: plain('Cancel', 30),
        },
      } as never);
    }
    blocks.push({ type: 'actions', block_id: 'members.details_actions', elements });
  } else {
    blocks.push({
      type: 'context',
      block_id: 'members.details_readonly',
      elements: [mrkdwn('Only an admin of at least the same account type can change this member.')],
    });
  }
  return {
    type: 'modal',
    callback_id: MEMBERS_HOME_IDS.detailsView,
    private_metadata: encodeMemberMetadata({ memberId: member.id }),
    title: plain('Member', 24),
    close: plain('Back', 24),
    blocks,
  };
}

/** Connected as <@U…>, not connected, or inactive (the Slack user is deactivated). */
export function slackMappingText(mapping: Mapping | undefined): string {
  if (!mapping) return 'Not connected';
  const how = mapping.source === 'manual' ? ' (set by hand)' : '';
  return mapping.active ? `Connected as <@${mapping.slackUserId}>${how}` : `Inactive: <@${mapping.slackUserId}> is deactivated in Slack${how}`;
}

// ---------------------------------------------------------------------------------------------
// Edit

export interface EditViewModel {
  member: Member;
  /** Account types the viewer may give; the member's own type is always offered. */
  accountTypes: readonly AccountType[];
  notice?: Notice;
}

export function renderEditView(model: EditViewModel): ModalView {
  const { member } = model;
  const types = ACCOUNT_TYPES.filter((type) => type === member.accountType || model.accountTypes.includes(type));
  const option = (type: AccountType): PlainTextOption => ({ text: plain(ACCOUNT_TYPE_LABELS[type], 75), value: type });
  const blocks: KnownBlock[] = [];
  if (model.notice) blocks.push(noticeBlock(model.notice, 'members.edit_notice'));
  blocks.push(
    { type: 'section', block_id: 'members.edit_email', text: mrkdwn(`Editing *${userText(member.email, 300)}*`) },
    {
      type: 'input',
      block_id: MEMBERS_HOME_IDS.nameBlock,
      label: plain('Name', 2000),
      element: {
        type: 'plain_text_input',
        action_id: MEMBERS_HOME_IDS.name,
        initial_value: truncate(member.name, NAME_MAX_LENGTH),
        max_length: NAME_MAX_LENGTH,
      },
    },
    {
      type: 'input',
      block_id: MEMBERS_HOME_IDS.accountTypeBlock,
      label: plain('Account type', 2000),
      element: { type: 'static_select', action_id: MEMBERS_HOME_IDS.accountType, options: types.map(option), initial_option: option(member.accountType) },
    },
    {
      type: 'actions',
      block_id: 'members.edit_actions',
      elements: [{ type: 'button', action_id: MEMBERS_HOME_IDS.editCancel, text: plain('Back to details', 75), value: 'cancel' }],
    },
  );
  return {
    type: 'modal',
    callback_id: MEMBERS_HOME_IDS.editView,
    private_metadata: encodeMemberMetadata({ memberId: member.id }),
    title: plain('Edit member', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

const editValuesSchema = z.object({
  [MEMBERS_HOME_IDS.nameBlock]: z.object({ [MEMBERS_HOME_IDS.name]: z.object({ value: z.string().nullish() }) }),
  [MEMBERS_HOME_IDS.accountTypeBlock]: z.object({
    [MEMBERS_HOME_IDS.accountType]: z.object({ selected_option: z.object({ value: z.enum(ACCOUNT_TYPES) }).nullish() }),
  }),
});

/** The edit form's values; undefined when the state does not have the form's shape. */
export function readEditValues(stateValues: unknown): { name: string; accountType?: AccountType } | undefined {
  const parsed = editValuesSchema.safeParse(stateValues);
  if (!parsed.success) return undefined;
  const values = parsed.data;
  const accountType = values[MEMBERS_HOME_IDS.accountTypeBlock][MEMBERS_HOME_IDS.accountType].selected_option?.value;
  return { name: values[MEMBERS_HOME_IDS.nameBlock][MEMBERS_HOME_IDS.name].value ?? '', ...(accountType ? { accountType } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Successor

const successorMetadataSchema = z.object({ memberId: z.string().min(1).max(2000), text: z.string().max(SEARCH_MAX_LENGTH) });
export type SuccessorMetadata = z.infer<typeof successorMetadataSchema>;

export function encodeSuccessorMetadata(metadata: SuccessorMetadata): string {
  return JSON.stringify(successorMetadataSchema.parse(metadata));
}

export function decodeSuccessorMetadata(raw: string | undefined): SuccessorMetadata | undefined {
  return decodeJson(successorMetadataSchema, raw);
}

export interface SuccessorViewModel {
  member: Member;
  owned: readonly OwnedCount[];
  text: string;
  /** Activated members other than `member`, at most SUCCESSOR_LIMIT + 1 (one more tells there are more). */
  candidates: readonly Member[];
  notice?: Notice;
}

export function renderSuccessorView(model: SuccessorViewModel): ModalView {
  const text = truncate(model.text.trim(), SEARCH_MAX_LENGTH);
  const candidates = model.candidates.slice(0, SUCCESSOR_LIMIT);
  const owned = model.owned.map((item) => plural(item.count, item.kind.replace(/_/g, ' '))).join(', ');
  const blocks: KnownBlock[] = [];
  if (model.notice) blocks.push(noticeBlock(model.notice, 'members.successor_notice'));
  blocks.push(
    {
      type: 'section',
      block_id: 'members.successor_intro',
      text: mrkdwn(
        `*${userText(model.member.name, 120)}* owns ${owned || 'imports or connections'}. Choose an activated member to take ${model.owned.length === 1 && model.owned[0]!.count === 1 ? 'it' : 'them'} over, then deactivate.`,
      ),
    },
    {
      type: 'input',
      block_id: MEMBERS_HOME_IDS.successorSearchBlock,
      optional: true,
      dispatch_action: true,
      label: plain('Find a member', 2000),
      element: {
        type: 'plain_text_input',
        action_id: MEMBERS_HOME_IDS.successorSearch,
        placeholder: plain('Name or email, then Enter', 150),
        max_length: SEARCH_MAX_LENGTH,
        dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
        ...(text ? { initial_value: text } : {}),
      },
    },
  );
  if (candidates.length === 0) {
    blocks.push({
      type: 'section',
      block_id: 'members.successor_none',
      text: mrkdwn(text ? `No activated member matches “${userText(text, SEARCH_MAX_LENGTH)}”.` : 'No other activated member: activate one first.'),
    });
  } else {
    blocks.push({
      type: 'input',
      block_id: MEMBERS_HOME_IDS.successorBlock,
      label: plain('New owner', 2000),
      element: {
        type: 'static_select',
        action_id: MEMBERS_HOME_IDS.successor,
        placeholder: plain('Choose a member', 150),
        options: candidates.map((candidate) => ({
          text: plain(`${truncate(candidate.name, 40)} (${truncate(candidate.email, 30)})`, 75),
          value: successorOptionValue(candidate.id),
        })),
      },
    });
    if (model.candidates.length > SUCCESSOR_LIMIT) {
      blocks.push({
        type: 'context',
        block_id: 'members.successor_more',
        elements: [mrkdwn(`Showing the first ${SUCCESSOR_LIMIT} by name: search to find someone else.`)],
      });
    }
  }
  return {
    type: 'modal',
    callback_id: MEMBERS_HOME_IDS.successorView,
    private_metadata: encodeSuccessorMetadata({ memberId: model.member.id, text }),
    title: plain('Hand over', 24),
    submit: plain('Deactivate', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

const successorValuesSchema = z.object({
  [MEMBERS_HOME_IDS.successorBlock]: z.object({
    [MEMBERS_HOME_IDS.successor]: z.object({ selected_option: z.object({ value: z.string().min(1) }).nullish() }),
  }),
});

/**
 * An option's value is at most 150 characters and member ids up to 200: a longer id travels
 * as its hash, and {@link matchSuccessor} finds it again among the candidates.
 */
export function successorOptionValue(memberId: string): string {
  return memberId.length <= OPTION_VALUE_MAX ? memberId : `${HASHED_PREFIX}${createHash('sha256').update(memberId).digest('hex')}`;
}

/** The member id an option value stands for: itself, or the candidate whose id hashes to it. */
export function matchSuccessor(value: string, candidates: readonly Member[]): string | undefined {
  const found = candidates.find((candidate) => successorOptionValue(candidate.id) === value);
  if (found) return found.id;
  // Not among the candidates any more: a plain id is still worth trying (the service checks it).
  return value.startsWith(HASHED_PREFIX) && value.length === HASHED_PREFIX.length + 64 ? undefined : value;
}

const OPTION_VALUE_MAX = 150;
const HASHED_PREFIX = 'sha256:';

/** The selected option's value (see {@link matchSuccessor}); undefined when nothing is selected. */
export function readSuccessor(stateValues: unknown): string | undefined {
  const parsed = successorValuesSchema.safeParse(stateValues);
  return parsed.success ? parsed.data[MEMBERS_HOME_IDS.successorBlock][MEMBERS_HOME_IDS.successor].selected_option?.value : undefined;
}

/** The text typed in a dispatch-action search input of `blockId`/`actionId`, from the view's state. */
export function readSearchText(stateValues: unknown, blockId: string, actionId: string): string {
  const schema = z.object({ [blockId]: z.object({ [actionId]: z.object({ value: z.string().nullish() }) }) });
  const parsed = schema.safeParse(stateValues);
  return parsed.success ? truncate((parsed.data[blockId]![actionId]!.value ?? '').trim(), SEARCH_MAX_LENGTH) : '';
}
