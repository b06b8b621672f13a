/**
 * Who is acting: the member behind a Slack user id, found through their mapping, or, before
 * mapping exists, through the Slack user's own email matched to a member. Used to authorise
 * every admin action at the moment it runs.
 */
import type { SlackDirectory } from '../../slack/slack-directory';
import type { MappingRepository } from '../mapping/mapping.repository';
import type { MemberRepository } from './member.repository';
import type { Member } from './member.types';
import { isAllowed, type Permission } from './permissions';

export interface Actor {
  slackUserId: string;
  /** Undefined when the Slack user matches no member (or is a stranger to this workspace). */
  member?: Member;
}

export class ActorService {
  constructor(
    private readonly members: MemberRepository,
    private readonly mappings: MappingRepository,
    private readonly directory: SlackDirectory,
  ) {}

  async resolve(slackUserId: string): Promise<Actor> {
    const mapping = await this.mappings.findBySlackUser(slackUserId);
    if (mapping) return { slackUserId, member: await this.members.findById(mapping.memberId) };
    const user = await this.directory.getUser(slackUserId);
    if (!user || user.deleted || user.isBot || user.isStranger || !user.emailKey) return { slackUserId };
    return { slackUserId, member: await this.members.findByEmailKey(user.emailKey) };
  }

  /** Resolves the actor and checks one permission; `allowed` is false for unknown users. */
  async authorise(slackUserId: string, permission: Permission): Promise<{ actor: Actor; allowed: boolean }> {
    const actor = await this.resolve(slackUserId);
    return { actor, allowed: isAllowed(actor.member, permission) };
  }
}
