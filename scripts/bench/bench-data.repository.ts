/**
 * Bench-only bulk writes: fills the `members` collection with documents of the same shape as
 * MemberRepository writes (`_id` = member id), thousands at a time, so a benchmark can start
 * from 100,000 members in seconds instead of saving them one by one.
 */
import type { Collection, Db } from 'mongodb';
import type { Member } from '../../src/features/members/member.types';
import { MEMBER_INDEXES } from '../../src/features/members/member.repository';

interface MemberDocument extends Omit<Member, 'id'> {
  _id: string;
}

const BATCH = 1_000;

export class BenchDataRepository {
  private readonly members: Collection<MemberDocument>;

  constructor(db: Db) {
    this.members = db.collection<MemberDocument>(MEMBER_INDEXES.collection);
  }

  /** Inserts members (new ids and emails only), `BATCH` per command. */
  async insertMembers(members: Iterable<Member>): Promise<number> {
    let inserted = 0;
    let batch: MemberDocument[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const result = await this.members.insertMany(batch, { ordered: false });
      inserted += result.insertedCount;
      batch = [];
    };
    for (const member of members) {
      const { id, ...rest } = member;
      batch.push({ _id: id, ...rest, groups: [...rest.groups] });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    return inserted;
  }
}
