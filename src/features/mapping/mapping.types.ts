/**
 * A member's connection to a Slack user.
 */
export type MappingSource = 'auto' | 'manual';

export interface Mapping {
  memberId: string;
  slackUserId: string;
  source: MappingSource;
  /** False while the Slack user is deactivated: kept, but nothing is delivered. */
  active: boolean;
  /** The Slack email that made the match (auto) or that the admin gave (manual). */
  slackEmail: string;
  /** The DM channel with the user, cached after the first conversations.open. */
  dmChannelId?: string;
  createdAt: Date;
  updatedAt: Date;
}

export type { SlackUserSummary } from '../../slack/slack-user';
