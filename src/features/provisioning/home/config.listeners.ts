/**
 * The configuration modal: "Configure" opens it, the group picker's typeahead is answered from
 * `usergroups.list` (kept a minute), and a submission is authorised again, checked, and saved
 * (the next sync uses it). Bad input is answered with inline errors and nothing is saved.
 * Slack's group events keep the kept group names current; they never start a sync.
 */
import type { App } from '@slack/bolt';
import { z } from 'zod';
import { withinBudget } from '../../../platform/within-budget';
import { ackBudgetLeft } from '../../../slack/ack-deadline';
import { publishHome } from '../../home';
import { gated } from '../../members/require-permission';
import { PROVISIONING_CONFIG_IDS, PROVISIONING_PANEL_IDS } from './config-ids';
import { matchUsergroups, toUsergroupSummary } from './config-groups';
import { groupOption, MAX_GROUP_OPTIONS, parseConfigSubmission, renderConfigModal, renderConfigNotice } from './config.view';
import { PROVISIONING_PERMISSION, type PanelContext } from './panel-context';

/** `subteam_created` / `subteam_updated`: the group as it is now. */
const SubteamEvent = z.object({
  subteam: z
    .object({
      id: z.string().min(1),
      handle: z.string().optional(),
      name: z.string().optional(),
      date_delete: z.number().optional(),
      date_update: z.number().optional(),
    })
    .loose(),
});

export function registerConfigListeners(app: App, ctx: PanelContext): void {
  const { deps, logger } = ctx;
  const manage = deps.requirePermission(PROVISIONING_PERMISSION);

  // A group created, renamed or disabled in Slack: the picker and the panel show it as it is now.
  for (const type of ['subteam_created', 'subteam_updated'] as const) {
    app.event(type, async ({ event }) => {
      const parsed = SubteamEvent.safeParse(event);
      if (!parsed.success) {
        logger.warn({ event: type, issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'Slack group event without a usable group; ignored');
        return;
      }
      ctx.catalog.remember(toUsergroupSummary(parsed.data.subteam));
      logger.debug({ event: type, usergroupId: parsed.data.subteam.id }, 'Slack user group taken in');
    });
  }

  // "Configure": open a modal at once (the trigger id lives 3 s), then fill it.
  app.action(PROVISIONING_PANEL_IDS.configure, manage, async ({ context, client }) => {
    const triggerId = z.string().min(1).parse(gated(context).interaction.triggerId);
    const opened = await client.views.open({ trigger_id: triggerId, view: renderConfigNotice(':hourglass: Loading…') });
    const viewId = z.string().min(1).parse(opened.view?.id);
    const config = await ctx.repos.config.get();
    const groups = await ctx.catalog.tryList();
    const groupsNeedPaidPlan = ctx.catalog.needsPaidPlan();
    await client.views.update({
      view_id: viewId,
      view: renderConfigModal({ ...(config ? { config } : {}), ...(groups ? { groups } : {}), groupsNeedPaidPlan }),
    });
  });

  // The group picker's typeahead (over the socket in Socket Mode; no options URL needed).
  app.options<'block_suggestion'>(PROVISIONING_CONFIG_IDS.groups, manage, async ({ ack, context }) => {
    const query = gated(context).interaction.query ?? '';
    const groups = await ctx.catalog.list().catch((error: unknown) => {
      // On a plan without groups the modal says so; the picker is not shown there.
      if (!ctx.catalog.needsPaidPlan()) logger.warn({ err: error }, 'usergroups.list failed; the group picker shows nothing');
      return [];
    });
    await ack({ options: matchUsergroups(groups, query, MAX_GROUP_OPTIONS).map(groupOption) });
  });

  app.view(PROVISIONING_CONFIG_IDS.view, manage, async ({ ack, context, client }) => {
    const { actor, interaction } = gated(context);
    const userId = actor.slackUserId;
    const values = interaction.view?.values;
    // Handles in the team mapping are resolved against Slack's groups; only read them when needed.
    // Groups resolve the team mapping's handles and say whether the plan has groups at all: read
    // (kept a minute) within what is left of Slack's deadline; late, handles stay unresolved.
    const groups = await withinBudget(ctx.catalog.tryList(), ackBudgetLeft(context));
    const result = parseConfigSubmission(values, groups, { groupsNeedPaidPlan: ctx.catalog.needsPaidPlan() });
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    await ctx.repos.config.save(result.config, actor.member.id, deps.clock.now());
    await ack();
    logger.info(
      {
        userId,
        memberId: actor.member.id,
        scope: result.config.scope,
        groups: result.config.groupIds.length,
        includeGuests: result.config.includeGuests,
        teamMapping: result.config.teamMapping.enabled,
      },
      'provisioning configuration saved',
    );
    await publishHome(client, deps.home, userId);
  });
}
