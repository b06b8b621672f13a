import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import {
  ACTION_FILTER_OPTIONS,
  decodeReportMetadata,
  encodeReportMetadata,
  REPORT_PAGE_SIZE,
  renderReportView,
  withActionFilter,
  withFieldFilter,
  type ReportViewModel,
} from '../../../../src/features/provisioning/home/report.view';
import type { SyncActionLine, SyncRun } from '../../../../src/features/provisioning/sync-run.repository';

const RUN: SyncRun = {
  id: 'run-1',
  kind: 'sync',
  trigger: 'manual',
  status: 'completed',
  startedAt: new Date('2026-03-04T09:30:00Z'),
  finishedAt: new Date('2026-03-04T09:31:00Z'),
  counts: { updated: 30 },
  usersRead: 30,
};

const line = (seq: number, fields: Partial<SyncActionLine> = {}): SyncActionLine => ({
  runId: RUN.id,
  seq,
  kind: 'updated',
  memberId: `m-${seq}`,
  slackUserId: `U${seq}`,
  changes: [{ field: 'name', before: `Old ${seq}`, after: `New ${seq}` }],
  outcome: 'applied',
  ...fields,
});

const model = (fields: Partial<ReportViewModel> = {}): ReportViewModel => ({ run: RUN, filter: {}, lines: [], hasPrevious: false, hasNext: false, ...fields });
const text = (value: unknown) => JSON.stringify(value);
type Block = { type: string; block_id?: string; text?: { text: string }; elements?: Array<{ action_id: string; initial_option?: { value: string } }> };

describe('renderReportView', () => {
  it('renders a page of lines: member, action, outcome, before → after, detail, with pager and metadata', () => {
    const lines = Array.from({ length: REPORT_PAGE_SIZE }, (_, i) => line(20 + i));
    lines[0] = line(20, { kind: 'failed', outcome: 'failed', changes: [], detail: 'the email x@y belongs to member m-9' });
    lines[1] = line(21, { memberName: 'Ada Lovelace', memberEmail: 'ada@acme.test' });
    const view = renderReportView(model({ lines, hasPrevious: true, hasNext: true }));
    expect(validateView(view)).toEqual([]);
    const blocks = view.blocks as Block[];
    const lineBlocks = blocks.filter((b) => b.block_id?.startsWith('provisioning.report_line:'));
    expect(lineBlocks).toHaveLength(REPORT_PAGE_SIZE);
    expect(lineBlocks[0]!.text!.text).toContain('failed · :x: failed');
    expect(lineBlocks[0]!.text!.text).toContain('_the email x@y belongs to member m-9_');
    expect(lineBlocks[1]!.text!.text).toContain('*Ada Lovelace* (<@U21>) · updated · :white_check_mark: applied');
    expect(lineBlocks[1]!.text!.text).toContain('• name: Old 21 → New 21');
    // A line stored without a name shows the member's id.
    expect(lineBlocks[2]!.text!.text).toContain('*m-22*');
    expect(text(blocks)).toContain('Lines 21–40');
    const pager = blocks.find((b) => b.block_id === 'provisioning.report_pager')!;
    expect(pager.elements!.map((e) => e.action_id)).toEqual(['provisioning.report_previous', 'provisioning.report_next']);
    expect(decodeReportMetadata(view.private_metadata)).toEqual({ runId: 'run-1', filter: {}, first: 20, last: 39 });
  });

  it('never shows more than a page, and no pager on a single page', () => {
    const view = renderReportView(model({ lines: Array.from({ length: 50 }, (_, i) => line(i)) }));
    expect(validateView(view)).toEqual([]);
    expect((view.blocks as Block[]).filter((b) => b.block_id?.startsWith('provisioning.report_line:'))).toHaveLength(REPORT_PAGE_SIZE);
    expect(text(view)).not.toContain('provisioning.report_pager');
  });

  it('escapes user text and keeps long values within Slack limits', () => {
    const long = `<@U0EVIL> & *bold* ${'é'.repeat(5_000)}`;
    const view = renderReportView(
      model({
        lines: Array.from({ length: REPORT_PAGE_SIZE }, (_, i) =>
          line(i, {
            memberName: long,
            changes: [
              { field: 'name', before: long, after: long },
              { field: 'email', before: long, after: long },
              { field: 'avatarUrl', after: long },
              { field: 'status', before: long, after: long },
              { field: 'team', after: long },
            ],
            detail: long,
          }),
        ),
      }),
    );
    expect(validateView(view)).toEqual([]);
    expect(text(view)).not.toContain('<@U0EVIL>');
    expect(text(view)).toContain('&lt;@U0EVIL&gt; &amp;');
    expect(Buffer.byteLength(text(view))).toBeLessThan(250_000);
  });

  it('says when nothing matches the filters, and when the run had nothing to do', () => {
    const filtered = renderReportView(model({ filter: { outcome: 'failed', field: 'email' } }));
    expect(validateView(filtered)).toEqual([]);
    expect(text(filtered)).toContain('No line of this report matches these filters.');
    const blocks = filtered.blocks as Block[];
    const toolbar = blocks.find((b) => b.block_id === 'provisioning.report_toolbar')!;
    expect(toolbar.elements!.map((e) => e.initial_option?.value)).toEqual(['outcome:failed', 'email', undefined]);
    expect(decodeReportMetadata(filtered.private_metadata)).toEqual({ runId: 'run-1', filter: { outcome: 'failed', field: 'email' } });
    expect(text(renderReportView(model()))).toContain('nothing to change');
  });

  it('says what a preview and a run stopped for review are', () => {
    expect(text(renderReportView(model({ run: { ...RUN, kind: 'preview' } })))).toContain('A preview: nothing was written');
    expect(text(renderReportView(model({ run: { ...RUN, status: 'needs_review' } })))).toContain('stopped before writing anything');
  });
});

describe('report filters and metadata', () => {
  it('combines an outcome or action with a field, and drops unknown values', () => {
    expect(withActionFilter({ field: 'name' }, 'kind:created')).toEqual({ field: 'name', kind: 'created' });
    expect(withActionFilter({ kind: 'created', field: 'name' }, 'outcome:failed')).toEqual({ field: 'name', outcome: 'failed' });
    expect(withActionFilter({ kind: 'created' }, 'all')).toEqual({});
    expect(withActionFilter({ kind: 'created' }, 'kind:$where')).toEqual({});
    expect(withFieldFilter({ kind: 'created' }, 'team')).toEqual({ kind: 'created', field: 'team' });
    expect(withFieldFilter({ field: 'team' }, 'password')).toEqual({});
    expect(ACTION_FILTER_OPTIONS.length).toBeLessThanOrEqual(100);
    expect(ACTION_FILTER_OPTIONS.every((o) => o.label.length <= 75 && o.value.length <= 150)).toBe(true);
  });

  it('decodes only what it encoded', () => {
    const raw = encodeReportMetadata({ runId: 'r', filter: { kind: 'skipped' }, first: 0, last: 19 });
    expect(raw.length).toBeLessThan(3_000);
    expect(decodeReportMetadata(raw)).toEqual({ runId: 'r', filter: { kind: 'skipped' }, first: 0, last: 19 });
    expect(decodeReportMetadata('{"runId":"r","filter":{"kind":{"$ne":1}}}')).toBeUndefined();
    expect(decodeReportMetadata('not json')).toBeUndefined();
    expect(decodeReportMetadata(undefined)).toBeUndefined();
  });
});
