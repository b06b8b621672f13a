/**
 * The provisioning panel and the review modal as pure data: what each state shows, the
 * buttons and their confirm dialogs, and Slack's limits with the longest inputs.
 */
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import type { StoredProvisioningConfig } from '../../../../src/features/provisioning/provisioning-config.repository';
import { PROVISIONING_PANEL_IDS as IDS, PROVISIONING_REVIEW_IDS } from '../../../../src/features/provisioning/home/config-ids';
import { countsText, noticeText, renderProvisioningPanel, type PanelModel, type PanelNotice } from '../../../../src/features/provisioning/home/panel.view';
import { decodeReviewMetadata, encodeReviewMetadata, renderReviewModal, REVIEW_PAGE_SIZE } from '../../../../src/features/provisioning/home/review.view';

type Block = Record<string, any>;

const CONFIG: StoredProvisioningConfig = {
  scope: 'groups',
  groupIds: ['SENG000001', 'SOPS000001'],
  teamMapping: { enabled: true, groupToTeam: { SENG000001: 'Engineering & <Ops>' } },
  includeGuests: false,
  inviteNewMembers: false,
  maxDeactivationShare: 0.1,
  updatedAt: new Date('2026-03-01T10:00:00Z'),
  updatedBy: 'm-admin',
};
const GROUPS = [{ id: 'SENG000001', handle: 'eng', name: 'Engineering', disabled: false }];

const text = (blocks: Block[]) => JSON.stringify(blocks);
const valid = (blocks: unknown[]) => expect(validateView({ type: 'home', blocks })).toEqual([]);
const actionIds = (blocks: Block[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: Block) => e.action_id));

describe('the provisioning panel', () => {
  it('before any configuration: says nothing is synced and offers only Configure', () => {
    const blocks = renderProvisioningPanel({ pending: false }) as Block[];
    valid(blocks);
    expect(text(blocks)).toContain('Not configured yet');
    expect(actionIds(blocks)).toEqual([IDS.configure]);
  });

  it('summarises the configuration, escaped, with handles where known, and says the sync is pending', () => {
    const blocks = renderProvisioningPanel({ config: CONFIG, groups: GROUPS, pending: true }) as Block[];
    valid(blocks);
    const summary = blocks.find((b) => b.block_id === IDS.summaryBlock)!.text.text as string;
    expect(summary).toContain('*Who is synced:* Members of @eng, SOPS000001');
    expect(summary).toContain('*Team mapping:* @eng → Engineering &amp; &lt;Ops&gt;');
    expect(summary).toContain('*Invite new members:* No');
    expect(summary).toContain('more than 10% of synced members');
    expect(text(blocks)).toContain('Your sync is pending');
    expect(actionIds(blocks)).toEqual([IDS.configure, IDS.syncNow, IDS.preview]);
    expect(
      text(renderProvisioningPanel({ config: { ...CONFIG, scope: 'everyone', teamMapping: { enabled: false, groupToTeam: {} } }, pending: false })),
    ).toContain('Everyone in the Slack workspace');
    expect(text(renderProvisioningPanel({ config: CONFIG, pending: false }))).not.toContain('pending');
  });

  it("shows the running sync's progress instead of pending", () => {
    const blocks = renderProvisioningPanel({ config: CONFIG, pending: true, running: { id: 'r1', kind: 'sync', usersRead: 12_345 } }) as Block[];
    valid(blocks);
    expect(text(blocks)).toContain('A sync is running:* 12,345 Slack users read so far');
    // Applying its plan: how far the run's watermark got.
    const applying = renderProvisioningPanel({
      config: CONFIG,
      pending: false,
      running: { id: 'r1', kind: 'sync', usersRead: 12_345, phase: 'applying', appliedThrough: 1_999, counts: { created: 3_000, added_to_team: 2_000 } },
    }) as Block[];
    expect(text(applying)).toContain('A sync is running:* 2,000 of 5,000 planned changes applied.');
    expect(text(blocks)).not.toContain('Your sync is pending');
  });

  it('says a run whose process died was interrupted, not running, and what happens next', () => {
    const sync = renderProvisioningPanel({ config: CONFIG, pending: false, running: { id: 'r1', kind: 'sync', usersRead: 400 }, interrupted: true }) as Block[];
    valid(sync);
    expect(text(sync)).toContain('A sync was interrupted* (its connector process stopped). 400 Slack users read so far. It resumes by itself');
    expect(text(sync)).not.toContain('is running');
    const preview = renderProvisioningPanel({
      config: CONFIG,
      pending: false,
      running: { id: 'r2', kind: 'preview', usersRead: 0 },
      interrupted: true,
    }) as Block[];
    expect(text(preview)).toContain('A preview was interrupted');
    expect(text(preview)).toContain('Start it again with *Preview*');
  });

  it('offers Review, Approve and Cancel for a run in review, with confirm dialogs', () => {
    const blocks = renderProvisioningPanel({ config: CONFIG, pending: true, review: { id: 'run-1', counts: { deactivated: 42, created: 3 } } }) as Block[];
    valid(blocks);
    expect(text(blocks)).toContain('it would deactivate 42 members');
    const review = blocks.find((b) => b.block_id === IDS.reviewBlock)!;
    expect(review.elements.map((e: Block) => [e.action_id, e.value, Boolean(e.confirm)])).toEqual([
      [IDS.review, 'run-1', false],
      [IDS.approve, 'run-1', true],
      [IDS.cancel, 'run-1', true],
    ]);
  });

  it('shows the last click outcome in words', () => {
    const notices: PanelNotice[] = [
      { kind: 'sync_started' },
      { kind: 'preview_started' },
      { kind: 'held_elsewhere' },
      { kind: 'not_configured' },
      { kind: 'workspace_not_live' },
      { kind: 'finished', what: 'sync', status: 'completed', counts: { created: 1, added_to_team: 2 } },
      { kind: 'finished', what: 'preview', status: 'completed', counts: {} },
      { kind: 'finished', what: 'approval', status: 'failed', counts: {}, error: '<boom>'.repeat(500) },
      { kind: 'cancelled' },
      { kind: 'not_in_review', status: 'completed' },
      { kind: 'failed', error: 'x'.repeat(5000) },
    ];
    for (const notice of notices) valid(renderProvisioningPanel({ config: CONFIG, pending: false, notice }));
    expect(noticeText({ kind: 'held_elsewhere' })).toContain('Another sync is running');
    expect(noticeText({ kind: 'finished', what: 'sync', status: 'completed', counts: { created: 1, added_to_team: 2 } })).toBe(
      ':white_check_mark: Sync completed: 1 created, 2 added to teams.',
    );
    expect(noticeText({ kind: 'finished', what: 'preview', status: 'completed', counts: {} })).toContain('would have: no changes');
    expect(countsText({ deactivated: 1_000 })).toBe('1,000 deactivated');
  });

  it('stays within limits with many long groups and team names', () => {
    const groupIds = Array.from({ length: 300 }, (_, i) => `SG${i}`);
    const model: PanelModel = {
      config: { ...CONFIG, groupIds, teamMapping: { enabled: true, groupToTeam: Object.fromEntries(groupIds.map((id) => [id, '&'.repeat(100)])) } },
      groups: groupIds.map((id) => ({ id, handle: 'h'.repeat(200), name: 'n', disabled: false })),
      pending: true,
      review: { id: 'r'.repeat(100), counts: { deactivated: 1 } },
      notice: { kind: 'failed', error: '&'.repeat(3000) },
    };
    const blocks = renderProvisioningPanel(model) as Block[];
    valid(blocks);
    expect(text(blocks)).toContain('and 290 more');
  });
});

describe('the review modal', () => {
  const rows = Array.from({ length: REVIEW_PAGE_SIZE }, (_, i) => ({
    memberId: `m-${i}`,
    name: `<Name> ${'é'.repeat(300)}`,
    email: `m${i}@acme.test`,
    slackUserId: 'U0ADA00001',
    detail: 'no longer in a synced group',
  }));

  it('lists a page of planned deactivations with paging and its run in the metadata', () => {
    const view = renderReviewModal({ runId: 'run-1', page: 1, rows, total: 60, hasNext: true });
    expect(validateView(view)).toEqual([]);
    expect(decodeReviewMetadata(view.private_metadata)).toEqual({ runId: 'run-1', page: 1 });
    expect(JSON.stringify(view.blocks)).toContain('Showing 26–50 of 60');
    expect(JSON.stringify(view.blocks)).toContain('&lt;Name&gt;');
    const pager = (view.blocks as Block[]).find((b) => b.type === 'actions')!;
    expect(pager.elements.map((e: Block) => e.action_id)).toEqual([PROVISIONING_REVIEW_IDS.previousPage, PROVISIONING_REVIEW_IDS.nextPage]);
  });

  it('names a member by id when its line carries no name (stored before names were kept), and has no pager on a single page', () => {
    const view = renderReviewModal({ runId: 'run-1', page: 0, rows: [{ memberId: 'm-gone' }], total: 1, hasNext: false });
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain('Member `m-gone`');
    expect((view.blocks as Block[]).some((b) => b.type === 'actions')).toBe(false);
  });

  it('refuses metadata it did not write', () => {
    expect(decodeReviewMetadata(undefined)).toBeUndefined();
    expect(decodeReviewMetadata('{')).toBeUndefined();
    expect(decodeReviewMetadata(JSON.stringify({ runId: '', page: 0 }))).toBeUndefined();
    expect(decodeReviewMetadata(encodeReviewMetadata({ runId: 'r', page: 2 }))).toEqual({ runId: 'r', page: 2 });
  });
});
