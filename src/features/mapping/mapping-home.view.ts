/**
 * The mapping counts panel of the App Home, for admins who may map by hand: connected, not
 * connected and inactive members, and "Review members". Pure.
 */
import type { KnownBlock } from '@slack/types';
import type { AttentionItem } from '../home';
import { MAPPING_BLOCKS, MAPPING_IDS } from './ids';
import type { MappingCounts } from './mapping.service';
import { slackDateText } from '../../slack/slack-date';

export interface MappingCountsModel {
  /** Undefined while the first count of a large directory is still running. */
  counts: MappingCounts | undefined;
  /** Set when the counts shown are the last ones finished, not fresh ones. */
  asOf?: Date;
}

export function renderMappingCounts(model: MappingCountsModel): KnownBlock[] {
  const { counts } = model;
  const blocks: KnownBlock[] = [];
  if (!counts) {
    blocks.push({
      type: 'section',
      block_id: MAPPING_BLOCKS.counts,
      text: { type: 'mrkdwn', text: '*Slack connections*\nCounting members… open this tab again in a moment to see the counts.' },
    });
  } else {
    blocks.push({
      type: 'section',
      block_id: MAPPING_BLOCKS.counts,
      text: { type: 'mrkdwn', text: '*Slack connections*' },
      fields: [
        { type: 'mrkdwn', text: `*Connected*\n${formatCount(counts.connected)}` },
        { type: 'mrkdwn', text: `*Not connected*\n${formatCount(counts.notConnected)}` },
        { type: 'mrkdwn', text: `*Inactive*\n${formatCount(counts.inactive)}` },
      ],
    });
  }
  const notes: string[] = ['Members are connected automatically when their Pigment email matches their Slack email.'];
  if (counts && counts.inactive > 0)
    notes.push('Inactive: the Slack account is deactivated; the connection is kept and comes back if the account is reactivated.');
  if (counts && model.asOf) {
    notes.push(`Counted ${slackDateText(model.asOf, { format: 'time' })}; a new count is running.`);
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notes.join(' ') }] });
  blocks.push({
    type: 'actions',
    block_id: MAPPING_BLOCKS.actions,
    elements: [
      {
        type: 'button',
        action_id: MAPPING_IDS.reviewMembers,
        text: { type: 'plain_text', text: 'Review members', emoji: true },
        ...(counts && counts.notConnected > 0 ? { style: 'primary' as const } : {}),
      },
    ],
  });
  return blocks;
}

/** Members not connected get no notifications in Slack: "Review members" (in the Overview) deals with them. */
export function mappingAttention(model: MappingCountsModel): AttentionItem[] {
  const waiting = model.counts?.notConnected ?? 0;
  if (waiting <= 0) return [];
  const who = waiting === 1 ? '1 member is' : `${formatCount(waiting)} members are`;
  return [
    { area: 'overview', text: `:bust_in_silhouette: *${who} not connected to Slack* and get no notifications here. Review them under Slack connections.` },
  ];
}

/** 12345 → "12,345". */
export function formatCount(count: number): string {
  return Math.max(0, Math.trunc(count)).toLocaleString('en-US');
}
