/**
 * "Ashby imports" in the App Home, for Workspace Admins and Primary Owners: each import with
 * its application, target block and last run, and Run now / History / Edit; "New import" on
 * top. Pure. Two blocks per import and at most IMPORTS_SHOWN of them, so the section stays
 * small within the Home's 100 blocks.
 */
import type { ActionsBlock, Button, KnownBlock, SectionBlock } from '@slack/types';
import { mrkdwn, mrkdwnText, plain } from '../../../slack/block-text';
import { IMPORT_HOME_IDS as IDS } from './ids';
import type { AshbyImport, ImportRun, ImportRunStatus } from './import.types';
import { slackDateText } from '../../../slack/slack-date';

export const IMPORTS_SHOWN = 15;
const MAX_ERROR = 300;

export const RUN_STATUS_LABELS: Record<ImportRunStatus, string> = {
  running: ':arrows_counterclockwise: Running',
  completed: ':white_check_mark: Completed',
  completed_with_errors: ':warning: Completed with errors',
  failed: ':x: Failed',
};

export interface ImportListItem {
  imp: AshbyImport;
  applicationName: string;
  lastRun?: ImportRun;
  /** The last run is marked running but no live process holds the import's lease: its process died. */
  interrupted?: boolean;
}

/** The outcome of the viewer's last click, shown once. */
export type ImportsNotice =
  | { kind: 'run_started'; targetBlock: string }
  | { kind: 'run_finished'; targetBlock: string; run: ImportRun }
  | { kind: 'held_elsewhere'; targetBlock: string }
  | { kind: 'gone' }
  | { kind: 'saved'; targetBlock: string; created: boolean }
  | { kind: 'failed'; error: string };

export interface ImportsSectionModel {
  items: readonly ImportListItem[];
  notice?: ImportsNotice;
  now?: Date;
}

/** "3 new · 1 updated · 12 unchanged · 1 malformed". */
export function runCountsText(run: Pick<ImportRun, 'counts'>): string {
  const c = run.counts;
  const parts = [`${c.created} new`, `${c.updated} updated`, `${c.unchanged} unchanged`];
  if (c.malformed > 0) parts.push(`${c.malformed} malformed`);
  if (c.failed > 0) parts.push(`${c.failed} not stored`);
  if (c.membersCreated > 0) parts.push(`${c.membersCreated} pending members created`);
  return parts.join(' · ');
}

export function noticeText(notice: ImportsNotice): string {
  switch (notice.kind) {
    case 'run_started':
      return `:hourglass_flowing_sand: Importing into *${mrkdwnText(notice.targetBlock, 200)}*…`;
    case 'run_finished':
      return `${RUN_STATUS_LABELS[notice.run.status]}: import into *${mrkdwnText(notice.targetBlock, 200)}*${notice.run.status === 'failed' ? ` — ${mrkdwnText(notice.run.error ?? 'failed', MAX_ERROR)}` : ` — ${runCountsText(notice.run)}`}`;
    case 'held_elsewhere':
      return `:hourglass: The import into *${mrkdwnText(notice.targetBlock, 200)}* is already running; its result will show here.`;
    case 'gone':
      return ':grey_question: That import no longer exists.';
    case 'saved':
      return `:white_check_mark: Import into *${mrkdwnText(notice.targetBlock, 200)}* ${notice.created ? 'created; it runs on the import schedule, or now with Run now' : 'saved'}.`;
    case 'failed':
      return `:x: ${mrkdwnText(notice.error, MAX_ERROR)}`;
  }
}

export function renderImportsSection(model: ImportsSectionModel): KnownBlock[] {
  const items = model.items.slice(0, IMPORTS_SHOWN);
  const intro =
    model.items.length === 0
      ? "*Ashby imports*\nNo import yet. An import brings the hires of an application's Ashby connection into a block, on the import schedule and on Run now."
      : `*Ashby imports*\nHired candidates from Ashby, imported into the platform on a schedule.${model.items.length > items.length ? ` The first ${items.length} of ${model.items.length} are shown.` : ''}`;
  const heading: SectionBlock = {
    type: 'section',
    block_id: IDS.heading,
    text: mrkdwn(intro),
    accessory: { type: 'button', action_id: IDS.newImport, text: plain('New import', 75), value: 'new' },
  };
  const blocks: KnownBlock[] = [heading];
  if (model.notice) blocks.push({ type: 'context', elements: [mrkdwn(noticeText(model.notice))] });
  for (const [index, item] of items.entries()) blocks.push(...importBlocks(item, index, model.now));
  return blocks;
}

function importBlocks(item: ImportListItem, index: number, now: Date | undefined): KnownBlock[] {
  const { imp, lastRun } = item;
  const lines = [`*${mrkdwnText(imp.targetBlock, 200)}* · ${mrkdwnText(item.applicationName, 200)}`];
  const fields = imp.customFields.length > 0 ? `${imp.customFields.length} custom ${imp.customFields.length === 1 ? 'field' : 'fields'}` : 'default fields';
  lines.push(`${fields}${imp.createPendingMembers ? ' · creates pending members' : ''}`);
  if (!lastRun) lines.push('_Not run yet._');
  else {
    const status = item.interrupted
      ? ':warning: Interrupted (its connector process stopped); it runs again by itself within about two minutes'
      : RUN_STATUS_LABELS[lastRun.status];
    lines.push(`Last run: ${status} · ${slackDateText(lastRun.startedAt, { now })}`);
    if (lastRun.status === 'failed') lines.push(`_${mrkdwnText(lastRun.error ?? 'failed', MAX_ERROR)}_`);
    else if (lastRun.status !== 'running') lines.push(runCountsText(lastRun));
  }
  const button = (prefix: string, text: string): Button => ({ type: 'button', action_id: `${prefix}${index}`, text: plain(text, 75), value: imp.id });
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: `${IDS.importActionsPrefix}${index}`,
    elements: [button(IDS.runNowPrefix, 'Run now'), button(IDS.historyPrefix, 'History'), button(IDS.editPrefix, 'Edit')],
  };
  return [{ type: 'section', block_id: `${IDS.importBlockPrefix}${index}`, text: mrkdwn(lines.join('\n')) }, actions];
}
