/**
 * Sync history, reports and their CSV export in the App Home (issue 5, "History and
 * reports"), for Security Admins and Primary Owners (`provisioning.manage`):
 * - the Home section (order 41, just after the provisioning panel): the 10 latest runs;
 * - "Open report": the run's report in a modal, paged and filtered with views.update;
 * - "Export CSV": the whole report streamed into a CSV in the admin's DM.
 * Every action goes through `requirePermission('provisioning.manage')` (checked on the server,
 * now; a refusal says so and changes nothing). A run
 * still going can be neither opened nor exported: its report is not final.
 */
import type { App, Context } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../../platform/logger';
import { sendCsvToDm } from '../../../slack/csv-to-dm';
import type { ScreenDeps } from '../../ports';
import { isAllowed } from '../../members/permissions';
import { gated } from '../../members/require-permission';
import type { ReportFilter, SyncReportRepository } from '../report.repository';
import type { SyncRunRepository } from '../sync-run.repository';
import { REPORT_CSV_HEADER, reportCsvRows, reportFilename } from './report-csv';
import { HISTORY_IDS, OPEN_REPORT_ACTION } from './history-ids';
import { HISTORY_RUNS_SHOWN, isUnfinished, renderHistory, runTitle } from './history.view';
import {
  decodeReportMetadata,
  renderReportInfoView,
  renderReportView,
  REPORT_GONE_TEXT,
  REPORT_PAGE_SIZE,
  REPORT_RUNNING_TEXT,
  withActionFilter,
  withFieldFilter,
  type ReportMetadata,
} from './report.view';

/** Where a page is read from: forward after a seq (-1: the start), or backward before one. */
type PageStart = { after: number } | { before: number };

/** The provisioning panel is 40; the history sits just under it. */
export const HISTORY_SECTION_ORDER = 41;

export interface HistoryRepos {
  runs: Pick<SyncRunRepository, 'latest' | 'findById' | 'streamLines'>;
  report: Pick<SyncReportRepository, 'pageAfter' | 'pageBefore'>;
}

interface ParsedAction {
  triggerId: string;
  userId: string;
  viewId?: string;
  metadata?: string;
  /** The button's value or the selected option's value. */
  value: string;
}

/** The press that passed `requirePermission('provisioning.manage')`. */
function actionOf(context: Context): ParsedAction {
  const { actor, interaction } = gated(context);
  return {
    triggerId: interaction.triggerId ?? '',
    userId: actor.slackUserId,
    ...(interaction.view
      ? { viewId: interaction.view.id, ...(interaction.view.privateMetadata !== undefined ? { metadata: interaction.view.privateMetadata } : {}) }
      : {}),
    value: interaction.action?.value ?? '',
  };
}

export function registerHistory(app: App, deps: ScreenDeps, repos: HistoryRepos): void {
  const logger = deps.logger.child({ feature: 'provisioning', component: 'history' });

  deps.home.sections.add({
    order: HISTORY_SECTION_ORDER,
    name: 'provisioning.history',
    area: 'sync',
    render: async ({ actor }) => {
      if (!isAllowed(actor.member, 'provisioning.manage')) return [];
      return renderHistory({ runs: await repos.runs.latest(HISTORY_RUNS_SHOWN), now: deps.clock.now() });
    },
  });

  const manage = deps.requirePermission('provisioning.manage');

  /** The report page for `filter` reading forward after `after` or backward before `before`. */
  async function reportView(runId: string, filter: ReportFilter, from: PageStart) {
    const run = await repos.runs.findById(runId);
    if (!run) return renderReportInfoView(REPORT_GONE_TEXT);
    if (isUnfinished(run)) return renderReportInfoView(REPORT_RUNNING_TEXT);
    const forward = 'after' in from;
    const page = forward
      ? await repos.report.pageAfter(run, filter, from.after, REPORT_PAGE_SIZE)
      : await repos.report.pageBefore(run, filter, from.before, REPORT_PAGE_SIZE);
    return renderReportView({
      run,
      filter,
      lines: page.lines,
      // Read forward from the start, nothing lies before; read forward from a page, that page does.
      hasPrevious: forward ? from.after >= 0 && page.lines.length > 0 : page.more,
      hasNext: forward ? page.more : true,
      now: deps.clock.now(),
    });
  }

  app.action(OPEN_REPORT_ACTION, manage, async ({ context, client }) => {
    const action = actionOf(context);
    await client.views.open({ trigger_id: action.triggerId, view: await reportView(action.value, {}, { after: -1 }) });
  });

  /** Presses inside the report modal: filters and pages, all by views.update. */
  const inModal =
    (what: string, next: (metadata: ReportMetadata, value: string) => { filter: ReportFilter; from: PageStart }) =>
    async ({ context, client }: { context: Context; client: WebClient }) => {
      const action = actionOf(context);
      if (!action.viewId) throw new Error(`${what} arrived without its modal`);
      const metadata = decodeReportMetadata(action.metadata);
      const target = metadata ? next(metadata, action.value) : undefined;
      const view = metadata && target ? await reportView(metadata.runId, target.filter, target.from) : renderReportInfoView(REPORT_GONE_TEXT);
      await client.views.update({ view_id: action.viewId, view });
    };

  app.action(
    HISTORY_IDS.actionFilter,
    manage,
    inModal('filter_action', (m, value) => ({ filter: withActionFilter(m.filter, value), from: { after: -1 } })),
  );
  app.action(
    HISTORY_IDS.fieldFilter,
    manage,
    inModal('filter_field', (m, value) => ({ filter: withFieldFilter(m.filter, value), from: { after: -1 } })),
  );
  app.action(
    HISTORY_IDS.next,
    manage,
    inModal('next', (m) => ({ filter: m.filter, from: { after: m.last ?? -1 } })),
  );
  app.action(
    HISTORY_IDS.previous,
    manage,
    inModal('previous', (m) => ({ filter: m.filter, from: m.first !== undefined ? { before: m.first } : { after: -1 } })),
  );

  app.action(HISTORY_IDS.exportCsv, manage, async ({ context, client }) => {
    const action = actionOf(context);
    await exportReport(deps, repos, client, logger, action.userId, action.value);
  });
}

/** Streams the run's whole report as CSV into the admin's DM; says in the DM why not when it cannot. */
async function exportReport(deps: ScreenDeps, repos: HistoryRepos, client: WebClient, logger: Logger, userId: string, runId: string): Promise<void> {
  const run = await repos.runs.findById(runId);
  if (!run) return dm(client, userId, REPORT_GONE_TEXT);
  if (isUnfinished(run)) return dm(client, userId, REPORT_RUNNING_TEXT);
  try {
    const result = await sendCsvToDm((await deps.slack.current()).client, {
      userId,
      filename: reportFilename(run),
      title: `${runTitle(run)} report`,
      comment: `The report of the ${run.kind === 'preview' ? 'preview' : 'sync'} started ${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, one row per change.`,
      header: REPORT_CSV_HEADER,
      rows: reportCsvRows(repos.runs.streamLines(run.id)),
    });
    logger.info({ userId, runId, lines: result.lines, bytes: result.bytes }, 'sync report exported');
  } catch (error) {
    await dm(client, userId, ':x: The export of this sync report failed. Try again in a moment.').catch(() => undefined);
    throw error;
  }
}

async function dm(client: WebClient, userId: string, text: string): Promise<void> {
  await client.chat.postMessage({ channel: userId, text: text.replace(/\*/g, ''), blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
}
