/**
 * "Review" on a run the safety limit stopped: a modal of its planned deactivations, paged.
 * Read only; still authorised on every click.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { PROVISIONING_PANEL_IDS, PROVISIONING_REVIEW_IDS } from './config-ids';
import { PanelActionBody, PROVISIONING_PERMISSION, PROVISIONING_REFUSAL_TEXT, type PanelContext } from './panel-context';
import { decodeReviewMetadata, renderReviewModal, renderReviewNotice, REVIEW_PAGE_SIZE, type ReviewRow } from './review.view';

export function registerReviewListeners(app: App, ctx: PanelContext): void {
  const { deps, logger } = ctx;

  /** The modal for one page of a run's planned deactivations. */
  async function pageView(runId: string, page: number) {
    const run = await ctx.repos.runs.findById(runId);
    if (!run || run.kind !== 'sync') return renderReviewNotice('This sync is not in the history any more.');
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

  async function refuseIn(client: WebClient, userId: string, viewId: string): Promise<void> {
    logger.warn({ userId, what: PROVISIONING_REVIEW_IDS.view }, 'provisioning review refused');
    await client.views.update({ view_id: viewId, view: renderReviewNotice(`:no_entry: ${PROVISIONING_REFUSAL_TEXT}`) });
  }

  app.action(PROVISIONING_PANEL_IDS.review, async ({ ack, body, client }) => {
    await ack();
    const parsed = PanelActionBody.extend({ trigger_id: z.string().min(1) }).parse(body);
    const opened = await client.views.open({ trigger_id: parsed.trigger_id, view: renderReviewNotice(':hourglass: Loading…') });
    const viewId = z.string().min(1).parse(opened.view?.id);
    const { allowed } = await deps.actors.authorise(parsed.user.id, PROVISIONING_PERMISSION);
    if (!allowed) return refuseIn(client, parsed.user.id, viewId);
    const runId = z.string().min(1).max(100).parse(parsed.actions[0]?.value);
    await client.views.update({ view_id: viewId, view: await pageView(runId, 0) });
  });

  const turn = (delta: 1 | -1) => async ({ ack, body, client }: { ack: () => Promise<void>; body: unknown; client: WebClient }) => {
    await ack();
    const parsed = PanelActionBody.parse(body);
    if (!parsed.view) return;
    const { allowed } = await deps.actors.authorise(parsed.user.id, PROVISIONING_PERMISSION);
    if (!allowed) return refuseIn(client, parsed.user.id, parsed.view.id);
    const metadata = decodeReviewMetadata(parsed.view.private_metadata);
    if (!metadata) return;
    await client.views.update({ view_id: parsed.view.id, view: await pageView(metadata.runId, Math.max(0, metadata.page + delta)) });
  };
  app.action(PROVISIONING_REVIEW_IDS.nextPage, turn(1));
  app.action(PROVISIONING_REVIEW_IDS.previousPage, turn(-1));
}
