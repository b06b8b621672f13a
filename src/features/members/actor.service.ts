/**
 * Who is acting: the member behind a Slack user id, found through their mapping, or, before
 * mapping exists, through the Slack user's own email matched to a member. Used to authorise
 * every admin action at the moment it runs.
 */
import type { SlackDirectory } from '../../slack/slack-directory';
import { classifySlackError } from '../../slack/slack-error';
import { currentTenantId } from '../../tenancy/tenant-scope';
import type { MappingLookup } from '../mapping/mapping-lookup';
import type { MemberDirectory } from './member-directory';
import type { Member } from './member.types';
import { isAllowed, type Permission } from './permissions';

export interface Actor {
  slackUserId: string;
  /** Undefined when the Slack user matches no member (or is a stranger to this workspace). */
  member?: Member;
}

/**
 * How long a Slack user's email, read with users.info, stands for them. A modal's submission
 * follows the click that opened it, and Slack waits only 3 s for its answer, round trips
 * included: the click's users.info then serves the submission. Only the email is kept; the
 * member, their account type and their connections are read afresh every time.
 */
export const SLACK_EMAIL_TTL_MS = 5 * 60_000;
const SLACK_EMAILS_KEPT = 5_000;

export class ActorService {
  /** Slack user id → their usable email key (undefined: deleted, bot, stranger or no email), and when it was read. */
  private readonly slackEmails = new Map<string, { emailKey: string | undefined; at: number }>();

  constructor(
    private readonly members: Pick<MemberDirectory, 'findById' | 'findByEmailKey'>,
    private readonly mappings: Pick<MappingLookup, 'lookup' | 'lookupBySlackUser' | 'wasRemovedByAdmin'>,
    private readonly directory: SlackDirectory,
    /** False while this process must refuse admin actions (its token is for another workspace). */
    private readonly actionsAllowed: () => Promise<boolean> = async () => true,
    private readonly now: () => number = Date.now,
  ) {}

  async resolve(slackUserId: string): Promise<Actor> {
    const mapping = await this.mappings.lookupBySlackUser(slackUserId);
    if (mapping) return { slackUserId, member: await this.members.findById(mapping.memberId) };
    const emailKey = await this.slackEmailOf(slackUserId);
    if (!emailKey) return { slackUserId };
    const member = await this.members.findByEmailKey(emailKey);
    if (!member) return { slackUserId };
    // The email stands in only until the member is connected: a member connected to another
    // Slack user, or whose connection an admin removed (to this or any Slack user), is not this Slack user.
    if (await this.mappings.lookup(member.id)) return { slackUserId };
    if (await this.mappings.wasRemovedByAdmin(member.id)) return { slackUserId };
    return { slackUserId, member };
  }

  /** The Slack user's email key when they may stand for a member by it, kept for SLACK_EMAIL_TTL_MS. */
  private async slackEmailOf(slackUserId: string): Promise<string | undefined> {
    // Keyed by tenant too: Slack user ids are only unique within their workspace.
    const key = `${currentTenantId('an actor')}/${slackUserId}`;
    const kept = this.slackEmails.get(key);
    if (kept && this.now() - kept.at < SLACK_EMAIL_TTL_MS) return kept.emailKey;
    // Listeners authorise before answering Slack: never wait out a rate limit here. Rate
    // limited, the user is unknown for this one action (refused, nothing changes, nothing kept).
    let limited = false;
    const user = await this.directory.getUser(slackUserId, { maxRateLimitWaits: 0 }).catch((error: unknown) => {
      if (classifySlackError(error).kind !== 'rate_limited') throw error;
      limited = true;
      return undefined;
    });
    if (limited) return undefined;
    const emailKey = !user || user.deleted || user.isBot || user.isStranger ? undefined : user.emailKey;
    if (this.slackEmails.size >= SLACK_EMAILS_KEPT) this.slackEmails.delete(this.slackEmails.keys().next().value as string);
    this.slackEmails.set(key, { emailKey, at: this.now() });
    return emailKey;
  }

  /** Resolves the actor and checks one permission; `allowed` is false for unknown users. */
  async authorise(slackUserId: string, permission: Permission): Promise<{ actor: Actor; allowed: boolean }> {
    const actor = await this.resolve(slackUserId);
    return { actor, allowed: (await this.actionsAllowed()) && isAllowed(actor.member, permission) };
  }
}
