/**
 * The provisioning panel in the App Home (after the member directory, before the sync history) and its
 * buttons: Sync now, Preview, and Approve / Cancel for a run the safety limit stopped. The
 * configuration modal and the review modal register their own listeners from here.
 *
 * Every click goes through `requirePermission('provisioning.manage')`: authorised on the server
 * when it arrives; a refusal changes nothing and says so. Approve and Cancel run under
 * the sync's own lease, so they never overlap a sync on any connector process.
 */
import type { App, Context } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { JobOutcome } from '../../../platform/scheduler/scheduler';
import type { ScreenDeps } from '../../ports';
import { publishHome } from '../../home';
import { isAllowed } from '../../members/permissions';
import { gated } from '../../members/require-permission';
import type { ProvisioningRepos } from '../provisioning-repos';
import type { ReviewDecision, SyncService } from '../sync.service';
import { PROVISIONING_JOB } from '../sync.job';
import type { SyncRun } from '../sync-run.repository';
import { UsergroupCatalog } from './config-groups';
import { PROVISIONING_PERMISSION, type PanelContext } from './panel-context';
import { PROVISIONING_PANEL_IDS } from './config-ids';
import { registerConfigListeners } from './config.listeners';
import { provisioningAttention, renderProvisioningPanel, type PanelModel, type PanelNotice } from './panel.view';
import { registerReviewListeners } from './review.listeners';

/**
 * The panel's place in the Home: workspace 10, own status 20, notifications 25, mapping 30,
 * members 40, this panel, then the sync history 41 and the user inventory 45.
 */
export const PROVISIONING_PANEL_ORDER = 40.5;
/** Runs read to find the latest sync, the last completed one and a run in review. */
const RUNS_READ = 20;
/** The lease Approve and Cancel hold (the sync's own), renewed while they run. */
const DECISION_LEASE_MS = 5 * 60_000;

/** Registers the panel, its buttons and its modals. Called once from the provisioning feature's `register`. */
export function registerPanel(app: App, deps: ScreenDeps, services: { repos: ProvisioningRepos; sync: SyncService }): void {
  const logger = deps.logger.child({ feature: 'provisioning', component: 'home' });
  const ctx: PanelContext = {
    deps,
    repos: services.repos,
    sync: services.sync,
    catalog: new UsergroupCatalog(async () => (await deps.slack.current()).client, deps.clock),
    logger,
  };
  const manage = deps.requirePermission(PROVISIONING_PERMISSION);
  /** The outcome of each viewer's last click, shown once by the next render in this process. */
  const notices = new Map<string, PanelNotice>();

  deps.home.sections.add({
    order: PROVISIONING_PANEL_ORDER,
    name: 'provisioning.panel',
    area: 'sync',
    render: async ({ actor }) => {
      if (!isAllowed(actor.member, PROVISIONING_PERMISSION)) return [];
      const notice = notices.get(actor.slackUserId);
      notices.delete(actor.slackUserId);
      const model = await loadPanel(ctx, notice);
      return { blocks: renderProvisioningPanel(model), attention: provisioningAttention(model) };
    },
  });

  /** Shows `notice` in the viewer's Home now. */
  async function tell(client: WebClient, userId: string, notice: PanelNotice): Promise<void> {
    notices.set(userId, notice);
    await publishHome(client, deps.home, userId);
  }

  /** A Home button that passed the check: who pressed it and its value. */
  function clickOf(context: Context) {
    const { actor, interaction } = gated(context);
    return { userId: actor.slackUserId, member: actor.member, value: interaction.action?.value ?? '' };
  }

  app.action(PROVISIONING_PANEL_IDS.syncNow, manage, async (args) => {
    const click = clickOf(args.context);
    const userId = click.userId;
    logger.info({ userId, memberId: click.member.id }, 'sync started from the App Home');
    await tell(args.client, userId, { kind: 'sync_started' });
    const outcome = await deps.scheduler.runPlannedNow(PROVISIONING_JOB, 'manual');
    await tell(args.client, userId, noticeForJob(outcome, 'sync'));
  });

  app.action(PROVISIONING_PANEL_IDS.preview, manage, async (args) => {
    const click = clickOf(args.context);
    const userId = click.userId;
    if (!(await deps.workspace.isLive())) return tell(args.client, userId, { kind: 'workspace_not_live' });
    logger.info({ userId, memberId: click.member.id }, 'sync preview started from the App Home');
    await tell(args.client, userId, { kind: 'preview_started' });
    const outcome = await ctx.sync.run({ kind: 'preview', trigger: 'manual' });
    await tell(args.client, userId, outcome.ran ? finished(outcome.run, 'preview') : { kind: 'not_configured' });
  });

  /** Approve and Cancel: under the sync's lease, only for a run in review. */
  const decide = (what: 'approve' | 'cancel') => async (args: { context: Context; client: WebClient }) => {
    const click = clickOf(args.context);
    const userId = click.userId;
    const runId = z.string().min(1).max(100).parse(click.value);
    let decision: ReviewDecision | undefined;
    const outcome = await deps.scheduler.runExclusive(
      {
        name: `provisioning.${what}_reviewed`,
        lease: PROVISIONING_JOB,
        leaseMs: DECISION_LEASE_MS,
        run: async () => {
          decision =
            what === 'approve'
              ? await ctx.sync.approveReviewed(runId, click.member.id)
              : await ctx.sync.cancelReviewed(runId, { id: click.member.id, name: click.member.name });
          return decision.ok ? { runId, status: decision.run.status } : { runId, refused: decision.reason };
        },
      },
      'manual',
    );
    logger.info({ userId, memberId: click.member.id, runId, what, ok: decision?.ok }, `reviewed sync: ${what}`);
    if (!outcome.ran || outcome.status === 'failed' || !decision) return tell(args.client, userId, noticeForJob(outcome, 'approval'));
    if (!decision.ok) return tell(args.client, userId, { kind: 'not_in_review', ...(decision.reason === 'not_in_review' ? { status: decision.status } : {}) });
    await tell(args.client, userId, what === 'cancel' ? { kind: 'cancelled' } : finished(decision.run, 'approval'));
  };
  app.action(PROVISIONING_PANEL_IDS.approve, manage, decide('approve'));
  app.action(PROVISIONING_PANEL_IDS.cancel, manage, decide('cancel'));

  registerConfigListeners(app, ctx);
  registerReviewListeners(app, ctx);
}

function finished(run: SyncRun, what: 'sync' | 'preview' | 'approval'): PanelNotice {
  return { kind: 'finished', what, status: run.status, counts: run.counts, ...(run.error ? { error: run.error } : {}) };
}

/** What the scheduler's answer for the sync job means for the viewer. */
export function noticeForJob(outcome: JobOutcome, what: 'sync' | 'approval'): PanelNotice {
  if (!outcome.ran)
    return outcome.reason === 'held_elsewhere'
      ? { kind: 'held_elsewhere' }
      : { kind: 'failed', error: 'The connector is shutting down; try again in a moment.' };
  if (outcome.status === 'failed') return { kind: 'failed', error: `The sync could not run: ${outcome.error}` };
  const report = outcome.report;
  if (report['skipped'] === 'not_configured') return { kind: 'not_configured' };
  if (report['skipped'] !== undefined) return { kind: 'workspace_not_live' };
  const status = typeof report['status'] === 'string' ? (report['status'] as SyncRun['status']) : 'completed';
  const counts = (report['counts'] ?? {}) as SyncRun['counts'];
  return { kind: 'finished', what, status, counts };
}

/** The panel's model: the configuration, the latest runs and the group names. */
export async function loadPanel(ctx: Pick<PanelContext, 'repos' | 'catalog' | 'deps'>, notice?: PanelNotice): Promise<PanelModel> {
  const [config, runs] = await Promise.all([ctx.repos.config.get(), ctx.repos.runs.latest(RUNS_READ)]);
  const latest = runs[0];
  const latestSync = runs.find((r) => r.kind === 'sync');
  const lastCompleted = runs.find((r) => r.kind === 'sync' && (r.status === 'completed' || r.status === 'completed_with_errors'));
  const needsNames = config && (config.scope === 'groups' || Object.keys(config.teamMapping.groupToTeam).length > 0);
  const groups = needsNames ? await ctx.catalog.tryList() : undefined;
  return {
    ...(config ? { config } : {}),
    ...(groups ? { groups } : {}),
    ...(needsNames && ctx.catalog.needsPaidPlan() ? { groupsNeedPaidPlan: true } : {}),
    pending: config !== undefined && (!lastCompleted || lastCompleted.startedAt.getTime() < config.updatedAt.getTime()),
    ...(latest?.status === 'running' ? { running: latest, interrupted: !(await ctx.deps.scheduler.isLeaseHeld(PROVISIONING_JOB)) } : {}),
    ...(latestSync?.status === 'needs_review' ? { review: latestSync } : {}),
    ...(notice ? { notice } : {}),
  };
}
