/**
 * Manual mapping in the App Home, for Security Admins and Primary Owners: "Review members"
 * opens a modal of members not connected to Slack (searchable, paged); "Set up" and "Edit" push
 * a modal asking for the member's email on Slack; "Remove" deletes a connection after a
 * confirmation dialog.
 *
 * Every click and submission is authorised on the server when it arrives
 * (`mapping.manage`), never from what a view showed; a refusal changes nothing and says so.
 */
import { ACK_BUDGET_MS, ackBudgetLeft } from '../../../slack/ack-deadline';
import type { App, Context } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock';
import type { Logger } from '../../../platform/logger';
import type { SlackDirectory } from '../../../slack/slack-directory';
import type { AuditLog } from '../../audit';
import { publishHome, type HomeDeps } from '../../home';
import { gated, renderRefusal, type RequirePermission } from '../../members/require-permission';
import type { MemberDirectory } from '../../members/member-directory';
import type { MappingRepository } from '../mapping.repository';
import { MANUAL_MAPPING_BLOCKS, MANUAL_MAPPING_IDS, rowActionPattern } from './ids';
import { ManualMappingService, type ReviewPage } from './manual-mapping.service';
import {
  decodeReviewState,
  initialReviewState,
  nextReviewPage,
  previousReviewPage,
  renderReviewLoading,
  renderReviewMembers,
  REVIEW_PAGE_SIZE,
  searchReview,
  searchTextFrom,
  switchReviewTab,
  type ReviewNotice,
  type ReviewState,
} from './review-members.view';
import { connectErrorText, decodeConnectMetadata, emailFrom, renderConnectMember } from './set-up-mapping.view';

export { ManualMappingService } from './manual-mapping.service';
export { MANUAL_MAPPING_IDS } from './ids';

/** Time budgets (ms). Slack waits 3 s for a view_submission's answer. */
export interface ManualMappingTiming {
  /** A Set up / Edit submission must be answered by then: the Slack lookup is cut off there. */
  submitBudgetMs: number;
  /** Scanning for a page inside a submission (the Search button). */
  submitListBudgetMs: number;
  /** Scanning for a page after a click (answered with views.update, no 3 s limit). */
  listBudgetMs: number;
}

export const DEFAULT_TIMING: ManualMappingTiming = { submitBudgetMs: ACK_BUDGET_MS, submitListBudgetMs: 2_000, listBudgetMs: 8_000 };

export interface ManualMappingDeps {
  logger: Logger;
  clock: Clock;
  repos: { members: MemberDirectory; mappings: MappingRepository; audit: AuditLog };
  directory: SlackDirectory;
  requirePermission: RequirePermission;
  home: HomeDeps;
}

export function register(app: App, deps: ManualMappingDeps, timing: ManualMappingTiming = DEFAULT_TIMING): void {
  const logger = deps.logger.child({ feature: 'mapping.manual' });
  const service = new ManualMappingService({ ...deps.repos, directory: deps.directory, clock: deps.clock });
  const manage = deps.requirePermission('mapping.manage');

  /** The list modal for `state`, its page loaded within `budgetMs`. */
  async function listView(state: ReviewState, budgetMs: number, notice?: ReviewNotice): Promise<ModalView> {
    const page = await service.listPage({ tab: state.tab, text: state.text, after: state.after, limit: REVIEW_PAGE_SIZE, budgetMs });
    const { next: _stale, ...rest } = state;
    return renderReviewMembers({
      state: page.nextAfter ? { ...rest, next: page.nextAfter } : rest,
      rows: toRows(page),
      partial: page.partial,
      ...(notice ? { notice } : {}),
    });
  }

  // "Review members" in the Home: open a modal at once (the trigger id lives 3 s), then fill it.
  app.action(MANUAL_MAPPING_IDS.reviewMembers, manage, async ({ context, client }) => {
    const { interaction } = gated(context);
    const opened = await client.views.open({ trigger_id: z.string().min(1).parse(interaction.triggerId), view: renderReviewLoading() });
    const viewId = z.string().min(1).parse(opened.view?.id);
    await client.views.update({ view_id: viewId, view: await listView(initialReviewState(), timing.listBudgetMs) });
  });

  /** Search on Enter, tabs and paging: a new state for the same modal. */
  const navigate =
    (move: (state: ReviewState, value: string) => ReviewState) =>
    async ({ context, client }: { context: Context; client: WebClient }) => {
      const { interaction } = gated(context);
      if (!interaction.view) return;
      const state = move(decodeReviewState(interaction.view.privateMetadata), interaction.action?.value ?? '');
      await client.views.update({ view_id: interaction.view.id, view: await listView(state, timing.listBudgetMs) });
    };
  app.action(
    MANUAL_MAPPING_IDS.search,
    manage,
    navigate((state, text) => searchReview(state, text)),
  );
  app.action(
    MANUAL_MAPPING_IDS.showUnconnected,
    manage,
    navigate((state) => switchReviewTab(state, 'unconnected')),
  );
  app.action(
    MANUAL_MAPPING_IDS.showConnected,
    manage,
    navigate((state) => switchReviewTab(state, 'connected')),
  );
  app.action(
    MANUAL_MAPPING_IDS.nextPage,
    manage,
    navigate((state) => nextReviewPage(state)),
  );
  app.action(
    MANUAL_MAPPING_IDS.previousPage,
    manage,
    navigate((state) => previousReviewPage(state)),
  );

  // The list modal's submit button is "Search".
  app.view(MANUAL_MAPPING_IDS.reviewView, manage, async ({ ack, context }) => {
    const { interaction } = gated(context);
    const state = searchReview(decodeReviewState(interaction.view?.privateMetadata), searchTextFrom(interaction.view?.values));
    await ack({ response_action: 'update', view: await listView(state, ackBudgetLeft(context, timing.submitListBudgetMs)) });
  });

  // "Set up" and "Edit": push the email modal over the list.
  const openConnect = async ({ context, client }: { context: Context; client: WebClient }) => {
    const { interaction } = gated(context);
    const triggerId = z.string().min(1).parse(interaction.triggerId);
    const memberId = z.string().min(1).parse(interaction.action?.value);
    const target = await service.memberWithMapping(memberId);
    const state = decodeReviewState(interaction.view?.privateMetadata);
    const list = interaction.view?.type === 'modal' ? interaction.view : undefined;
    if (!target) {
      if (list) await client.views.update({ view_id: list.id, view: await listView(state, timing.listBudgetMs, { kind: 'member_unavailable' }) });
      return;
    }
    const view = renderConnectMember({
      mode: target.mapping ? 'edit' : 'set_up',
      member: target.member,
      ...(target.mapping ? { current: target.mapping } : {}),
      ...(list ? { list: { viewId: list.id, state } } : {}),
    });
    if (list) await client.views.push({ trigger_id: triggerId, view });
    else await client.views.open({ trigger_id: triggerId, view });
  };
  app.action(rowActionPattern(MANUAL_MAPPING_IDS.setUp), manage, openConnect);
  app.action(rowActionPattern(MANUAL_MAPPING_IDS.edit), manage, openConnect);

  // The email modal's submission: look the email up (bounded), connect, or answer inline errors.
  app.view(MANUAL_MAPPING_IDS.connectView, manage, async ({ ack, context, client }) => {
    const { actor, interaction } = gated(context);
    const userId = actor.slackUserId;
    const metadata = decodeConnectMetadata(interaction.view?.privateMetadata);
    if (!metadata) {
      await ack({ response_action: 'errors', errors: { [MANUAL_MAPPING_BLOCKS.email]: 'This form is out of date: close it and open it again.' } });
      return;
    }
    // What is left of Slack's deadline since the payload arrived (the permission check took some).
    const lookupTimeoutMs = Math.max(250, ackBudgetLeft(context, timing.submitBudgetMs));
    const result = await service.connect(actor, { memberId: metadata.memberId, email: emailFrom(interaction.view?.values) }, { lookupTimeoutMs });
    if (!result.ok) {
      if (result.reason === 'slack_error') logger.warn({ err: result.error, code: result.code, userId }, 'users.lookupByEmail failed');
      if (result.reason === 'slack_timeout') logger.warn({ userId, lookupTimeoutMs }, 'users.lookupByEmail did not answer in time');
      await ack({ response_action: 'errors', errors: { [MANUAL_MAPPING_BLOCKS.email]: connectErrorText(result) } });
      return;
    }
    // A bare ack closes this modal and shows the list underneath, refreshed below.
    await ack();
    logger.info(
      { userId, memberId: result.member.id, slackUserId: result.mapping.slackUserId, replaced: result.before?.slackUserId },
      'member connected by hand',
    );
    const listViewId = metadata.list?.viewId ?? interaction.view?.previousViewId;
    if (listViewId) {
      const notice: ReviewNotice = { kind: 'connected', name: result.member.name, slackUserId: result.mapping.slackUserId };
      await client.views.update({ view_id: listViewId, view: await listView(metadata.list?.state ?? initialReviewState(), timing.listBudgetMs, notice) });
    }
    await publishHome(client, deps.home, userId);
  });

  // "Remove" (after Slack's confirmation dialog).
  app.action(rowActionPattern(MANUAL_MAPPING_IDS.remove), manage, async ({ context, client }) => {
    const { actor, interaction } = gated(context);
    const memberId = z.string().min(1).parse(interaction.action?.value);
    const result = await service.remove(actor, memberId);
    // The service checks again as it writes; a refusal there means the rights changed meanwhile.
    if (!result.ok && result.reason === 'not_allowed') {
      logger.warn({ userId: actor.slackUserId, memberId }, 'connection removal refused by the service');
      if (interaction.view?.type === 'modal') await client.views.update({ view_id: interaction.view.id, view: renderRefusal('mapping.manage') });
      return;
    }
    if (result.ok) logger.info({ userId: actor.slackUserId, memberId, slackUserId: result.removed.slackUserId }, 'connection removed by hand');
    const name = result.member?.name ?? memberId;
    if (interaction.view?.type === 'modal') {
      const notice: ReviewNotice = result.ok ? { kind: 'removed', name } : { kind: 'not_connected', name };
      await client.views.update({
        view_id: interaction.view.id,
        view: await listView(decodeReviewState(interaction.view.privateMetadata), timing.listBudgetMs, notice),
      });
    }
    if (result.ok) await publishHome(client, deps.home, actor.slackUserId);
  });
}

function toRows(page: ReviewPage) {
  return page.rows.map(({ member, mapping }) => ({
    memberId: member.id,
    name: member.name,
    email: member.email,
    pending: member.status === 'pending',
    ...(mapping ? { connection: { slackUserId: mapping.slackUserId, source: mapping.source, active: mapping.active } } : {}),
  }));
}
