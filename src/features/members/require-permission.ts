/**
 * Permission middleware for admin listeners, composed the way Bolt composes listeners:
 *
 *   app.action(ID, requirePermission('mapping.manage'), async ({ context, client }) => {
 *     const { actor, interaction } = gated(context);
 *     …
 *   });
 *
 * It checks the permission on the server, at the moment the payload arrives, from the
 * member's account type (never from what a view showed), and answers a refusal the same way
 * everywhere: a modal click turns the modal into the refusal; a Home or message click gets the
 * refusal as a DM (and the Home is published again, so it shows what the user may do now); a
 * submission's ack turns the modal into the refusal; a typeahead gets no options. A refused
 * payload never reaches the listener, so it cannot change anything.
 *
 * Acknowledgement: a block action is acknowledged here, before the check, so the listener
 * after it must not call `ack` (Slack waits 3 s and the check may call Slack). A submission
 * and an options request carry their answer in the ack, so they are checked first, within
 * AUTHORISE_BUDGET_MS, and the listener acks; a check that does not finish in time refuses.
 */
import type { AllMiddlewareArgs, AnyMiddlewareArgs, Context, Middleware } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../platform/logger';
import { withinBudget } from '../../platform/within-budget';
import { ackBudgetLeft } from '../../slack/ack-deadline';
import { renderNoticeModal } from '../../slack/notice-modal';
import type { Actor } from './actor.service';
import type { Member } from './member.types';
import { refusalText, type Permission } from './permissions';

/** Slack allows 3 s for a submission's or an options request's answer; the rest is the listener's. */
export const AUTHORISE_BUDGET_MS = 1_500;
/** The refusal modal's callback id (it has no submit button: nothing ever submits it). */
export const PERMISSION_REFUSED_VIEW = 'permission.refused';

/** An actor who passed the check: a member, allowed the permission now. */
export interface AuthorisedActor extends Actor {
  member: Member;
}

/** The fields of an interaction payload the admin listeners use, read once by the one schema. */
export interface Interaction {
  type: 'block_actions' | 'view_submission' | 'block_suggestion';
  userId: string;
  triggerId?: string;
  /** The surface the payload came from: the modal, or the Home (type `home`). */
  view?: { id: string; type: string; privateMetadata?: string; previousViewId?: string; values: unknown };
  /** Block actions: the first action, its value (a button's, or a select's chosen option). */
  action?: { actionId: string; value: string };
  /** Block suggestions: what the user typed. */
  query?: string;
}

export interface Gated {
  actor: AuthorisedActor;
  interaction: Interaction;
}

export type RequirePermission = (permission: Permission) => Middleware<AnyMiddlewareArgs>;

export interface PermissionGateDeps {
  actors: { authorise(slackUserId: string, permission: Permission): Promise<{ actor: Actor; allowed: boolean }> };
  logger: Logger;
  /** Publishes the user's Home again after a refused Home click. */
  refreshHome(client: WebClient, slackUserId: string): Promise<void>;
  /** Defaults to AUTHORISE_BUDGET_MS; tests shorten it. */
  budgetMs?: number;
}

const InteractionBody = z
  .object({
    type: z.enum(['block_actions', 'view_submission', 'block_suggestion']),
    user: z.object({ id: z.string().min(1) }).loose(),
    trigger_id: z.string().min(1).optional(),
    view: z
      .object({
        id: z.string().min(1),
        type: z.string().optional(),
        private_metadata: z.string().optional(),
        previous_view_id: z.string().nullish(),
        state: z.object({ values: z.unknown() }).loose().optional(),
      })
      .loose()
      .nullish(),
    actions: z
      .array(z.object({ action_id: z.string(), value: z.string().nullish(), selected_option: z.object({ value: z.string() }).loose().nullish() }).loose())
      .optional(),
    value: z.string().optional(),
  })
  .loose();

/** Reads the interaction; undefined for a payload without the fields every listener needs (forged or broken). */
export function readInteraction(body: unknown): Interaction | undefined {
  const parsed = InteractionBody.safeParse(body);
  if (!parsed.success) return undefined;
  const { data } = parsed;
  if (data.type === 'block_actions' && !data.actions?.length) return undefined;
  const first = data.actions?.[0];
  return {
    type: data.type,
    userId: data.user.id,
    ...(data.trigger_id ? { triggerId: data.trigger_id } : {}),
    ...(data.view
      ? {
          view: {
            id: data.view.id,
            type: data.view.type ?? 'modal',
            ...(data.view.private_metadata !== undefined ? { privateMetadata: data.view.private_metadata } : {}),
            ...(data.view.previous_view_id ? { previousViewId: data.view.previous_view_id } : {}),
            values: data.view.state?.values,
          },
        }
      : {}),
    ...(first ? { action: { actionId: first.action_id, value: first.selected_option?.value ?? first.value ?? '' } } : {}),
    ...(data.type === 'block_suggestion' ? { query: data.value ?? '' } : {}),
  };
}

/** What the middleware put in the context; throws when a listener runs without it (registered without the gate). */
export function gated(context: Context): Gated {
  const value = context['gated'] as Gated | undefined;
  if (!value) throw new Error('this listener needs requirePermission(...) before it');
  return value;
}

/** The refusal, as a modal. */
export function renderRefusal(permission: Permission): ReturnType<typeof renderNoticeModal> {
  return renderNoticeModal({ callbackId: PERMISSION_REFUSED_VIEW, title: 'Not allowed', text: refusalText(permission) });
}

export function createPermissionGate(deps: PermissionGateDeps): RequirePermission {
  const logger = deps.logger.child({ component: 'permissions' });
  const budgetMs = deps.budgetMs ?? AUTHORISE_BUDGET_MS;

  /** A refused block action: in the modal it came from, else by DM (and the Home made current). */
  async function refuseAction(client: WebClient, interaction: Interaction, permission: Permission): Promise<void> {
    if (interaction.view && interaction.view.type !== 'home') {
      const updated = await client.views.update({ view_id: interaction.view.id, view: renderRefusal(permission) }).then(
        () => true,
        // The modal may be closed already (or the payload forged): the DM below still tells them.
        (error: unknown) => {
          logger.info({ err: error, userId: interaction.userId }, 'could not show the refusal in the modal; sending it by DM');
          return false;
        },
      );
      if (updated) return;
    }
    const text = refusalText(permission);
    await client.chat
      .postMessage({ channel: interaction.userId, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] })
      // A user Slack does not know (or a forged id) cannot be told; the refusal stands all the same.
      .catch((error: unknown) => logger.warn({ err: error, userId: interaction.userId }, 'could not send the refusal by DM'));
    if (interaction.view?.type === 'home') await deps.refreshHome(client, interaction.userId);
  }

  return (permission) => async (args: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
    const interaction = readInteraction(args.body);
    if (!interaction || !ack) {
      logger.warn({ permission }, 'an admin payload without a user or an action; ignored');
      await ack?.();
      return;
    }
    const where = {
      userId: interaction.userId,
      permission,
      actionId: interaction.action?.actionId,
      callbackId: (args.body as { view?: { callback_id?: string } }).view?.callback_id,
    };

    if (interaction.type === 'block_actions') {
      await ack();
      const { actor, allowed } = await deps.actors.authorise(interaction.userId, permission);
      if (!allowed || !actor.member) {
        logger.warn(where, 'admin action refused');
        await refuseAction(args.client, interaction, permission);
        return;
      }
      args.context['gated'] = { actor: { ...actor, member: actor.member }, interaction } satisfies Gated;
      await args.next();
      return;
    }

    // The check's own budget, and never past what is left of Slack's deadline since the payload arrived.
    const checked = await withinBudget(deps.actors.authorise(interaction.userId, permission), ackBudgetLeft(args.context, budgetMs));
    if (!checked?.allowed || !checked.actor.member) {
      logger.warn({ ...where, late: checked === undefined }, 'admin action refused');
      if (interaction.type === 'block_suggestion') await ack({ options: [] });
      else await ack({ response_action: 'update', view: checked ? renderRefusal(permission) : renderLate() });
      return;
    }
    args.context['gated'] = { actor: { ...checked.actor, member: checked.actor.member }, interaction } satisfies Gated;
    await args.next();
  };
}

/** The check did not finish within Slack's time: refused, and said so, rather than acting unchecked. */
function renderLate() {
  return renderNoticeModal({
    callbackId: PERMISSION_REFUSED_VIEW,
    title: 'Try again',
    text: ':hourglass: Your permissions could not be checked in time, so nothing was changed. Try again in a moment.',
  });
}
