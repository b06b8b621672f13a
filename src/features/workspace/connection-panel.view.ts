/**
 * The workspace connection as each viewer sees it in the App Home. Pure.
 */
import type { KnownBlock } from '@slack/types';
import type { AttentionItem } from '../home';
import { mrkdwnText } from '../../slack/block-text';
import type { WorkspaceState } from './workspace.types';
import { WORKSPACE_IDS } from './ids';
import { slackDateText } from '../../slack/slack-date';

/** Shown to the Security Admin or Primary Owner who acknowledges the connection. */
export const LEGAL_NOTICE =
  'By acknowledging, you confirm on behalf of your organisation that Pigment may read the names, emails and user groups of this Slack workspace to match them with Pigment members, and send direct messages to matched members. Pigment stores these details with your Pigment data and keeps them when the app is uninstalled, until you delete them from Pigment.';

/** Longest team name shown (after escaping), so that the panel's sections stay under 3,000 characters. */
const TEAM_NAME_MAX = 200;

export interface ConnectionPanelModel {
  state: WorkspaceState | undefined;
  /** The viewer may acknowledge and manage the connection. */
  canManage: boolean;
}

export function renderConnectionPanel(model: ConnectionPanelModel): KnownBlock[] {
  const { state } = model;
  if (!state) return [];
  if (state.kind === 'mismatch') {
    if (!model.canManage) return [];
    return [
      section(
        `:warning: *This connector is connected to another Slack workspace* (${teamName(state.workspace.teamName)}, ${state.workspace.teamId}). ` +
          `It refuses to go live in ${teamName(state.tokenTeam.name)} (${state.tokenTeam.id}): Pigment serves one Slack workspace at a time. Ask your Pigment administrator.`,
      ),
    ];
  }
  const { workspace } = state;
  if (workspace.status === 'pending') {
    if (!model.canManage) {
      return [
        section(
          ':hourglass_flowing_sand: *Waiting for an admin.* A Pigment Security Admin or Primary Owner needs to open this tab and acknowledge the connection before Pigment can reach you here.',
        ),
      ];
    }
    return [
      section(`*Connect ${teamName(workspace.teamName)} to Pigment*`),
      section(LEGAL_NOTICE),
      {
        type: 'actions',
        block_id: 'workspace.connection',
        elements: [
          {
            type: 'button',
            action_id: WORKSPACE_IDS.acknowledge,
            style: 'primary',
            text: { type: 'plain_text', text: 'Acknowledge and connect', emoji: true },
            value: workspace.teamId,
            confirm: {
              title: { type: 'plain_text', text: 'Connect this workspace?' },
              text: { type: 'mrkdwn', text: 'Pigment will match members by email and start sending their notifications here.' },
              confirm: { type: 'plain_text', text: 'Connect' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          },
        ],
      },
    ];
  }
  if (workspace.status === 'disconnected') {
    return model.canManage
      ? [
          section(
            ':no_entry: *Disconnected.* The app was removed or its tokens revoked; nothing is delivered. All members and mappings are kept: reinstall the app to resume.',
          ),
        ]
      : [];
  }
  if (!model.canManage) return [];
  const when = workspace.acknowledgedAt ? slackDateText(workspace.acknowledgedAt, { format: 'date' }) : 'an unknown date';
  const who = workspace.acknowledgedBy ? `<@${workspace.acknowledgedBy.slackUserId}>` : 'an admin';
  return [section(`:white_check_mark: *Connected.* ${teamName(workspace.teamName)} is live since ${when}, acknowledged by ${who}.`)];
}

/**
 * What needs an admin who manages the connection: acknowledging a pending one, a token for
 * another workspace, a removed app. Nothing for anyone else, and nothing once it is live.
 */
export function connectionAttention(model: ConnectionPanelModel): AttentionItem[] {
  const { state } = model;
  if (!state || !model.canManage) return [];
  if (state.kind === 'mismatch')
    return [{ area: 'overview', text: ':warning: *Connected to another Slack workspace.* Admin actions are refused until it is resolved.' }];
  const { workspace } = state;
  if (workspace.status === 'pending')
    return [
      {
        area: 'overview',
        text: `:hourglass_flowing_sand: *Acknowledge the connection.* Pigment reaches nobody in ${teamName(workspace.teamName)} until you do.`,
      },
    ];
  if (workspace.status === 'disconnected') return [{ area: 'overview', text: ':no_entry: *Disconnected.* Nothing is delivered until the app is reinstalled.' }];
  return [];
}

function teamName(name: string): string {
  return mrkdwnText(name, TEAM_NAME_MAX);
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}
