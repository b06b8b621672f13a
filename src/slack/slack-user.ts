/**
 * A Slack user as the connector reads one (users.list, users.info, user events): what the
 * mapping and provisioning decide on.
 */
export interface SlackUserSummary {
  id: string;
  /** Normalised (trimmed, lower case); undefined when Slack has none (bots, some guests). */
  emailKey?: string;
  email?: string;
  deleted: boolean;
  isBot: boolean;
  /** From another workspace (Slack Connect) or not a full member of this one. */
  isStranger: boolean;
  /** A multi-channel (`is_restricted`) or single-channel (`is_ultra_restricted`) guest of this workspace. */
  isGuest: boolean;
  name: string;
}
