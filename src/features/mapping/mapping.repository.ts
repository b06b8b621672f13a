/**
 * Mappings of members to Slack users: one document per member (`_id` = member id), one member
 * per Slack user (a unique index). Automatic writes never replace a manual mapping.
 *
 * Every write that connects, disconnects or (de)activates a mapping of a member who is not
 * deactivated records the change in the Home's maintained counts (mapping-counts.repository.ts),
 * named by the mapping's state before and after, so the same change is counted once.
 */
import { randomUUID } from 'node:crypto';
import { MongoBulkWriteError, MongoServerError, type Collection } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { Mapping, MappingSource } from './mapping.types';
import type { CollectionSource } from '../../db/tenant-collection';
import type { Clock } from '../../platform/clock';
import { MappingCountsRepository, type CountDelta } from './mapping-counts.repository';

interface MappingDocument extends Omit<Mapping, 'memberId'> {
  _id: string;
}

export const MAPPING_INDEXES: CollectionIndexes = {
  collection: 'mappings',
  indexes: [
    { key: { slackUserId: 1 }, name: 'slackUserId_unique', unique: true },
    { key: { active: 1 }, name: 'active_1' },
  ],
};

/** By `_id` only; declared so the store knows them as tenant data (indexes, the single-workspace migration). */
export const MAPPING_PASS_INDEXES: CollectionIndexes = { collection: 'mapping_passes', indexes: [] };
export const MAPPING_EXCLUSION_INDEXES: CollectionIndexes = { collection: 'mapping_exclusions', indexes: [] };

/** What the last full pass saw: the strategy's Slack user count comes from here. */
export interface FullPassRecord {
  slackUsers: number;
  pages: number;
  at: Date;
}

/** The one document of `mapping_passes` (by `_id` only: no index needed). */
interface FullPassDocument extends FullPassRecord {
  _id: 'last_full_pass';
}

export type InsertAutoManyResult = {
  created: Mapping[];
  /** Inputs refused by a unique index: the member got a mapping meanwhile, or the Slack user is another member's. */
  refused: Array<{ memberId: string; slackUserId: string; reason: 'member_mapped' | 'slack_user_taken' | 'removed_by_admin' }>;
};

export type SaveMappingResult =
  | { ok: true; outcome: 'created' | 'updated' | 'unchanged'; mapping: Mapping; before?: Mapping }
  | { ok: false; reason: 'manual_kept' | 'slack_user_taken' | 'removed_by_admin'; takenBy?: string };

/**
 * A member whose connection an admin removed by hand: automatic matching must not connect
 * that member again, to any Slack user, until an admin connects them by hand. Per member, not
 * per Slack user: after an edit (email match U1 → U2 by hand) and a removal, U1 is as refused
 * as U2. `slackUserId` records the connection removed, for the record. Few documents, read by `_id`.
 */
interface ExclusionDocument {
  _id: string;
  slackUserId: string;
  removedAt: Date;
}

/** What a write may say about the member when its caller knows: saves a read of the member. */
export interface MemberHint {
  /** The member is not deactivated (their mapping is counted). */
  memberCounted?: boolean;
}

export interface MappingRepositoryOptions {
  /** Whether the member is counted (exists, not deactivated): the members feature's answer. */
  memberCounted(memberId: string): Promise<boolean>;
  /** Times the counts' deltas (the passes' bases are timed by the same clock). */
  clock: Clock;
}

export class MappingRepository {
  private readonly mappings: Collection<MappingDocument>;
  private readonly passes: Collection<FullPassDocument>;
  private readonly exclusions: Collection<ExclusionDocument>;
  readonly homeCounts: MappingCountsRepository;

  constructor(
    db: CollectionSource,
    private readonly options: MappingRepositoryOptions,
  ) {
    this.mappings = db.collection<MappingDocument>(MAPPING_INDEXES.collection);
    this.passes = db.collection<FullPassDocument>(MAPPING_PASS_INDEXES.collection);
    this.exclusions = db.collection<ExclusionDocument>(MAPPING_EXCLUSION_INDEXES.collection);
    this.homeCounts = new MappingCountsRepository(db);
  }

  /** Records what one write did to the member's counted state (nothing when it stays the same). */
  private async counted(memberId: string, before: Mapping | undefined, after: Mapping | undefined, hint: MemberHint | undefined): Promise<void> {
    const delta = mappingDelta(memberId, before, after);
    if (!delta) return;
    if (!(hint?.memberCounted ?? (await this.options.memberCounted(memberId)))) return;
    await this.homeCounts.record([delta], this.options.clock.now());
  }

  async findByMember(memberId: string): Promise<Mapping | undefined> {
    const doc = await this.mappings.findOne({ _id: memberId });
    return doc ? toMapping(doc) : undefined;
  }

  async findBySlackUser(slackUserId: string): Promise<Mapping | undefined> {
    const doc = await this.mappings.findOne({ slackUserId });
    return doc ? toMapping(doc) : undefined;
  }

  async findByMembers(memberIds: readonly string[]): Promise<Mapping[]> {
    if (memberIds.length === 0) return [];
    return (await this.mappings.find({ _id: { $in: [...memberIds] } }).toArray()).map(toMapping);
  }

  /** Every mapping, streamed (member id, Slack user, source, active). */
  async *streamAll(): AsyncGenerator<Mapping> {
    for await (const doc of this.mappings.find({})) yield toMapping(doc);
  }

  /**
   * Connects `memberId` to `slackUserId`. An automatic save leaves a manual mapping as it is
   * (`manual_kept`); any save refuses a Slack user already connected to another member.
   */
  async save(
    input: { memberId: string; slackUserId: string; source: MappingSource; slackEmail: string; active: boolean },
    now: Date,
    hint?: MemberHint,
  ): Promise<SaveMappingResult> {
    const holder = await this.mappings.findOne({ slackUserId: input.slackUserId }, { projection: { _id: 1 } });
    if (holder && holder._id !== input.memberId) return { ok: false, reason: 'slack_user_taken', takenBy: holder._id };
    const existing = await this.mappings.findOne({ _id: input.memberId });
    if (existing?.source === 'manual' && input.source === 'auto') return { ok: false, reason: 'manual_kept' };
    if (input.source === 'auto' && (await this.isExcluded(input.memberId))) return { ok: false, reason: 'removed_by_admin' };
    const before = existing ? toMapping(existing) : undefined;
    if (
      existing &&
      existing.slackUserId === input.slackUserId &&
      existing.source === input.source &&
      existing.active === input.active &&
      existing.slackEmail === input.slackEmail
    ) {
      return { ok: true, outcome: 'unchanged', mapping: before! };
    }
    const doc: MappingDocument = {
      _id: input.memberId,
      slackUserId: input.slackUserId,
      source: input.source,
      active: input.active,
      slackEmail: input.slackEmail,
      // The DM channel belongs to the Slack user: keep it only if the user is the same.
      ...(existing?.dmChannelId && existing.slackUserId === input.slackUserId ? { dmChannelId: existing.dmChannelId } : {}),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    try {
      if (existing) {
        // The filter re-checks the source, so a manual mapping written meanwhile is not overwritten.
        const filter = input.source === 'auto' ? { _id: input.memberId, source: 'auto' as const } : { _id: input.memberId };
        const result = await this.mappings.replaceOne(filter, doc);
        if (result.matchedCount === 0) return { ok: false, reason: 'manual_kept' };
      } else {
        await this.mappings.insertOne(doc);
      }
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) {
        const racer = await this.mappings.findOne({ slackUserId: input.slackUserId }, { projection: { _id: 1 } });
        if (racer && racer._id !== input.memberId) return { ok: false, reason: 'slack_user_taken', takenBy: racer._id };
        return { ok: false, reason: 'manual_kept' };
      }
      throw error;
    }
    // An admin connecting the member by hand lifts an earlier removal (once the write succeeded).
    if (input.source === 'manual') await this.exclusions.deleteOne({ _id: input.memberId });
    await this.counted(input.memberId, before, toMapping(doc), hint);
    return { ok: true, outcome: existing ? 'updated' : 'created', mapping: toMapping(doc), before };
  }

  /** Marks every mapping of a Slack user active or inactive (user deactivated/reactivated in Slack). */
  async setActiveForSlackUser(slackUserId: string, active: boolean, now: Date, hint?: MemberHint): Promise<Mapping | undefined> {
    const found = await this.mappings.findOneAndUpdate({ slackUserId, active: !active }, { $set: { active, updatedAt: now } }, { returnDocument: 'before' });
    if (!found) return undefined;
    const before = toMapping(found);
    const after: Mapping = { ...before, active, updatedAt: now };
    await this.counted(before.memberId, before, after, hint);
    return after;
  }

  async setDmChannel(memberId: string, slackUserId: string, dmChannelId: string): Promise<void> {
    await this.mappings.updateOne({ _id: memberId, slackUserId }, { $set: { dmChannelId } });
  }

  /** Removes the mapping; returns what it was. */
  async remove(memberId: string, hint?: MemberHint): Promise<Mapping | undefined> {
    const doc = await this.mappings.findOneAndDelete({ _id: memberId });
    if (!doc) return undefined;
    const removed = toMapping(doc);
    await this.counted(memberId, removed, undefined, hint);
    return removed;
  }

  /**
   * An admin's removal: removes the mapping and remembers the member, so automatic matching
   * does not connect them again, to any Slack user, until an admin connects them by hand.
   */
  async removeByAdmin(memberId: string, now: Date, hint?: MemberHint): Promise<Mapping | undefined> {
    const removed = await this.remove(memberId, hint);
    if (removed) {
      await this.exclusions.replaceOne({ _id: memberId }, { slackUserId: removed.slackUserId, removedAt: now }, { upsert: true });
    }
    return removed;
  }

  /** True when an admin removed this member's connection and no admin connected them by hand since. */
  async wasRemovedByAdmin(memberId: string): Promise<boolean> {
    return this.isExcluded(memberId);
  }

  private async isExcluded(memberId: string): Promise<boolean> {
    return (await this.exclusions.findOne({ _id: memberId }, { projection: { _id: 1 } })) !== null;
  }

  /** The candidates' member ids an admin removed before. */
  private async excludedAmong(candidates: ReadonlyArray<{ memberId: string }>): Promise<Set<string>> {
    // The collection is tiny (one document per manual removal): reading it whole is cheaper
    // than an $in over thousands of ids, which FerretDB answers with a scan anyway.
    const all = await this.exclusions.find({}, { projection: { _id: 1 } }).toArray();
    if (all.length === 0) return new Set();
    const wanted = new Set(candidates.map((c) => c.memberId));
    return new Set(all.map((e) => e._id).filter((id) => wanted.has(id)));
  }

  /** Mappings by state, of every member (deactivated ones too): a full count, for tests. */
  async counts(): Promise<{ active: number; inactive: number }> {
    const [active, inactive] = await Promise.all([this.mappings.countDocuments({ active: true }), this.mappings.countDocuments({ active: false })]);
    return { active, inactive };
  }
  /**
   * Inserts new automatic mappings in one unordered batch (the full pass, a page at a time).
   * Inserts only: an existing mapping of the member, manual or not, is never replaced here,
   * and the unique indexes refuse a member or Slack user that got a mapping meanwhile.
   * Callers give members that are not deactivated (the passes' candidates, provisioning's new
   * members): each mapping created counts as connected at once.
   */
  async insertAutoMany(candidates: ReadonlyArray<{ memberId: string; slackUserId: string; slackEmail: string }>, now: Date): Promise<InsertAutoManyResult> {
    if (candidates.length === 0) return { created: [], refused: [] };
    const excluded = await this.excludedAmong(candidates);
    const inputs = candidates.filter((c) => !excluded.has(c.memberId));
    const removedByAdmin = candidates
      .filter((c) => excluded.has(c.memberId))
      .map((c) => ({ memberId: c.memberId, slackUserId: c.slackUserId, reason: 'removed_by_admin' as const }));
    if (inputs.length === 0) return { created: [], refused: removedByAdmin };
    const docs: MappingDocument[] = inputs.map((input) => ({
      _id: input.memberId,
      slackUserId: input.slackUserId,
      source: 'auto',
      active: true,
      slackEmail: input.slackEmail,
      createdAt: now,
      updatedAt: now,
    }));
    const failed = new Set<number>();
    try {
      await this.mappings.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      for (const writeError of writeErrors) {
        if (writeError.code !== 11000) throw error;
        failed.add(writeError.index);
      }
    }
    const result: InsertAutoManyResult = { created: [], refused: [...removedByAdmin] };
    // Each insert that succeeded was this call's alone (the unique _id decided): one delta for them all.
    const created = docs.length - failed.size;
    if (created > 0)
      await this.homeCounts.record([{ key: `auto:${docs[0]!._id}:${now.getTime()}:${randomUUID()}`, connected: created }], this.options.clock.now());
    for (const [index, doc] of docs.entries()) {
      if (!failed.has(index)) {
        result.created.push(toMapping(doc));
        continue;
      }
      // Which index refused it: look the member up by _id (cheap); otherwise the Slack user was taken.
      const existing = await this.mappings.findOne({ _id: doc._id }, { projection: { _id: 1 } });
      result.refused.push({ memberId: doc._id, slackUserId: doc.slackUserId, reason: existing ? 'member_mapped' : 'slack_user_taken' });
    }
    return result;
  }

  /**
   * Removes the member's mapping only if it is still the automatic one to `slackUserId`
   * (a manual mapping written meanwhile stays). Returns what was removed.
   */
  async removeAuto(memberId: string, slackUserId: string, hint?: MemberHint): Promise<Mapping | undefined> {
    const doc = await this.mappings.findOneAndDelete({ _id: memberId, slackUserId, source: 'auto' });
    if (!doc) return undefined;
    const removed = toMapping(doc);
    await this.counted(memberId, removed, undefined, hint);
    return removed;
  }

  /** Records what the last full pass saw (the strategy reads the Slack user count from it). */
  async recordFullPass(record: FullPassRecord): Promise<void> {
    await this.passes.replaceOne({ _id: 'last_full_pass' }, { ...record }, { upsert: true });
  }

  async lastFullPass(): Promise<FullPassRecord | undefined> {
    const doc = await this.passes.findOne({ _id: 'last_full_pass' });
    if (!doc) return undefined;
    const { _id, ...record } = doc;
    return record;
  }
}

/** How a mapping counts: connected, inactive, or (none) not connected. */
function contribution(mapping: Mapping | undefined): { connected: number; inactive: number } {
  if (!mapping) return { connected: 0, inactive: 0 };
  return mapping.active ? { connected: 1, inactive: 0 } : { connected: 0, inactive: 1 };
}

/**
 * The change one write made to a counted member, named by the state it started from (its
 * updatedAt included) and the state it ended in: racing writers that both saw the same state
 * and made the same change (FerretDB lets both "succeed") name it alike. A mapping created
 * where there was none is named by its creation time (inserts are decided by the unique _id).
 */
export function mappingDelta(memberId: string, before: Mapping | undefined, after: Mapping | undefined): CountDelta | undefined {
  const from = contribution(before);
  const to = contribution(after);
  if (from.connected === to.connected && from.inactive === to.inactive) return undefined;
  const state = (m: Mapping | undefined) => (m ? `${m.slackUserId}.${m.active ? 1 : 0}` : '-');
  const origin = before ? `${state(before)}@${before.updatedAt.getTime()}` : `-@${after!.createdAt.getTime()}`;
  return { key: `map:${memberId}:${origin}>${state(after)}`, connected: to.connected - from.connected, inactive: to.inactive - from.inactive };
}

function toMapping(doc: MappingDocument): Mapping {
  const { _id, ...rest } = doc;
  return { memberId: _id, ...rest };
}
