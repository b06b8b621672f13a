/**
 * Who is acting: the member behind a Slack user id, found through their mapping, or, before
 * mapping exists, through the Slack user's own email matched to a member. Used to authorise
 * every admin action at the moment it runs.
 */
import type { SlackDirectory } from '../../slack/slack-directory';
import { classifySlackError } from '../../slack/slack-error';
import type { MappingLookup } from '../mapping/mapping-lookup';
import type { MemberDirectory } from './member-directory';
import type { Member } from './member.types';
import { isAllowed, type Permission } from './permissions';

export interface Actor {
  slackUserId: string;
  /** Undefined when the Slack user matches no member (or is a stranger to this workspace). */
  member?: Member;
}

export class ActorService {
  constructor(
    private readonly members: Pick<MemberDirectory, 'findById' | 'findByEmailKey'>,
    private readonly mappings: Pick<MappingLookup, 'lookup' | 'lookupBySlackUser' | 'wasRemovedByAdmin'>,
    private readonly directory: SlackDirectory,
    /** False while this process must refuse admin actions (its token is for another workspace). */
    private readonly actionsAllowed: () => boolean = () => true,
  ) {}

  async resolve(slackUserId: string): Promise<Actor> {
    const mapping = await this.mappings.lookupBySlackUser(slackUserId);
    if (mapping) return { slackUserId, member: await this.members.findById(mapping.memberId) };
    // Listeners authorise before answering Slack: never wait out a rate limit here. Rate
    // limited, the user is unknown for this one action (refused, nothing changes).
    const user = await this.directory.getUser(slackUserId, { maxRateLimitWaits: 0 }).catch((error: unknown) => {
      if (classifySlackError(error).kind === 'rate_limited') return undefined;
      throw error;
    });
    if (!user || user.deleted || user.isBot || user.isStranger || !user.emailKey) return { slackUserId };
    const member = await this.members.findByEmailKey(user.emailKey);
    if (!member) return { slackUserId };
    // The email stands in only until the member is connected: a member connected to another
    // Slack user, or whose connection an admin removed (to this or any Slack user), is not this Slack user.
    if (await this.mappings.lookup(member.id)) return { slackUserId };
    if (await this.mappings.wasRemovedByAdmin(member.id)) return { slackUserId };
    return { slackUserId, member };
  }

  /** Resolves the actor and checks one permission; `allowed` is false for unknown users. */
  async authorise(slackUserId: string, permission: Permission): Promise<{ actor: Actor; allowed: boolean }> {
    const actor = await this.resolve(slackUserId);
    return { actor, allowed: this.actionsAllowed() && isAllowed(actor.member, permission) };
  }
}
