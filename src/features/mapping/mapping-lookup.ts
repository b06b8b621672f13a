/**
 * Connections between members and Slack users as other features may use them (the mapping
 * feature's port): who is connected to whom, the automatic connections provisioning makes for
 * the members it creates, and the DM channel delivery caches. The repository, and with it
 * manual connections and removals (audited, admin-only), stay private to the mapping feature.
 */
import type { InsertAutoManyResult, MappingRepository } from './mapping.repository';
import type { Mapping } from './mapping.types';

export class MappingLookup {
  constructor(private readonly mappings: MappingRepository) {}

  /** The member's connection, if any. */
  lookup(memberId: string): Promise<Mapping | undefined> {
    return this.mappings.findByMember(memberId);
  }

  lookupBySlackUser(slackUserId: string): Promise<Mapping | undefined> {
    return this.mappings.findBySlackUser(slackUserId);
  }

  lookupMany(memberIds: readonly string[]): Promise<Mapping[]> {
    return this.mappings.findByMembers(memberIds);
  }

  streamAll(): AsyncGenerator<Mapping> {
    return this.mappings.streamAll();
  }

  /** True when an admin removed this member's connection, whichever Slack user it was (never redone automatically). */
  wasRemovedByAdmin(memberId: string): Promise<boolean> {
    return this.mappings.wasRemovedByAdmin(memberId);
  }

  /** Connects members by email match, as the automatic pass would (provisioning's new members). */
  connectAuto(candidates: ReadonlyArray<{ memberId: string; slackUserId: string; slackEmail: string }>, now: Date): Promise<InsertAutoManyResult> {
    return this.mappings.insertAutoMany(candidates, now);
  }

  /** Remembers the member's DM channel (delivery opens it once). */
  cacheDmChannel(memberId: string, slackUserId: string, dmChannelId: string): Promise<void> {
    return this.mappings.setDmChannel(memberId, slackUserId, dmChannelId);
  }
}
