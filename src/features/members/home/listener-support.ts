/**
 * What the member screens' listeners share: their dependencies, payload parsing with zod,
 * and the refusals (an admin screen used by someone who may not, or may no longer, manage
 * members changes nothing and says so).
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../../platform/logger';
import type { ScreenDeps } from '../../ports';
import { publishHome } from '../../home';
import type { Actor } from '../actor.service';
import type { MappingLookup } from '../../mapping/mapping-lookup';
import type { MemberServices } from '../index';
import type { MemberImportPreviewRepository } from './member-import-preview.repository';
import { renderInfoView } from './member-import.view';

export interface MembersHomeContext {
  deps: ScreenDeps;
  services: MemberServices;
  mapping: Pick<MappingLookup, 'lookup'>;
  previews: () => MemberImportPreviewRepository;
  logger: Logger;
}

export const REFUSED_TEXT =
  ':no_entry: *You cannot manage members.* Only Pigment Workspace Admins, Security Admins and Primary Owners can import, edit, deactivate or reactivate members. Nothing was changed.';

/** The admin's right to manage members, checked now, on the server. */
export async function authoriseManager(ctx: MembersHomeContext, slackUserId: string): Promise<{ actor: Actor; allowed: boolean }> {
  return ctx.deps.actors.authorise(slackUserId, 'members.manage');
}

/** A Home button pressed by someone who may not: a DM says so, and their Home is brought up to date. */
export async function refuseFromHome(ctx: MembersHomeContext, client: WebClient, slackUserId: string, action: string): Promise<void> {
  ctx.logger.warn({ userId: slackUserId, action }, 'member action refused');
  await client.chat.postMessage({ channel: slackUserId, text: REFUSED_TEXT.replace(/\*/g, ''), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: REFUSED_TEXT } }] });
  await publishHome(client, ctx.deps.home, slackUserId);
}

/** An action inside a modal by someone who may not: the modal says so. */
export async function refuseInModal(ctx: MembersHomeContext, client: WebClient, viewId: string, slackUserId: string, action: string): Promise<void> {
  ctx.logger.warn({ userId: slackUserId, action }, 'member action refused');
  await client.views.update({ view_id: viewId, view: refusedView() });
}

export function refusedView() {
  return renderInfoView({ title: 'Members', text: REFUSED_TEXT });
}

/**
 * Runs slow work after a modal was acknowledged. If it throws, the modal tells the admin
 * (instead of spinning forever) and the error goes on to the global handler.
 */
export async function withFailureView(client: WebClient, viewId: string, title: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    await client.views
      .update({ view_id: viewId, view: renderInfoView({ title, text: ':x: Something went wrong and the action did not finish. Nothing more was changed; try again in a moment.' }) })
      // The original error is what matters; it is rethrown below.
      .catch(() => undefined);
    throw error;
  }
}

const blockActionSchema = z.object({
  trigger_id: z.string(),
  user: z.object({ id: z.string().min(1) }),
  view: z.object({ id: z.string().min(1), private_metadata: z.string().optional(), state: z.object({ values: z.unknown() }).optional() }).loose().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().nullish() }).loose()).min(1),
});

export type ParsedBlockAction = {
  triggerId: string;
  userId: string;
  view?: { id: string; privateMetadata?: string; values: unknown };
  value: string;
};

/** The fields of a block_actions payload the listeners use; throws (a bug or a forged payload) when absent. */
export function parseBlockAction(body: unknown): ParsedBlockAction {
  const parsed = blockActionSchema.parse(body);
  const action = parsed.actions[0]!;
  return {
    triggerId: parsed.trigger_id,
    userId: parsed.user.id,
    ...(parsed.view ? { view: { id: parsed.view.id, privateMetadata: parsed.view.private_metadata, values: parsed.view.state?.values } } : {}),
    value: action.value ?? '',
  };
}

/** The modal a block action came from; throws when the action did not come from one. */
export function modalOf(action: ParsedBlockAction): NonNullable<ParsedBlockAction['view']> {
  if (!action.view) throw new Error('a modal action arrived without its view');
  return action.view;
}
