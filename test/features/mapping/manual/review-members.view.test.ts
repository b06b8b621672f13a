/**
 * The "Review members" modal, as pure data: Slack's limits, empty states, paging and the
 * metadata that carries the page from one click to the next.
 */
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import { MANUAL_MAPPING_BLOCKS, MANUAL_MAPPING_IDS } from '../../../../src/features/mapping/manual/ids';
import {
  decodeReviewState,
  encodeReviewState,
  initialReviewState,
  nextReviewPage,
  previousReviewPage,
  renderReviewLoading,
  renderReviewMembers,
  REVIEW_METADATA_MAX,
  REVIEW_PAGE_SIZE,
  searchReview,
  searchTextFrom,
  switchReviewTab,
  type ReviewRowModel,
  type ReviewState,
} from '../../../../src/features/mapping/manual/review-members.view';
import { truncate } from '../../../../src/features/mapping/manual/view-text';
import { refusalText } from '../../../../src/features/members/permissions';
import { renderRefusal } from '../../../../src/features/members/require-permission';

type Block = Record<string, unknown> & { type: string };

function rows(count: number, make: (i: number) => Partial<ReviewRowModel> = () => ({})): ReviewRowModel[] {
  return Array.from({ length: count }, (_, i) => ({ memberId: `m-${i}`, name: `Member ${i}`, email: `member${i}@acme.test`, pending: false, ...make(i) }));
}

function blocksOf(view: { blocks: unknown[] }): Block[] {
  return view.blocks as Block[];
}

function allText(view: unknown): string {
  return JSON.stringify(view);
}

/** Every element with an action_id, in order. */
function actionIds(view: { blocks: unknown[] }): string[] {
  const ids: string[] = [];
  for (const block of blocksOf(view)) {
    const accessory = block.accessory as { action_id?: string } | undefined;
    if (accessory?.action_id) ids.push(accessory.action_id);
    for (const el of (block.elements as Array<{ action_id?: string }> | undefined) ?? []) if (el.action_id) ids.push(el.action_id);
    const element = block.element as { action_id?: string } | undefined;
    if (element?.action_id) ids.push(element.action_id);
  }
  return ids;
}

const LONG_NAME = `Maximiliana ${'Wolfeschlegelsteinhausenbergerdorff '.repeat(200)}& <Co>`;
const LONG_EMAIL = `${'a'.repeat(64)}.${'b'.repeat(60)}@${'sub.'.repeat(40)}example.test`;

describe('renderReviewMembers', () => {
  it('renders a full page of members not connected within Slack limits', () => {
    const state: ReviewState = { ...initialReviewState(), next: 'm-19' };
    const view = renderReviewMembers({ state, rows: rows(REVIEW_PAGE_SIZE), partial: false });
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const setUps = actionIds(view).filter((id) => id.startsWith(`${MANUAL_MAPPING_IDS.setUp}.`));
    expect(setUps).toHaveLength(REVIEW_PAGE_SIZE);
    expect(new Set(setUps).size).toBe(REVIEW_PAGE_SIZE);
    expect(allText(view)).toContain('Member 0');
    expect(allText(view)).toContain('member19@acme.test');
    expect(view.callback_id).toBe(MANUAL_MAPPING_IDS.reviewView);
  });

  it('renders a full page of connected members, each with Edit and a confirmed Remove, within limits', () => {
    const state: ReviewState = { ...switchReviewTab(initialReviewState(), 'connected'), page: 3, after: 'm-x', trail: [null, 'm-a'], next: 'm-y' };
    const view = renderReviewMembers({
      state,
      rows: rows(REVIEW_PAGE_SIZE, (i) => ({
        name: LONG_NAME,
        email: LONG_EMAIL,
        connection: { slackUserId: `U0SLACK${i}`, source: i % 2 ? 'manual' : 'auto', active: i !== 3 },
      })),
      partial: true,
      notice: { kind: 'removed', name: LONG_NAME },
    });
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const ids = actionIds(view);
    expect(ids.filter((id) => id.startsWith(`${MANUAL_MAPPING_IDS.edit}.`))).toHaveLength(REVIEW_PAGE_SIZE);
    const removes = blocksOf(view)
      .flatMap((b) => (b.elements as Array<Record<string, unknown>> | undefined) ?? [])
      .filter((el) => String(el.action_id).startsWith(`${MANUAL_MAPPING_IDS.remove}.`));
    expect(removes).toHaveLength(REVIEW_PAGE_SIZE);
    for (const remove of removes) expect(remove.confirm).toMatchObject({ confirm: { text: 'Remove' }, deny: { text: 'Cancel' } });
    expect(ids).toEqual(expect.arrayContaining([MANUAL_MAPPING_IDS.previousPage, MANUAL_MAPPING_IDS.nextPage]));
    expect(allText(view)).toContain('<@U0SLACK1>');
    expect(allText(view)).toContain('deactivated in Slack');
    expect(allText(view)).toContain('Still looking');
  });

  it('cuts the longest names and emails with an ellipsis and escapes mrkdwn', () => {
    const view = renderReviewMembers({
      state: initialReviewState(),
      rows: [{ memberId: 'm-1', name: LONG_NAME, email: LONG_EMAIL, pending: true }],
      partial: false,
    });
    expect(validateView(view)).toEqual([]);
    const row = blocksOf(view).find((b) => b.block_id === 'mapping.manual.row.0') as unknown as { text: { text: string } };
    const [nameLine, emailLine] = row.text.text.split('\n');
    expect(nameLine).toMatch(/…\*$/);
    expect(nameLine!.length).toBeLessThan(200);
    expect(emailLine).toMatch(/…/);
    expect(emailLine).toContain('_pending_');
    expect(row.text.text).not.toContain('<Co>');

    const escaped = renderReviewMembers({
      state: initialReviewState(),
      rows: [{ memberId: 'm-2', name: 'Ann <script> & Co', email: 'ann@acme.test', pending: false }],
      partial: false,
    });
    expect(allText(escaped)).toContain('Ann &lt;script&gt; &amp; Co');
  });

  it('says everyone is connected when nobody is left, and what was searched otherwise', () => {
    const everyone = renderReviewMembers({ state: initialReviewState(), rows: [], partial: false });
    expect(validateView(everyone)).toEqual([]);
    expect(allText(everyone)).toContain('Everyone is connected');
    expect(actionIds(everyone)).not.toContain(MANUAL_MAPPING_IDS.nextPage);
    expect(actionIds(everyone)).not.toContain(MANUAL_MAPPING_IDS.previousPage);

    const searched = renderReviewMembers({ state: initialReviewState('unconnected', 'zoe'), rows: [], partial: false });
    expect(allText(searched)).not.toContain('Everyone is connected');
    expect(allText(searched)).toContain('matches “zoe”');

    const noneConnected = renderReviewMembers({ state: initialReviewState('connected'), rows: [], partial: false });
    expect(allText(noneConnected)).toContain('No member is connected to Slack yet');
  });

  it('does not claim everyone is connected when the scan stopped early with nothing found yet', () => {
    const view = renderReviewMembers({ state: { ...initialReviewState(), next: 'm-500' }, rows: [], partial: true });
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).not.toContain('Everyone is connected');
    expect(allText(view)).toContain('Still looking');
    expect(actionIds(view)).toContain(MANUAL_MAPPING_IDS.nextPage);
  });

  it('offers Next only when there is a next page and Previous only after the first', () => {
    const only = renderReviewMembers({ state: initialReviewState(), rows: rows(3), partial: false });
    expect(actionIds(only)).not.toContain(MANUAL_MAPPING_IDS.nextPage);
    expect(blocksOf(only).some((b) => b.block_id === 'mapping.manual.paging')).toBe(false);

    const first = renderReviewMembers({ state: { ...initialReviewState(), next: 'm-19' }, rows: rows(20), partial: false });
    expect(actionIds(first)).toContain(MANUAL_MAPPING_IDS.nextPage);
    expect(actionIds(first)).not.toContain(MANUAL_MAPPING_IDS.previousPage);

    const second = renderReviewMembers({ state: nextReviewPage({ ...initialReviewState(), next: 'm-19' }), rows: rows(2), partial: false });
    expect(actionIds(second)).toContain(MANUAL_MAPPING_IDS.previousPage);
    expect(actionIds(second)).not.toContain(MANUAL_MAPPING_IDS.nextPage);
    expect(allText(second)).toContain('page 2');
  });

  it('has a search input that dispatches on Enter and keeps the current search', () => {
    const view = renderReviewMembers({ state: initialReviewState('unconnected', 'ana'), rows: [], partial: false });
    const input = blocksOf(view).find((b) => b.block_id === MANUAL_MAPPING_BLOCKS.search) as Record<string, any>;
    expect(input).toMatchObject({ type: 'input', dispatch_action: true, optional: true });
    expect(input.element).toMatchObject({
      action_id: MANUAL_MAPPING_IDS.search,
      initial_value: 'ana',
      dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
    });
    expect(view.submit).toMatchObject({ text: 'Search' });
  });

  it('loading and refusal modals are valid', () => {
    expect(validateView(renderReviewLoading())).toEqual([]);
    const refusal = renderRefusal('mapping.manage');
    expect(validateView(refusal)).toEqual([]);
    expect(allText(refusal)).toContain(refusalText('mapping.manage'));
    // The roles come from the permission table, so the words cannot disagree with the check.
    expect(refusalText('mapping.manage')).toContain('Only Security Admins and Primary Owners can review members');
  });
});

describe('review state in private_metadata', () => {
  it('round-trips through the view', () => {
    const state: ReviewState = { tab: 'connected', text: 'ana', page: 3, after: 'm-40', trail: [null, 'm-20'], next: 'm-60' };
    const view = renderReviewMembers({ state, rows: rows(1), partial: false });
    expect(decodeReviewState(view.private_metadata)).toEqual(state);
  });

  it('falls back to the first page for missing, foreign or malformed metadata', () => {
    for (const raw of [undefined, '', 'not json', '{"tab":"everyone"}', JSON.stringify({ tab: 'connected', text: 'x'.repeat(500), page: 1, trail: [] })]) {
      expect(decodeReviewState(raw)).toEqual(initialReviewState());
    }
  });

  it('pages forward and back through the trail', () => {
    let state: ReviewState = { ...initialReviewState('unconnected', 'a'), next: 'm-1' };
    state = nextReviewPage(state);
    expect(state).toEqual({ tab: 'unconnected', text: 'a', page: 2, after: 'm-1', trail: [null] });
    state = nextReviewPage({ ...state, next: 'm-2' });
    expect(state).toEqual({ tab: 'unconnected', text: 'a', page: 3, after: 'm-2', trail: [null, 'm-1'] });
    expect(nextReviewPage(state)).toBe(state);
    state = previousReviewPage(state);
    expect(state).toEqual({ tab: 'unconnected', text: 'a', page: 2, after: 'm-1', trail: [null] });
    state = previousReviewPage(state);
    expect(state).toEqual({ tab: 'unconnected', text: 'a', page: 1, trail: [] });
    expect(previousReviewPage(state)).toEqual(state);
  });

  it('stays under the metadata budget deep in the list, dropping the oldest cursors', () => {
    let state: ReviewState = initialReviewState('unconnected', 'x'.repeat(100));
    const longId = (i: number) => `member-${'0'.repeat(60)}-${i}`;
    for (let i = 1; i <= 200; i += 1) state = decodeReviewState(encodeReviewState(nextReviewPage({ ...state, next: longId(i) })));
    const encoded = encodeReviewState(state);
    expect(encoded.length).toBeLessThanOrEqual(REVIEW_METADATA_MAX);
    expect(state.page).toBe(201);
    expect(state.after).toBe(longId(200));
    const back = previousReviewPage(state);
    expect(back).toMatchObject({ page: 200, after: longId(199) });
    // Walking back past the cursors kept lands on the first page.
    let walk = state;
    for (let i = 0; i < 250; i += 1) walk = previousReviewPage(walk);
    expect(walk).toEqual(initialReviewState('unconnected', 'x'.repeat(100)));
  });

  it('a new search or tab starts on the first page; search text is capped', () => {
    const deep: ReviewState = { tab: 'connected', text: 'old', page: 4, after: 'm-9', trail: [null, 'm-3', 'm-6'], next: 'm-12' };
    expect(searchReview(deep, '  new  ')).toEqual({ tab: 'connected', text: 'new', page: 1, trail: [] });
    expect(switchReviewTab(deep, 'unconnected')).toEqual({ tab: 'unconnected', text: 'old', page: 1, trail: [] });
    expect(searchReview(deep, 'y'.repeat(300)).text).toHaveLength(100);
  });

  it('reads the search text from a submission', () => {
    expect(searchTextFrom({ [MANUAL_MAPPING_BLOCKS.search]: { [MANUAL_MAPPING_IDS.search]: { type: 'plain_text_input', value: 'bea' } } })).toBe('bea');
    expect(searchTextFrom({ [MANUAL_MAPPING_BLOCKS.search]: { [MANUAL_MAPPING_IDS.search]: { type: 'plain_text_input', value: null } } })).toBe('');
    expect(searchTextFrom(undefined)).toBe('');
  });
});

describe('truncate', () => {
  it('keeps short text and cuts long text to the limit with an ellipsis, without splitting emoji', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('abcdefghijk', 5)).toBe('abcd…');
    expect(Array.from(truncate('😀'.repeat(10), 5))).toEqual(['😀', '😀', '😀', '😀', '…']);
  });
});
