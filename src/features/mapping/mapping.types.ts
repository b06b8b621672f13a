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

/** What the mapping needs to know of a Slack user. */
export interface SlackUserSummary {
  id: string;
  /** Normalised (trimmed, lower case); undefined when Slack has none (bots, some guests). */
  emailKey?: string;
  email?: string;
  deleted: boolean;
  isBot: boolean;
  /** From another workspace (Slack Connect) or not a full member of this one. */
  isStranger: boolean;
  name: string;
}
