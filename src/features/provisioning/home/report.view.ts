/**
 * A sync run's report in a modal: a summary of the run, filters (outcome or action, changed
 * field), "Export CSV", one section per report line (member, action, outcome, each change as
 * before → after, the failure's detail), and Previous / Next. Pages hold REPORT_PAGE_SIZE
 * lines, far inside Slack's 100 blocks and 250 kB; user text is escaped and cut.
 *
 * Pure. `private_metadata` (the run, the filters, the seqs the page spans) is encoded and
 * decoded here with zod; a page is read again from the store on every press, never trusted
 * from the payload beyond those numbers.
 */
import type { KnownBlock, ModalView, PlainTextOption, SectionBlock } from '@slack/types';
import { z } from 'zod';
import { mrkdwn, mrkdwnText, plain } from '../../../slack/block-text';
import { SYNC_ACTION_KINDS, type FieldChange } from '../provisioning.types';
import { REPORT_OUTCOMES, type ReportFilter } from '../report.repository';
import type { SyncActionLine, SyncRun } from '../sync-run.repository';
import { HISTORY_IDS } from './history-ids';
import { slackDateText } from '../../../slack/slack-date';
import { ACTION_LABELS, countsText, runTitle, STATUS_LABELS } from './history.view';
import { renderNoticeModal } from '../../../slack/notice-modal';

/** Lines per page: one section each. */
export const REPORT_PAGE_SIZE = 20;
/** Most characters of one before or after value, after escaping. */
const MAX_VALUE = 200;
const MAX_NAME = 120;
const MAX_DETAIL = 500;

export const FIELD_LABELS: Record<FieldChange['field'], string> = {
  name: 'name',
  email: 'email',
  avatarUrl: 'profile picture',
  status: 'status',
  team: 'team',
};
const FIELDS = Object.keys(FIELD_LABELS) as Array<FieldChange['field']>;

const OUTCOME_LABELS: Record<SyncActionLine['outcome'], string> = {
  planned: ':spiral_note_pad: planned, not applied',
  applied: ':white_check_mark: applied',
  failed: ':x: failed',
};

// ---------------------------------------------------------------------------------------------
// Filters: one select for the outcome or the action kind, one for the changed field.

const ALL = 'all';

/** The action/outcome select's options: everything, each outcome, each action kind. */
export const ACTION_FILTER_OPTIONS: ReadonlyArray<{ value: string; label: string }> = [
  { value: ALL, label: 'All outcomes and actions' },
  ...REPORT_OUTCOMES.map((outcome) => ({ value: `outcome:${outcome}`, label: `Outcome: ${outcome}` })),
  ...SYNC_ACTION_KINDS.map((kind) => ({ value: `kind:${kind}`, label: `Action: ${ACTION_LABELS[kind]}` })),
];

export const FIELD_FILTER_OPTIONS: ReadonlyArray<{ value: string; label: string }> = [
  { value: ALL, label: 'Any changed field' },
  ...FIELDS.map((field) => ({ value: field, label: `Changed: ${FIELD_LABELS[field]}` })),
];

const filterSchema = z.object({
  kind: z.enum(SYNC_ACTION_KINDS).optional(),
  outcome: z.enum(REPORT_OUTCOMES).optional(),
  field: z.enum(FIELDS as [FieldChange['field'], ...Array<FieldChange['field']>]).optional(),
});

/** The filter after the action/outcome select changed to `value` (unknown values: no filter). */
export function withActionFilter(filter: ReportFilter, value: string | undefined): ReportFilter {
  const { kind: _kind, outcome: _outcome, ...rest } = filter;
  const [type, what] = (value ?? '').split(':');
  const kind = SYNC_ACTION_KINDS.find((k) => k === what);
  const outcome = REPORT_OUTCOMES.find((o) => o === what);
  if (type === 'kind' && kind) return { ...rest, kind };
  if (type === 'outcome' && outcome) return { ...rest, outcome };
  return rest;
}

/** The filter after the field select changed to `value` (unknown values: any field). */
export function withFieldFilter(filter: ReportFilter, value: string | undefined): ReportFilter {
  const { field: _field, ...rest } = filter;
  const field = FIELDS.find((f) => f === value);
  return field ? { ...rest, field } : rest;
}

function actionFilterValue(filter: ReportFilter): string {
  if (filter.kind) return `kind:${filter.kind}`;
  if (filter.outcome) return `outcome:${filter.outcome}`;
  return ALL;
}

// ---------------------------------------------------------------------------------------------
// Metadata

const metadataSchema = z.object({
  runId: z.string().min(1).max(200),
  filter: filterSchema,
  /** Seq of the page's first and last line; absent on an empty page. */
  first: z.number().int().min(0).optional(),
  last: z.number().int().min(0).optional(),
});
export type ReportMetadata = z.infer<typeof metadataSchema>;

export function encodeReportMetadata(metadata: ReportMetadata): string {
  return JSON.stringify(metadataSchema.parse(metadata));
}

export function decodeReportMetadata(raw: string | undefined): ReportMetadata | undefined {
  if (!raw) return undefined;
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Views

export interface ReportViewModel {
  run: SyncRun;
  filter: ReportFilter;
  /** This page's lines in seq order (at most REPORT_PAGE_SIZE), each naming its member. */
  lines: readonly SyncActionLine[];
  hasPrevious: boolean;
  hasNext: boolean;
  /** A short note above the report (e.g. that the export is on its way). */
  notice?: string;
  now?: Date;
}

export function renderReportView(model: ReportViewModel): ModalView {
  const { run, filter } = model;
  const lines = model.lines.slice(0, REPORT_PAGE_SIZE);
  const blocks: KnownBlock[] = [];
  if (model.notice) blocks.push({ type: 'context', block_id: 'provisioning.report_notice', elements: [mrkdwn(model.notice, 2000)] });
  blocks.push({ type: 'section', block_id: 'provisioning.report_summary', text: mrkdwn(summaryText(run, model.now)) });
  blocks.push({
    type: 'actions',
    block_id: HISTORY_IDS.toolbarBlock,
    elements: [
      select(HISTORY_IDS.actionFilter, 'Outcome or action', ACTION_FILTER_OPTIONS, actionFilterValue(filter)),
      select(HISTORY_IDS.fieldFilter, 'Changed field', FIELD_FILTER_OPTIONS, filter.field ?? ALL),
      { type: 'button', action_id: HISTORY_IDS.exportCsv, text: plain('Export CSV', 75), value: run.id },
    ],
  });
  const filtered = filter.kind !== undefined || filter.outcome !== undefined || filter.field !== undefined;
  if (lines.length === 0) {
    blocks.push({
      type: 'section',
      block_id: 'provisioning.report_empty',
      text: mrkdwn(filtered ? 'No line of this report matches these filters.' : 'This run has no report lines: there was nothing to change.'),
    });
  } else {
    const range = filtered
      ? `${lines.length} matching ${lines.length === 1 ? 'line' : 'lines'}`
      : `Lines ${(lines[0]!.seq + 1).toLocaleString('en-US')}–${(lines[lines.length - 1]!.seq + 1).toLocaleString('en-US')}`;
    blocks.push({ type: 'context', block_id: 'provisioning.report_range', elements: [mrkdwn(`${range}, in the order the sync planned them.`)] });
    for (const line of lines) blocks.push(lineBlock(line));
  }
  const pager = [
    ...(model.hasPrevious ? [{ type: 'button' as const, action_id: HISTORY_IDS.previous, text: plain('Previous', 75), value: 'previous' }] : []),
    ...(model.hasNext ? [{ type: 'button' as const, action_id: HISTORY_IDS.next, text: plain('Next', 75), value: 'next' }] : []),
  ];
  if (pager.length > 0) blocks.push({ type: 'actions', block_id: HISTORY_IDS.pagerBlock, elements: pager });
  return {
    type: 'modal',
    callback_id: HISTORY_IDS.reportView,
    title: plain(run.kind === 'preview' ? 'Preview report' : 'Sync report', 24),
    close: plain('Close', 24),
    private_metadata: encodeReportMetadata({
      runId: run.id,
      filter,
      ...(lines.length > 0 ? { first: lines[0]!.seq, last: lines[lines.length - 1]!.seq } : {}),
    }),
    blocks,
  };
}

/** A modal that only says something (the run is still going, is gone, or the viewer may not). */
export function renderReportInfoView(text: string): ModalView {
  return renderNoticeModal({ callbackId: HISTORY_IDS.infoView, title: 'Sync report', text });
}

export const REPORT_RUNNING_TEXT = ':arrows_counterclockwise: *This sync is still running.* Its report can be opened and exported once it finishes.';
export const REPORT_GONE_TEXT = 'This sync run no longer exists.';

function summaryText(run: SyncRun, now: Date | undefined): string {
  const lines = [`*${runTitle(run)}* · ${STATUS_LABELS[run.status]}`];
  lines.push(`Started ${slackDateText(run.startedAt, { now })}${run.finishedAt ? ` · finished ${slackDateText(run.finishedAt, { now })}` : ''}`);
  lines.push(countsText(run.counts));
  if (run.kind === 'preview') lines.push('_A preview: nothing was written. The lines show what a sync would do._');
  else if (run.status === 'needs_review') lines.push('_This run stopped before writing anything: the lines show what it planned._');
  if (run.error) lines.push(`_${mrkdwnText(run.error, MAX_DETAIL)}_`);
  return lines.join('\n');
}

function lineBlock(line: SyncActionLine): SectionBlock {
  // The name the planner stored; the member id for lines stored before names were kept.
  const who = `*${mrkdwnText(line.memberName ?? line.memberId, MAX_NAME)}*`;
  const slackUser = line.slackUserId ? ` (<@${line.slackUserId}>)` : '';
  const parts = [`${who}${slackUser} · ${ACTION_LABELS[line.kind]} · ${OUTCOME_LABELS[line.outcome]}`];
  for (const change of line.changes) parts.push(`• ${FIELD_LABELS[change.field]}: ${valueText(change.before)} → ${valueText(change.after)}`);
  if (line.detail) parts.push(`_${mrkdwnText(line.detail, MAX_DETAIL)}_`);
  return { type: 'section', block_id: `${HISTORY_IDS.lineBlockPrefix}${line.seq}`, text: mrkdwn(parts.join('\n')) };
}

function valueText(value: string | undefined): string {
  return value === undefined || value === '' ? '—' : mrkdwnText(value, MAX_VALUE);
}

function select(actionId: string, placeholder: string, options: ReadonlyArray<{ value: string; label: string }>, selected: string) {
  const all: PlainTextOption[] = options.map((o) => ({ text: plain(o.label, 75), value: o.value }));
  const initial = all.find((o) => o.value === selected) ?? all[0]!;
  return { type: 'static_select' as const, action_id: actionId, placeholder: plain(placeholder, 150), options: all, initial_option: initial };
}
