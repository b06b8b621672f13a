/**
 * Manual mapping in the App Home, for Security Admins and Primary Owners: "Review members"
 * opens a modal of members not connected to Slack (searchable, paged); "Set up" and "Edit" push
 * a modal asking for the member's email on Slack; "Remove" deletes a connection after a
 * confirmation dialog.
 *
 * Every click and submission is authorised on the server when it arrives
 * (`mapping.manage`), never from what a view showed; a refusal changes nothing and says so.
 */
import type { App } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock';
import type { Logger } from '../../../platform/logger';
import type { SlackDirectory } from '../../../slack/slack-directory';
import type { AuditLog } from '../../audit';
import { publishHome, type HomeDeps } from '../../home';
import type { ActorService } from '../../members/actor.service';
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
import { REFUSAL_TEXT, renderRefusal } from './view-text';

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

export const DEFAULT_TIMING: ManualMappingTiming = { submitBudgetMs: 2_500, submitListBudgetMs: 2_000, listBudgetMs: 8_000 };

export interface ManualMappingDeps {
  logger: Logger;
  clock: Clock;
  repos: { members: MemberDirectory; mappings: MappingRepository; audit: AuditLog };
  directory: SlackDirectory;
  actors: ActorService;
  home: HomeDeps;
}

const PERMISSION = 'mapping.manage';

const ActionBody = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1).optional(),
  view: z.object({ id: z.string().min(1), private_metadata: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});
type ActionBody = z.infer<typeof ActionBody>;

const SubmissionBody = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    id: z.string().min(1),
    private_metadata: z.string().optional(),
    previous_view_id: z.string().nullish(),
    state: z.object({ values: z.unknown() }).optional(),
  }),
});

export function register(app: App, deps: ManualMappingDeps, timing: ManualMappingTiming = DEFAULT_TIMING): void {
  const logger = deps.logger.child({ feature: 'mapping.manual' });
  const service = new ManualMappingService({ ...deps.repos, directory: deps.directory, clock: deps.clock });

  /** The list modal for `state`, its page loaded within `budgetMs`. */
  async function listView(state: ReviewState, budgetMs: number, notice?: ReviewNotice): Promise<ModalView> {
    const page = await service.listPage({ tab: state.tab, text: state.text, after: state.after, limit: REVIEW_PAGE_SIZE, budgetMs });
    const { next: _stale, ...rest } = state;
    return renderReviewMembers({ state: page.nextAfter ? { ...rest, next: page.nextAfter } : rest, rows: toRows(page), partial: page.partial, ...(notice ? { notice } : {}) });
  }

  /** Tells a refused user so, where they clicked: the modal if there is one, else a DM. */
  async function refuse(client: WebClient, body: ActionBody): Promise<void> {
    logger.warn({ userId: body.user.id, actionId: body.actions[0]?.action_id }, 'manual mapping refused');
    if (body.view) await client.views.update({ view_id: body.view.id, view: renderRefusal(MANUAL_MAPPING_IDS.reviewView) });
    else await client.chat.postMessage({ channel: body.user.id, text: REFUSAL_TEXT });
  }

  // "Review members" in the Home: open a modal at once (the trigger id lives 3 s), then fill it.
  app.action(MANUAL_MAPPING_IDS.reviewMembers, async ({ ack, body, client }) => {
    await ack();
    const parsed = ActionBody.extend({ trigger_id: z.string().min(1) }).parse(body);
    const opened = await client.views.open({ trigger_id: parsed.trigger_id, view: renderReviewLoading() });
    const viewId = z.string().min(1).parse(opened.view?.id);
    const { allowed } = await deps.actors.authorise(parsed.user.id, PERMISSION);
    if (!allowed) {
      await refuse(client, { ...parsed, view: { id: viewId } });
      return;
    }
    await client.views.update({ view_id: viewId, view: await listView(initialReviewState(), timing.listBudgetMs) });
  });

  /** Search on Enter, tabs and paging: a new state for the same modal. */
  const navigate = (move: (state: ReviewState, value: string | undefined) => ReviewState) =>
    async ({ ack, body, client }: { ack: () => Promise<void>; body: unknown; client: WebClient }) => {
      await ack();
      const parsed = ActionBody.parse(body);
      const { allowed } = await deps.actors.authorise(parsed.user.id, PERMISSION);
      if (!allowed) return refuse(client, parsed);
      if (!parsed.view) return;
      const state = move(decodeReviewState(parsed.view.private_metadata), parsed.actions[0]?.value);
      await client.views.update({ view_id: parsed.view.id, view: await listView(state, timing.listBudgetMs) });
    };
  app.action(MANUAL_MAPPING_IDS.search, navigate((state, text) => searchReview(state, text ?? '')));
  app.action(MANUAL_MAPPING_IDS.showUnconnected, navigate((state) => switchReviewTab(state, 'unconnected')));
  app.action(MANUAL_MAPPING_IDS.showConnected, navigate((state) => switchReviewTab(state, 'connected')));
  app.action(MANUAL_MAPPING_IDS.nextPage, navigate((state) => nextReviewPage(state)));
  app.action(MANUAL_MAPPING_IDS.previousPage, navigate((state) => previousReviewPage(state)));

  // The list modal's submit button is "Search".
  app.view(MANUAL_MAPPING_IDS.reviewView, async ({ ack, body }) => {
    const parsed = SubmissionBody.parse(body);
    const { allowed } = await deps.actors.authorise(parsed.user.id, PERMISSION);
    if (!allowed) {
      logger.warn({ userId: parsed.user.id, callbackId: MANUAL_MAPPING_IDS.reviewView }, 'manual mapping refused');
      await ack({ response_action: 'update', view: renderRefusal(MANUAL_MAPPING_IDS.reviewView) });
      return;
    }
    const state = searchReview(decodeReviewState(parsed.view.private_metadata), searchTextFrom(parsed.view.state?.values));
    await ack({ response_action: 'update', view: await listView(state, timing.submitListBudgetMs) });
  });

  // "Set up" and "Edit": push the email modal over the list.
  const openConnect = async ({ ack, body, client }: { ack: () => Promise<void>; body: unknown; client: WebClient }) => {
    await ack();
    const parsed = ActionBody.extend({ trigger_id: z.string().min(1) }).parse(body);
    const memberId = z.string().min(1).parse(parsed.actions[0]?.value);
    const { allowed } = await deps.actors.authorise(parsed.user.id, PERMISSION);
    if (!allowed) return refuse(client, parsed);
    const target = await service.memberWithMapping(memberId);
    const state = decodeReviewState(parsed.view?.private_metadata);
    if (!target) {
      if (parsed.view) await client.views.update({ view_id: parsed.view.id, view: await listView(state, timing.listBudgetMs, { kind: 'member_unavailable' }) });
      return;
    }
    const view = renderConnectMember({
      mode: target.mapping ? 'edit' : 'set_up',
      member: target.member,
      ...(target.mapping ? { current: target.mapping } : {}),
      ...(parsed.view ? { list: { viewId: parsed.view.id, state } } : {}),
    });
    if (parsed.view) await client.views.push({ trigger_id: parsed.trigger_id, view });
    else await client.views.open({ trigger_id: parsed.trigger_id, view });
  };
  app.action(rowActionPattern(MANUAL_MAPPING_IDS.setUp), openConnect);
  app.action(rowActionPattern(MANUAL_MAPPING_IDS.edit), openConnect);

  // The email modal's submission: look the email up (bounded), connect, or answer inline errors.
  app.view(MANUAL_MAPPING_IDS.connectView, async ({ ack, body, client }) => {
    const receivedAt = Date.now();
    const parsed = SubmissionBody.parse(body);
    const { actor, allowed } = await deps.actors.authorise(parsed.user.id, PERMISSION);
    if (!allowed) {
      logger.warn({ userId: parsed.user.id, callbackId: MANUAL_MAPPING_IDS.connectView }, 'manual mapping refused');
      await ack({ response_action: 'update', view: renderRefusal(MANUAL_MAPPING_IDS.connectView) });
      return;
    }
    const metadata = decodeConnectMetadata(parsed.view.private_metadata);
    if (!metadata) {
      await ack({ response_action: 'errors', errors: { [MANUAL_MAPPING_BLOCKS.email]: 'This form is out of date: close it and open it again.' } });
      return;
    }
    const lookupTimeoutMs = Math.max(250, timing.submitBudgetMs - (Date.now() - receivedAt));
    const result = await service.connect(actor, { memberId: metadata.memberId, email: emailFrom(parsed.view.state?.values) }, { lookupTimeoutMs });
    if (!result.ok) {
      if (result.reason === 'slack_error') logger.warn({ err: result.error, code: result.code, userId: parsed.user.id }, 'users.lookupByEmail failed');
      if (result.reason === 'slack_timeout') logger.warn({ userId: parsed.user.id, lookupTimeoutMs }, 'users.lookupByEmail did not answer in time');
      await ack({ response_action: 'errors', errors: { [MANUAL_MAPPING_BLOCKS.email]: connectErrorText(result) } });
      return;
    }
    // A bare ack closes this modal and shows the list underneath, refreshed below.
    await ack();
    logger.info({ userId: parsed.user.id, memberId: result.member.id, slackUserId: result.mapping.slackUserId, replaced: result.before?.slackUserId }, 'member connected by hand');
    const listViewId = metadata.list?.viewId ?? parsed.view.previous_view_id ?? undefined;
    if (listViewId) {
      const notice: ReviewNotice = { kind: 'connected', name: result.member.name, slackUserId: result.mapping.slackUserId };
      await client.views.update({ view_id: listViewId, view: await listView(metadata.list?.state ?? initialReviewState(), timing.listBudgetMs, notice) });
    }
    await publishHome(client, deps.home, parsed.user.id);
  });

  // "Remove" (after Slack's confirmation dialog).
  app.action(rowActionPattern(MANUAL_MAPPING_IDS.remove), async ({ ack, body, client }) => {
    await ack();
    const parsed = ActionBody.parse(body);
    const memberId = z.string().min(1).parse(parsed.actions[0]?.value);
    const { actor, allowed } = await deps.actors.authorise(parsed.user.id, PERMISSION);
    if (!allowed) return refuse(client, parsed);
    const result = await service.remove(actor, memberId);
    if (!result.ok && result.reason === 'not_allowed') return refuse(client, parsed);
    if (result.ok) logger.info({ userId: parsed.user.id, memberId, slackUserId: result.removed.slackUserId }, 'connection removed by hand');
    const name = result.member?.name ?? memberId;
    if (parsed.view) {
      const notice: ReviewNotice = result.ok ? { kind: 'removed', name } : { kind: 'not_connected', name };
      await client.views.update({ view_id: parsed.view.id, view: await listView(decodeReviewState(parsed.view.private_metadata), timing.listBudgetMs, notice) });
    }
    if (result.ok) await publishHome(client, deps.home, parsed.user.id);
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
