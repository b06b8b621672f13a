/**
 * "Review" on a run the safety limit stopped: a modal of its planned deactivations, paged.
 * Read only; still authorised on every click.
 */
import type { App, Context } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { PROVISIONING_PANEL_IDS, PROVISIONING_REVIEW_IDS } from './config-ids';
import { gated } from '../../members/require-permission';
import { PROVISIONING_PERMISSION, type PanelContext } from './panel-context';
import { decodeReviewMetadata, renderReviewModal, renderReviewNotice, REVIEW_PAGE_SIZE, type ReviewRow } from './review.view';

export function registerReviewListeners(app: App, ctx: PanelContext): void {
  const { deps } = ctx;
  const manage = deps.requirePermission(PROVISIONING_PERMISSION);

  /** The modal for one page of a run's planned deactivations. */
  async function pageView(runId: string, page: number) {
    const run = await ctx.repos.runs.findById(runId);
    if (run?.kind !== 'sync') return renderReviewNotice('This sync is not in the history any more.');
    const lines: Array<{ memberId: string; memberName?: string; memberEmail?: string; slackUserId?: string; detail?: string }> = [];
    let skip = page * REVIEW_PAGE_SIZE;
    for await (const line of ctx.repos.runs.streamLines(runId)) {
      if (line.kind !== 'deactivated') continue;
      if (skip > 0) {
        skip -= 1;
        continue;
      }
      lines.push(line);
      if (lines.length > REVIEW_PAGE_SIZE) break;
    }
    // Names and emails as the plan recorded them: no member lookup.
    const rows: ReviewRow[] = lines.slice(0, REVIEW_PAGE_SIZE).map((line) => ({
      memberId: line.memberId,
      ...(line.memberName !== undefined ? { name: line.memberName } : {}),
      ...(line.memberEmail !== undefined ? { email: line.memberEmail } : {}),
      ...(line.slackUserId ? { slackUserId: line.slackUserId } : {}),
      ...(line.detail ? { detail: line.detail } : {}),
    }));
    return renderReviewModal({ runId, page, rows, total: run.counts.deactivated ?? rows.length, hasNext: lines.length > REVIEW_PAGE_SIZE });
  }

  app.action(PROVISIONING_PANEL_IDS.review, manage, async ({ context, client }) => {
    const { interaction } = gated(context);
    const runId = z.string().min(1).max(100).parse(interaction.action?.value);
    const opened = await client.views.open({ trigger_id: z.string().min(1).parse(interaction.triggerId), view: renderReviewNotice(':hourglass: Loading…') });
    const viewId = z.string().min(1).parse(opened.view?.id);
    await client.views.update({ view_id: viewId, view: await pageView(runId, 0) });
  });

  const turn =
    (delta: 1 | -1) =>
    async ({ context, client }: { context: Context; client: WebClient }) => {
      const { view } = gated(context).interaction;
      if (!view) return;
      const metadata = decodeReviewMetadata(view.privateMetadata);
      if (!metadata) return;
      await client.views.update({ view_id: view.id, view: await pageView(metadata.runId, Math.max(0, metadata.page + delta)) });
    };
  app.action(PROVISIONING_REVIEW_IDS.nextPage, manage, turn(1));
  app.action(PROVISIONING_REVIEW_IDS.previousPage, manage, turn(-1));
}
