/**
 * An import's run history in a modal: the latest runs, newest first, with trigger, status,
 * start and end, counts, and the problems each run listed (malformed records, rows not stored)
 * or why it failed. Pure; a few blocks per run so that HISTORY_RUNS_SHOWN runs stay within a
 * modal's 100 blocks.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { mrkdwn, mrkdwnText, plain } from '../../../slack/block-text';
import { IMPORT_SETUP_IDS } from './ids';
import type { AshbyImport, ImportRun } from './import.types';
import { slackDateText } from '../../../slack/slack-date';
import { RUN_STATUS_LABELS, runCountsText } from './imports-section.view';

export const HISTORY_RUNS_SHOWN = 20;
/** Problems listed per run; the count says how many there were. */
const PROBLEMS_SHOWN = 5;

export function renderHistoryModal(model: { imp: AshbyImport; applicationName: string; runs: readonly ImportRun[]; now?: Date }): ModalView {
  const runs = model.runs.slice(0, HISTORY_RUNS_SHOWN);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        `*${mrkdwnText(model.imp.targetBlock, 200)}* · ${mrkdwnText(model.applicationName, 200)}\n` +
          (runs.length === 0
            ? 'No run yet. Runs appear here, newest first, with their counts and problems.'
            : `The ${runs.length === 1 ? 'last run' : `${runs.length} most recent runs`}, newest first.`),
      ),
    },
  ];
  for (const run of runs) blocks.push({ type: 'divider' }, runBlock(run, model.now));
  return { type: 'modal', callback_id: IMPORT_SETUP_IDS.history, title: plain('Import history', 24), close: plain('Close', 24), blocks };
}

function runBlock(run: ImportRun, now: Date | undefined): KnownBlock {
  const trigger = run.trigger === 'manual' ? 'Run now' : 'scheduled';
  const lines = [`${RUN_STATUS_LABELS[run.status]} · ${trigger}${run.fullRead === true ? ' · full read' : run.fullRead === false ? ' · changes only' : ''}`];
  lines.push(`Started ${slackDateText(run.startedAt, { now })}${run.finishedAt ? ` · finished ${slackDateText(run.finishedAt, { now })}` : ''}`);
  if (run.status !== 'running') lines.push(`${run.counts.fetched} read: ${runCountsText(run)}`);
  if (run.error) lines.push(`_${mrkdwnText(run.error, 500)}_`);
  const problems = run.errors
    .slice(0, PROBLEMS_SHOWN)
    .map((e) => `• ${e.applicationId ? `\`${mrkdwnText(e.applicationId, 100)}\` ` : ''}${mrkdwnText(e.message, 300)}`);
  lines.push(...problems);
  const more = run.counts.malformed + run.counts.failed - problems.length;
  if (problems.length > 0 && more > 0) lines.push(`…and ${more} more.`);
  return { type: 'section', text: mrkdwn(lines.join('\n')) };
}
