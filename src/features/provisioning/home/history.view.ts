/**
 * "Sync history" in the App Home, for Security Admins and Primary Owners: the most recent
 * provisioning runs, newest first, each with its kind, trigger, status, start and end, counts
 * and an "Open report" button. A run still going has no button: its report is not final, so
 * it can be neither opened nor exported until it finishes. Pure; one block per run, so the
 * section stays small in the Home's 100 blocks.
 */
import type { KnownBlock, SectionBlock } from '@slack/types';
import { mrkdwn, mrkdwnText, plain } from '../../../slack/block-text';
import { SYNC_ACTION_KINDS, type SyncActionKind } from '../provisioning.types';
import type { SyncRun, SyncRunStatus } from '../sync-run.repository';
import { HISTORY_IDS } from './history-ids';
import { slackDateText } from '../../../slack/slack-date';

/** Runs listed in the Home. */
export const HISTORY_RUNS_SHOWN = 10;
/** Most characters of a failed run's error, after escaping. */
const MAX_ERROR = 300;

export interface HistoryModel {
  /** Newest first; only the first HISTORY_RUNS_SHOWN are shown. */
  runs: readonly SyncRun[];
  /** For dates in the future (clock skew between processes): shown as now. */
  now?: Date;
}

export const STATUS_LABELS: Record<SyncRunStatus, string> = {
  pending: ':hourglass: Pending',
  running: ':arrows_counterclockwise: Running',
  completed: ':white_check_mark: Completed',
  completed_with_errors: ':warning: Completed with errors',
  failed: ':x: Failed',
  needs_review: ':raised_hand: Needs review',
};

export const ACTION_LABELS: Record<SyncActionKind, string> = {
  created: 'created',
  updated: 'updated',
  deactivated: 'deactivated',
  reactivated: 'reactivated',
  added_to_team: 'added to team',
  removed_from_team: 'removed from team',
  skipped: 'skipped',
  failed: 'failed',
};

/** True while a run's report is still being written: not to be opened or exported. */
export function isUnfinished(run: Pick<SyncRun, 'status'>): boolean {
  return run.status === 'running' || run.status === 'pending';
}

/** "Sync · Sync now", "Sync · scheduled", "Preview". */
export function runTitle(run: Pick<SyncRun, 'kind' | 'trigger'>): string {
  if (run.kind === 'preview') return 'Preview';
  return run.trigger === 'manual' ? 'Sync · Sync now' : 'Sync · scheduled';
}

/** "2 created · 1 updated", in the order of the action kinds; "no changes" when empty. */
export function countsText(counts: SyncRun['counts']): string {
  const parts = SYNC_ACTION_KINDS.filter((kind) => (counts[kind] ?? 0) > 0).map(
    (kind) => `${(counts[kind] ?? 0).toLocaleString('en-US')} ${ACTION_LABELS[kind]}`,
  );
  return parts.length > 0 ? parts.join(' · ') : 'no changes';
}

export function renderHistory(model: HistoryModel): KnownBlock[] {
  const runs = model.runs.slice(0, HISTORY_RUNS_SHOWN);
  const heading: SectionBlock = {
    type: 'section',
    block_id: HISTORY_IDS.historyHeading,
    text: mrkdwn(
      runs.length === 0
        ? '*Sync history*\nNo sync has run yet. Runs appear here, newest first, with a report of every change.'
        : `*Sync history*\nThe ${runs.length === 1 ? 'last run' : `${runs.length} most recent runs`}, newest first. Open a report to page through its changes and export it as CSV.`,
    ),
  };
  return [heading, ...runs.map((run, index) => runBlock(run, index, model.now))];
}

function runBlock(run: SyncRun, index: number, now: Date | undefined): SectionBlock {
  const lines = [`*${runTitle(run)}* · ${STATUS_LABELS[run.status]}`];
  const started = `Started ${slackDateText(run.startedAt, { now })}`;
  if (isUnfinished(run)) {
    lines.push(`${started} · ${run.usersRead.toLocaleString('en-US')} Slack users read so far`);
    lines.push('_The report can be opened and exported once this run finishes._');
  } else {
    lines.push(`${started}${run.finishedAt ? ` · finished ${slackDateText(run.finishedAt, { now })}` : ''}`);
    lines.push(countsText(run.counts));
    if (run.error) lines.push(`_${mrkdwnText(run.error, MAX_ERROR)}_`);
  }
  return {
    type: 'section',
    block_id: `${HISTORY_IDS.runBlockPrefix}${index}`,
    text: mrkdwn(lines.join('\n')),
    ...(isUnfinished(run)
      ? {}
      : { accessory: { type: 'button', action_id: `${HISTORY_IDS.openReportPrefix}${index}`, text: plain('Open report', 75), value: run.id } }),
  };
}
