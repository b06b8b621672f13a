/**
 * The member directory's App Home section, for admins allowed `members.manage`: how many
 * members there are by status, and the buttons to import members and to find one. Pure.
 */
import type { KnownBlock } from '@slack/types';
import type { MemberStatus } from '../member.types';
import { plain, plural } from './block-text';
import { MEMBERS_HOME_IDS } from './ids';

export interface MembersSectionModel {
  /** False for viewers who may not manage members: they see nothing. */
  canManage: boolean;
  /** Undefined while the one count of a directory that predates maintained counts runs. */
  counts: Record<MemberStatus, number> | undefined;
}

export function renderMembersSection(model: MembersSectionModel): KnownBlock[] {
  if (!model.canManage) return [];
  const { pending, activated, deactivated } = model.counts ?? { pending: 0, activated: 0, deactivated: 0 };
  const total = pending + activated + deactivated;
  const summary = !model.counts
    ? 'Counting members… open this tab again in a moment to see the counts.'
    : total === 0
      ? 'No members yet. Import a CSV file of your Pigment members, or add them through the API.'
      : `${plural(total, 'member')}: ${activated.toLocaleString('en-US')} activated · ${pending.toLocaleString('en-US')} pending · ${deactivated.toLocaleString('en-US')} deactivated`;
  return [
    { type: 'section', block_id: 'members.summary', text: { type: 'mrkdwn', text: `*Member directory*\n${summary}` } },
    {
      type: 'actions',
      block_id: 'members.home_actions',
      elements: [
        { type: 'button', action_id: MEMBERS_HOME_IDS.importOpen, text: plain('Import members', 75), value: 'import' },
        { type: 'button', action_id: MEMBERS_HOME_IDS.detailsOpen, text: plain('Member details', 75), value: 'details' },
      ],
    },
  ];
}
