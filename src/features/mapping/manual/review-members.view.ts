/**
 * The "Review members" modal: members not connected to Slack (or, on the second tab, those
 * connected), searchable by name or email, a page at a time. Pure.
 *
 * Slack's limits: at most 100 blocks (a page of 20 rows takes at most 40, plus 7 around them),
 * texts cut with an ellipsis, action_ids unique within the view (row buttons are numbered),
 * `private_metadata` under 3,000 characters (the paging trail is shortened to fit).
 */
import type { ActionsBlock, Button, KnownBlock, ModalView, SectionBlock } from '@slack/types';
import { z } from 'zod';
import type { MappingSource } from '../mapping.types';
import { MANUAL_MAPPING_BLOCKS, MANUAL_MAPPING_IDS, rowActionId } from './ids';
import { renderNoticeModal } from '../../../slack/notice-modal';
import { EMAIL_MAX, mrkdwnText, NAME_MAX } from './view-text';

export const REVIEW_PAGE_SIZE = 20;
export const SEARCH_MAX = 100;
/** Largest encoded state; leaves room for the Set up modal, which carries it along. */
export const REVIEW_METADATA_MAX = 2_000;

export const ReviewStateSchema = z.object({
  tab: z.enum(['unconnected', 'connected']),
  text: z.string().max(SEARCH_MAX),
  /** 1-based page number, for display. */
  page: z.number().int().min(1),
  /** The member id this page starts after; absent on the first page. */
  after: z.string().min(1).optional(),
  /** `after` of each earlier page, oldest first (null for the first page); may be cut at the front. */
  trail: z.array(z.string().min(1).nullable()),
  /** Where the next page starts; absent on the last page. */
  next: z.string().min(1).optional(),
});

/** Which page of which list the modal shows; travels in `private_metadata`. */
export type ReviewState = z.infer<typeof ReviewStateSchema>;

export function initialReviewState(tab: ReviewState['tab'] = 'unconnected', text = ''): ReviewState {
  // A query, not a display: cut without an ellipsis.
  return { tab, text: Array.from(text.trim()).slice(0, SEARCH_MAX).join(''), page: 1, trail: [] };
}

/** The first page of the current tab for a new search text. */
export function searchReview(state: ReviewState, text: string): ReviewState {
  return initialReviewState(state.tab, text);
}

/** The first page of `tab`, keeping the search text. */
export function switchReviewTab(state: ReviewState, tab: ReviewState['tab']): ReviewState {
  return initialReviewState(tab, state.text);
}

export function nextReviewPage(state: ReviewState): ReviewState {
  if (!state.next) return state;
  return { tab: state.tab, text: state.text, page: state.page + 1, after: state.next, trail: [...state.trail, state.after ?? null] };
}

/**
 * One page back. When earlier cursors were dropped to fit the metadata, going back past the
 * oldest one kept lands on the first page.
 */
export function previousReviewPage(state: ReviewState): ReviewState {
  const trail = [...state.trail];
  if (trail.length === 0) return initialReviewState(state.tab, state.text);
  const after = trail.pop() ?? undefined;
  const page = after === undefined ? 1 : Math.max(1, state.page - 1);
  return { tab: state.tab, text: state.text, page, ...(after === undefined ? {} : { after }), trail };
}

/** The state as JSON, at most {@link REVIEW_METADATA_MAX} characters (the oldest cursors go first). */
export function encodeReviewState(state: ReviewState): string {
  const fitted: ReviewState = { ...state, trail: [...state.trail] };
  let json = JSON.stringify(fitted);
  while (json.length > REVIEW_METADATA_MAX && fitted.trail.length > 0) {
    fitted.trail.shift();
    json = JSON.stringify(fitted);
  }
  // Only absurdly long member ids get here: fall back to the first page of the same search.
  return json.length > REVIEW_METADATA_MAX ? JSON.stringify(initialReviewState(state.tab, state.text)) : json;
}

/** The state from `private_metadata`; the first page of "not connected" when it is missing or not ours. */
export function decodeReviewState(raw: string | undefined): ReviewState {
  if (!raw) return initialReviewState();
  try {
    const parsed = ReviewStateSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : initialReviewState();
  } catch {
    return initialReviewState();
  }
}

const SearchValues = z.object({
  [MANUAL_MAPPING_BLOCKS.search]: z.object({ [MANUAL_MAPPING_IDS.search]: z.object({ value: z.string().nullish() }) }),
});

/** The search text typed in the modal, from a view_submission's `view.state.values` ('' if none). */
export function searchTextFrom(values: unknown): string {
  const parsed = SearchValues.safeParse(values);
  return parsed.success ? (parsed.data[MANUAL_MAPPING_BLOCKS.search][MANUAL_MAPPING_IDS.search].value ?? '') : '';
}

export interface ReviewRowModel {
  memberId: string;
  name: string;
  email: string;
  pending: boolean;
  connection?: { slackUserId: string; source: MappingSource; active: boolean };
}

/** A line shown above the list after an action. */
export type ReviewNotice =
  | { kind: 'connected'; name: string; slackUserId: string }
  | { kind: 'removed'; name: string }
  | { kind: 'not_connected'; name: string }
  | { kind: 'member_unavailable' };

export interface ReviewMembersModel {
  /** The page shown; its `next` is where "Next" leads. */
  state: ReviewState;
  rows: ReviewRowModel[];
  /** The scan stopped before the page was full (time budget). */
  partial: boolean;
  notice?: ReviewNotice;
}

export function renderReviewMembers(model: ReviewMembersModel): ModalView {
  const { state } = model;
  const rows = model.rows.slice(0, REVIEW_PAGE_SIZE);
  const blocks: KnownBlock[] = [searchInput(state.text), tabs(state.tab)];
  if (model.notice) blocks.push(context(renderNoticeText(model.notice)));
  blocks.push(context(describePage(state)), { type: 'divider' });
  // A partial page says it is still looking rather than claim that nobody is left.
  if (rows.length === 0 && !model.partial) blocks.push(section(emptyText(state)));
  for (const [i, row] of rows.entries()) blocks.push(...(row.connection ? connectedRow(row, row.connection, i) : unconnectedRow(row, i)));
  if (model.partial) blocks.push(context('Still looking: this page shows the members found so far. *Next* continues the search.'));
  const paging = pagingButtons(state);
  if (paging.length > 0) blocks.push({ type: 'actions', block_id: 'mapping.manual.paging', elements: paging });
  return {
    type: 'modal',
    callback_id: MANUAL_MAPPING_IDS.reviewView,
    title: { type: 'plain_text', text: 'Review members' },
    submit: { type: 'plain_text', text: 'Search' },
    close: { type: 'plain_text', text: 'Close' },
    private_metadata: encodeReviewState(state),
    blocks,
  };
}

/** Shown at once when "Review members" is clicked, while the first page loads. */
export function renderReviewLoading(): ModalView {
  return renderNoticeModal({ title: 'Review members', text: ':hourglass_flowing_sand: Loading members…', callbackId: MANUAL_MAPPING_IDS.reviewView });
}

function searchInput(text: string): KnownBlock {
  return {
    type: 'input',
    block_id: MANUAL_MAPPING_BLOCKS.search,
    optional: true,
    dispatch_action: true,
    label: { type: 'plain_text', text: 'Search by name or email' },
    hint: { type: 'plain_text', text: 'Press Enter or Search.' },
    element: {
      type: 'plain_text_input',
      action_id: MANUAL_MAPPING_IDS.search,
      max_length: SEARCH_MAX,
      placeholder: { type: 'plain_text', text: 'Name or email' },
      dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
      ...(text ? { initial_value: text } : {}),
    },
  };
}

function tabs(active: ReviewState['tab']): ActionsBlock {
  const tab = (id: string, label: string, selected: boolean): Button => ({
    type: 'button',
    action_id: id,
    text: { type: 'plain_text', text: selected ? `• ${label}` : label },
    ...(selected ? { style: 'primary' as const } : {}),
  });
  return {
    type: 'actions',
    block_id: 'mapping.manual.tabs',
    elements: [
      tab(MANUAL_MAPPING_IDS.showUnconnected, 'Not connected', active === 'unconnected'),
      tab(MANUAL_MAPPING_IDS.showConnected, 'Connected', active === 'connected'),
    ],
  };
}

function describePage(state: ReviewState): string {
  const what = state.tab === 'unconnected' ? 'Members not connected to Slack' : 'Members connected to Slack';
  const search = state.text ? ` matching “${mrkdwnText(state.text, SEARCH_MAX)}”` : '';
  return `${what}${search} · page ${state.page}`;
}

function emptyText(state: ReviewState): string {
  if (state.page > 1) return 'No more members.';
  if (state.text) {
    return `No member ${state.tab === 'unconnected' ? 'waiting for a connection' : 'connected to Slack'} matches “${mrkdwnText(state.text, SEARCH_MAX)}”.`;
  }
  return state.tab === 'unconnected'
    ? ':tada: *Everyone is connected.* Every active member of Pigment is connected to a Slack user.'
    : 'No member is connected to Slack yet. Connect members from the *Not connected* tab.';
}

function unconnectedRow(row: ReviewRowModel, index: number): KnownBlock[] {
  const pending = row.pending ? ' · _pending_' : '';
  const block: SectionBlock = {
    type: 'section',
    block_id: `mapping.manual.row.${index}`,
    text: { type: 'mrkdwn', text: `*${mrkdwnText(row.name, NAME_MAX)}*\n${mrkdwnText(row.email, EMAIL_MAX)}${pending}` },
    accessory: { type: 'button', action_id: rowActionId(MANUAL_MAPPING_IDS.setUp, index), text: { type: 'plain_text', text: 'Set up' }, value: row.memberId },
  };
  return [block];
}

function connectedRow(row: ReviewRowModel, connection: NonNullable<ReviewRowModel['connection']>, index: number): KnownBlock[] {
  const how = connection.source === 'manual' ? 'set up by hand' : 'matched by email';
  const inactive = connection.active ? '' : ' · :zzz: deactivated in Slack';
  return [
    {
      type: 'section',
      block_id: `mapping.manual.row.${index}`,
      text: {
        type: 'mrkdwn',
        text: `*${mrkdwnText(row.name, NAME_MAX)}*\n${mrkdwnText(row.email, EMAIL_MAX)}\n:link: <@${connection.slackUserId}> · ${how}${inactive}`,
      },
    },
    {
      type: 'actions',
      block_id: `mapping.manual.row_actions.${index}`,
      elements: [
        { type: 'button', action_id: rowActionId(MANUAL_MAPPING_IDS.edit, index), text: { type: 'plain_text', text: 'Edit' }, value: row.memberId },
        {
          type: 'button',
          action_id: rowActionId(MANUAL_MAPPING_IDS.remove, index),
          style: 'danger',
          text: { type: 'plain_text', text: 'Remove' },
          value: row.memberId,
          confirm: {
            title: { type: 'plain_text', text: 'Remove this connection?' },
            text: { type: 'mrkdwn', text: `*${mrkdwnText(row.name, 60)}* will no longer get Pigment notifications in Slack until they are connected again.` },
            confirm: { type: 'plain_text', text: 'Remove' },
            deny: { type: 'plain_text', text: 'Cancel' },
            style: 'danger',
          },
        },
      ],
    },
  ];
}

function pagingButtons(state: ReviewState): Button[] {
  const buttons: Button[] = [];
  if (state.page > 1 || state.after)
    buttons.push({ type: 'button', action_id: MANUAL_MAPPING_IDS.previousPage, text: { type: 'plain_text', text: '← Previous' } });
  if (state.next) buttons.push({ type: 'button', action_id: MANUAL_MAPPING_IDS.nextPage, text: { type: 'plain_text', text: 'Next →' } });
  return buttons;
}

function renderNoticeText(notice: ReviewNotice): string {
  switch (notice.kind) {
    case 'connected':
      return `:white_check_mark: *${mrkdwnText(notice.name, NAME_MAX)}* is now connected to <@${notice.slackUserId}>.`;
    case 'removed':
      return `:wastebasket: The connection of *${mrkdwnText(notice.name, NAME_MAX)}* was removed.`;
    case 'not_connected':
      return `*${mrkdwnText(notice.name, NAME_MAX)}* was not connected any more: nothing to remove.`;
    case 'member_unavailable':
      return 'That member no longer exists or was deactivated.';
  }
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}
