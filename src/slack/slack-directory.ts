/**
 * Slack's user directory, as the mapping and provisioning need it: users one by one, by email,
 * or page by page. Rate limits are waited out here (Retry-After), so callers see a slow call
 * rather than an error.
 */
import type { WebClient } from '@slack/web-api';
import { emailKey } from '../platform/email';
import { slackErrorCode, withRetryAfter } from './slack-error';
import type { SlackUserSummary } from './slack-user';

/** Raw users.list / users.info member, the fields we read. */
export interface RawSlackUser {
  id?: string;
  team_id?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_stranger?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  /** Seconds; Slack bumps it on every change of the user, so it orders copies of one user. */
  updated?: number;
  /** On Enterprise Grid: the org, and the org's workspaces the user belongs to. */
  enterprise_user?: { id?: string; enterprise_id?: string; teams?: string[] };
  profile?: { email?: string; real_name?: string; display_name?: string; image_192?: string; image_72?: string };
}

export const USERS_LIST_PAGE_SIZE = 200;
const MAX_RATE_LIMIT_WAITS = 20;

/** The current tenant's bot client and Slack team (TenantSlack in the connector). */
export interface DirectorySlack {
  current(): Promise<{ client: WebClient; teamId: string }>;
}

/** The current tenant's Slack directory (every call runs in a tenant scope). */
export class SlackDirectory {
  constructor(
    private readonly slack: DirectorySlack,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** The tenant's Slack team id: who belongs to it is decided against it (see {@link isStrangerTo}). */
  async teamId(): Promise<string> {
    return (await this.slack.current()).teamId;
  }

  /**
   * The user, or undefined when Slack does not know them. `maxRateLimitWaits: 0` for callers
   * that must answer Slack within 3 s (listeners): a 429 then throws instead of waiting.
   */
  async getUser(userId: string, options: { maxRateLimitWaits?: number } = {}): Promise<SlackUserSummary | undefined> {
    const { client, teamId } = await this.slack.current();
    try {
      const result = await this.withRateLimit(() => client.users.info({ user: userId }), options.maxRateLimitWaits);
      return result.user ? this.summarise(result.user as RawSlackUser, teamId) : undefined;
    } catch (error) {
      if (slackErrorCode(error) === 'user_not_found') return undefined;
      throw error;
    }
  }

  /** The active user with this email, or undefined (Slack does not find deleted users). */
  async lookupByEmail(email: string): Promise<SlackUserSummary | undefined> {
    const { client, teamId } = await this.slack.current();
    try {
      const result = await this.withRateLimit(() => client.users.lookupByEmail({ email }));
      return result.user ? this.summarise(result.user as RawSlackUser, teamId) : undefined;
    } catch (error) {
      if (slackErrorCode(error) === 'users_not_found') return undefined;
      throw error;
    }
  }

  /** Every user, a page at a time (users.list, 200 per page). */
  async *listUsers(): AsyncGenerator<SlackUserSummary[]> {
    const teamId = await this.teamId();
    for await (const page of this.listRawUsers()) yield page.map((m) => this.summarise(m, teamId));
  }

  /** Every user as Slack gives it, a page at a time (users.list, 200 per page). */
  async *listRawUsers(): AsyncGenerator<RawSlackUser[]> {
    for await (const page of this.rawUserPages()) yield page.users;
  }

  /**
   * users.list pages from `cursor` (the start when omitted), each with the cursor of the page
   * after it (undefined on the last): a long read can be resumed where it stopped.
   */
  async *rawUserPages(cursor?: string): AsyncGenerator<{ users: RawSlackUser[]; nextCursor?: string }> {
    const { client } = await this.slack.current();
    do {
      const from = cursor;
      const page = await this.withRateLimit(() => client.users.list({ limit: USERS_LIST_PAGE_SIZE, ...(from ? { cursor: from } : {}) }));
      cursor = page.response_metadata?.next_cursor || undefined;
      yield { users: (page.members ?? []) as RawSlackUser[], ...(cursor ? { nextCursor: cursor } : {}) };
    } while (cursor);
  }

  /** The user ids of one user group (usergroups.users.list); `no_such_subteam` for a deleted or unknown one. */
  async usergroupMembers(groupId: string): Promise<string[]> {
    const { client } = await this.slack.current();
    const result = await this.withRateLimit(() => client.usergroups.users.list({ usergroup: groupId }));
    return result.users ?? [];
  }

  /** What the app needs of a Slack user of team `teamId` (see teamId()). */
  summarise(user: RawSlackUser, teamId: string): SlackUserSummary {
    const email = user.profile?.email?.trim() || undefined;
    return {
      id: String(user.id),
      email,
      emailKey: email ? emailKey(email) : undefined,
      deleted: user.deleted === true,
      isBot: user.is_bot === true || user.is_app_user === true || user.id === 'USLACKBOT',
      isStranger: isStrangerTo(user, teamId),
      // Slack sets both flags for single-channel guests, and is_restricted alone for multi-channel ones.
      isGuest: user.is_restricted === true || user.is_ultra_restricted === true,
      name: user.profile?.real_name || user.real_name || user.name || String(user.id),
    };
  }

  /** Calls `call`, waiting out 429s for as long as Slack asks (at most `maxWaits` times). */
  private withRateLimit<T>(call: () => Promise<T>, maxWaits = MAX_RATE_LIMIT_WAITS): Promise<T> {
    return withRetryAfter(call, { maxWaits, sleep: this.sleep });
  }
}

/**
 * Whether the user is not a member of workspace `teamId`: a Slack Connect user of another
 * organisation. Slack says so with `is_stranger`. Without it, a user whose `team_id` is
 * another team is a stranger unless they belong to the same Enterprise Grid org and to this
 * workspace: on Grid, `team_id` is the user's home team in every workspace of the org, and
 * `enterprise_user.teams` lists the workspaces they are a member of.
 */
export function isStrangerTo(user: Pick<RawSlackUser, 'is_stranger' | 'team_id' | 'enterprise_user'>, teamId: string): boolean {
  if (user.is_stranger === true) return true;
  // On Grid the org's own list decides, whatever the home team.
  const teams = user.enterprise_user?.teams;
  if (teams !== undefined) return !teams.includes(teamId);
  return user.team_id !== undefined && user.team_id !== teamId;
}
