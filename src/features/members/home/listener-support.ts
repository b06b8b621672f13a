/**
 * What the member screens' listeners share: their dependencies, the block action that passed
 * the permission check, and the failure view for slow work after an ack.
 */
import type { Context } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../../platform/logger';
import type { ScreenDeps } from '../../ports';
import { gated, type AuthorisedActor } from '../require-permission';
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

/**
 * Runs slow work after a modal was acknowledged. If it throws, the modal tells the admin
 * (instead of spinning forever) and the error goes on to the global handler.
 */
export async function withFailureView(client: WebClient, viewId: string, title: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    await client.views
      .update({
        view_id: viewId,
        view: renderInfoView({ title, text: ':x: Something went wrong and the action did not finish. Nothing more was changed; try again in a moment.' }),
      })
      // The original error is what matters; it is rethrown below.
      .catch(() => undefined);
    throw error;
  }
}

export type ParsedBlockAction = {
  triggerId: string;
  userId: string;
  view?: { id: string; privateMetadata?: string; values: unknown };
  value: string;
};

/** The admin and the block action that passed `requirePermission('members.manage')`. */
export function managerAction(context: Context): { actor: AuthorisedActor; action: ParsedBlockAction } {
  const { actor, interaction } = gated(context);
  return {
    actor,
    action: {
      triggerId: interaction.triggerId ?? '',
      userId: actor.slackUserId,
      ...(interaction.view
        ? {
            view: {
              id: interaction.view.id,
              ...(interaction.view.privateMetadata !== undefined ? { privateMetadata: interaction.view.privateMetadata } : {}),
              values: interaction.view.values,
            },
          }
        : {}),
      value: interaction.action?.value ?? '',
    },
  };
}

/** The modal a block action came from; throws when the action did not come from one. */
export function modalOf(action: ParsedBlockAction): NonNullable<ParsedBlockAction['view']> {
  if (!action.view) throw new Error('a modal action arrived without its view');
  return action.view;
}
