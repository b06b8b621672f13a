/**
 * The member directory in MongoDB: one document per member, `_id` = the platform's member id,
 * one member per email (a unique index on the normalised email).
 *
 * The counts by status (the admin Home's) are maintained (src/db/maintained-counts.ts): every
 * write that creates a member or changes a status records the change, named by the member's
 * state before it, so the same change counts once.
 */
import { MongoBulkWriteError, MongoServerError, type Collection, type Filter } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { AccountType, Member, MemberSource, MemberStatus } from './member.types';
import type { CollectionSource } from '../../db/tenant-collection';
import { MaintainedCounts, type CountDelta } from '../../db/maintained-counts';
import { randomUUID } from 'node:crypto';
import { MEMBER_STATUSES } from './member.types';

interface MemberDocument extends Omit<Member, 'id'> {
  _id: string;
}

/** Tries of a save when other writes keep landing between its read and its write. */
const SAVE_ATTEMPTS = 5;

export const MEMBER_INDEXES: CollectionIndexes = {
  collection: 'members',
  indexes: [
    { key: { emailKey: 1 }, name: 'emailKey_unique', unique: true },
    { key: { status: 1 }, name: 'status_1' },
    // searchPage's order (review and directory modals).
    { key: { name: 1, _id: 1 }, name: 'name_id' },
  ],
};

export type SaveMemberResult =
  | { ok: true; outcome: 'created' | 'updated' | 'unchanged'; member: Member; before?: Member }
  | { ok: false; reason: 'email_taken'; takenBy: string };

export interface MemberPageQuery {
  status?: MemberStatus;
  emailKey?: string;
  /** The last id of the previous page. */
  after?: string;
  limit: number;
}

/** A tenant's base and deltas of the counts by status: a few documents each (no index needed). */
export const MEMBER_COUNTS_COLLECTION = 'member_counts';

export class MemberRepository {
  private readonly members: Collection<MemberDocument>;
  private readonly statusCounts: MaintainedCounts<MemberStatus>;

  constructor(db: CollectionSource) {
    this.members = db.collection<MemberDocument>(MEMBER_INDEXES.collection);
    this.statusCounts = new MaintainedCounts(db, MEMBER_COUNTS_COLLECTION, MEMBER_STATUSES);
  }

  /**
   * Records a member created or a status changed (nothing when the status stayed). Timed by
   * this machine's clock, as the bases are, whatever time the caller writes with.
   */
  private async statusChanged(id: string, before: { status: MemberStatus; updatedAt: Date } | undefined, after: MemberDocument): Promise<void> {
    if (before?.status === after.status) return;
    const delta: CountDelta<MemberStatus> = before
      ? { key: `status:${id}:${before.status}@${before.updatedAt.getTime()}>${after.status}`, [before.status]: -1, [after.status]: 1 }
      : { key: `status:${id}:created`, [after.status]: 1 };
    await this.statusCounts.record([delta], new Date());
  }

  /**
   * Creates or updates the member `id`. `status` and `groups` left out keep the stored values
   * (a new member gets `pending` and no groups). Refuses an email that another member has.
   * createdAt is kept; updatedAt changes only when something changed.
   *
   * The write is a compare-and-set on updatedAt: if another write (an admin's deactivation,
   * say) lands between the read and the write, it re-reads and applies the input on top of
   * it instead of overwriting it.
   */
  async save(
    input: {
      id: string;
      name: string;
      email: string;
      emailKey: string;
      accountType: AccountType;
      status?: MemberStatus;
      groups?: string[];
      avatarUrl?: string;
      source: MemberSource;
    },
    now: Date,
  ): Promise<SaveMemberResult> {
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt += 1) {
      const owner = await this.members.findOne({ emailKey: input.emailKey }, { projection: { _id: 1 } });
      if (owner && owner._id !== input.id) return { ok: false, reason: 'email_taken', takenBy: owner._id };
      const existing = await this.members.findOne({ _id: input.id });
      const before = existing ? toMember(existing) : undefined;
      const fields = {
        name: input.name,
        email: input.email,
        emailKey: input.emailKey,
        accountType: input.accountType,
        status: input.status ?? existing?.status ?? 'pending',
        groups: [...(input.groups ?? existing?.groups ?? [])],
        ...((input.avatarUrl ?? existing?.avatarUrl) !== undefined ? { avatarUrl: (input.avatarUrl ?? existing?.avatarUrl)! } : {}),
      };
      if (before && sameFields(before, fields)) return { ok: true, outcome: 'unchanged', member: before };
      const doc: MemberDocument = {
        _id: input.id,
        ...fields,
        source: existing?.source ?? input.source,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      try {
        if (existing) {
          const result = await this.members.replaceOne({ _id: input.id, updatedAt: existing.updatedAt }, doc);
          if (result.matchedCount === 0) continue; // changed meanwhile: read again
        } else {
          await this.members.insertOne(doc);
        }
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const racer = await this.members.findOne({ emailKey: input.emailKey }, { projection: { _id: 1 } });
        if (racer && racer._id !== input.id) return { ok: false, reason: 'email_taken', takenBy: racer._id };
        continue; // created by another writer meanwhile: read again
      }
      await this.statusChanged(input.id, existing ?? undefined, doc);
      return { ok: true, outcome: existing ? 'updated' : 'created', member: toMember(doc), before };
    }
    throw new Error(`member ${input.id} kept changing while being saved (${SAVE_ATTEMPTS} attempts)`);
  }

  async findById(id: string): Promise<Member | undefined> {
    const doc = await this.members.findOne({ _id: id });
    return doc ? toMember(doc) : undefined;
  }

  async findByEmailKey(emailKey: string): Promise<Member | undefined> {
    const doc = await this.members.findOne({ emailKey });
    return doc ? toMember(doc) : undefined;
  }

  /**
   * Inserts new members in one command (the provisioning sync creates thousands at once).
   * A member whose id or email is already taken is refused and the others are inserted.
   */
  async insertNew(members: readonly Member[]): Promise<{ inserted: Member[]; refused: Array<{ member: Member; reason: string }> }> {
    if (members.length === 0) return { inserted: [], refused: [] };
    const docs: MemberDocument[] = members.map(({ id, ...rest }) => ({ _id: id, ...rest, groups: [...rest.groups] }));
    let result: { inserted: Member[]; refused: Array<{ member: Member; reason: string }> };
    try {
      await this.members.insertMany(docs, { ordered: false });
      result = { inserted: [...members], refused: [] };
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (writeErrors.some((e) => e.code !== 11000)) throw error;
      const failedAt = new Set(writeErrors.map((e) => e.index));
      result = {
        inserted: members.filter((_, i) => !failedAt.has(i)),
        refused: members.filter((_, i) => failedAt.has(i)).map((member) => ({ member, reason: 'another member already has this id or email' })),
      };
    }
    // Each insert that succeeded was this call's alone (the unique _id decided): one delta for them all.
    if (result.inserted.length > 0) {
      const delta: CountDelta<MemberStatus> = { key: `inserted:${result.inserted[0]!.id}:${randomUUID()}` };
      for (const member of result.inserted) delta[member.status] = (delta[member.status] ?? 0) + 1;
      await this.statusCounts.record([delta], new Date());
    }
    return result;
  }

  /** Every member, streamed (the provisioning sync compares the whole directory with Slack). */
  async *streamAll(): AsyncGenerator<Member> {
    for await (const doc of this.members.find({})) yield toMember(doc);
  }

  /** Members whose email key is in `keys` (for previews of imports). */
  async findByEmailKeys(keys: readonly string[]): Promise<Member[]> {
    if (keys.length === 0) return [];
    const docs = await this.members.find({ emailKey: { $in: [...keys] } }).toArray();
    return docs.map(toMember);
  }

  async findByIds(ids: readonly string[]): Promise<Member[]> {
    if (ids.length === 0) return [];
    const docs = await this.members.find({ _id: { $in: [...ids] } }).toArray();
    return docs.map(toMember);
  }

  /** A page ordered by id, after the cursor. */
  async listPage(query: MemberPageQuery): Promise<Member[]> {
    const filter: Filter<MemberDocument> = {};
    if (query.status) filter.status = query.status;
    if (query.emailKey) filter.emailKey = query.emailKey;
    if (query.after) filter._id = { $gt: query.after };
    const docs = await this.members.find(filter).sort({ _id: 1 }).limit(query.limit).toArray();
    return docs.map(toMember);
  }

  /**
   * A page of members ordered by name then id, optionally filtered by a text that must
   * appear (case-insensitive) in the name or email, and by status. `after` is the last
   * member of the previous page.
   */
  async searchPage(query: { text?: string; statuses?: MemberStatus[]; after?: { name: string; id: string }; limit: number }): Promise<Member[]> {
    const and: Filter<MemberDocument>[] = [];
    if (query.text?.trim()) {
      const pattern = escapeRegex(query.text.trim());
      and.push({ $or: [{ name: { $regex: pattern, $options: 'i' } }, { emailKey: { $regex: pattern, $options: 'i' } }] });
    }
    if (query.statuses) and.push({ status: { $in: query.statuses } });
    if (query.after) {
      and.push({ $or: [{ name: { $gt: query.after.name } }, { name: query.after.name, _id: { $gt: query.after.id } }] });
    }
    const filter: Filter<MemberDocument> = and.length > 0 ? { $and: and } : {};
    const docs = await this.members.find(filter).sort({ name: 1, _id: 1 }).limit(query.limit).toArray();
    return docs.map(toMember);
  }

  /** Members of these account types who are not deactivated, by name, at most `limit`. */
  async findActiveByAccountTypes(accountTypes: AccountType[], limit: number): Promise<Member[]> {
    const docs = await this.members
      .find({ accountType: { $in: accountTypes }, status: { $ne: 'deactivated' } })
      .sort({ name: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toMember);
  }

  /** Every member that is not deactivated, id and email only, streamed. */
  async *streamActiveEmails(): AsyncGenerator<{ id: string; emailKey: string }> {
    const cursor = this.members.find({ status: { $ne: 'deactivated' } }, { projection: { _id: 1, emailKey: 1 } });
    for await (const doc of cursor) yield { id: doc._id, emailKey: doc.emailKey };
  }

  /**
   * Members by status, maintained: a read of a few small documents. A tenant whose members
   * predate maintained counts is counted once (three full counts: seconds at 100,000 members
   * on FerretDB), stored as the base.
   */
  async countByStatus(): Promise<Record<MemberStatus, number>> {
    const maintained = await this.statusCounts.current();
    if (maintained) return maintained.totals;
    return this.recountByStatus();
  }

  /** Counts every member by status afresh and stores it as the maintained counts' base. */
  async recountByStatus(): Promise<Record<MemberStatus, number>> {
    const countedAt = new Date();
    const counts: Record<MemberStatus, number> = { pending: 0, activated: 0, deactivated: 0 };
    for (const status of MEMBER_STATUSES) counts[status] = await this.members.countDocuments({ status });
    await this.statusCounts.rebase(counts, countedAt);
    return counts;
  }

  /** Changes name and/or account type; returns the member before and after, or undefined if unknown. */
  async updateProfile(id: string, patch: { name?: string; accountType?: AccountType }, now: Date): Promise<{ before: Member; after: Member } | undefined> {
    const before = await this.members.findOneAndUpdate({ _id: id }, { $set: { ...patch, updatedAt: now } }, { returnDocument: 'before' });
    if (!before) return undefined;
    return { before: toMember(before), after: toMember({ ...before, ...patch, updatedAt: now }) };
  }

  async setStatus(id: string, status: MemberStatus, now: Date): Promise<{ before: Member; after: Member } | undefined> {
    const before = await this.members.findOneAndUpdate({ _id: id }, { $set: { status, updatedAt: now } }, { returnDocument: 'before' });
    if (!before) return undefined;
    await this.statusChanged(id, before, { ...before, status, updatedAt: now });
    return { before: toMember(before), after: toMember({ ...before, status, updatedAt: now }) };
  }

  /**
   * Sets the status only while it is still one of `from` (a compare-and-set, so two admins
   * deactivating at once write one change); undefined when the member is unknown or moved on.
   */
  async transitionStatus(id: string, from: readonly MemberStatus[], to: MemberStatus, now: Date): Promise<{ before: Member; after: Member } | undefined> {
    const before = await this.members.findOneAndUpdate(
      { _id: id, status: { $in: [...from] } },
      { $set: { status: to, updatedAt: now } },
      { returnDocument: 'before' },
    );
    if (!before) return undefined;
    await this.statusChanged(id, before, { ...before, status: to, updatedAt: now });
    return { before: toMember(before), after: toMember({ ...before, status: to, updatedAt: now }) };
  }
}

function sameFields(
  member: Member,
  input: { name: string; email: string; accountType: AccountType; status: MemberStatus; groups: string[]; avatarUrl?: string },
): boolean {
  return (
    member.name === input.name &&
    member.avatarUrl === input.avatarUrl &&
    member.email === input.email &&
    member.accountType === input.accountType &&
    member.status === input.status &&
    member.groups.length === input.groups.length &&
    member.groups.every((g, i) => g === input.groups[i])
  );
}

function toMember(doc: MemberDocument): Member {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest, groups: rest.groups ?? [] };
}

/** User text used inside a $regex: matched literally. */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
