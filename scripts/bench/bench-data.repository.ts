/**
 * Bench-only bulk writes: fills the `members` and `mappings` collections with documents of the
 * same shape as their repositories write (`_id` = member id), thousands at a time, so a
 * benchmark can start from 100,000 members in seconds instead of saving them one by one.
 * Built on a TenantDb and called inside a tenant's scope, like the repositories.
 */
import type { Collection } from 'mongodb';
import type { CollectionSource } from '../../src/db/tenant-collection';
import type { Member } from '../../src/features/members/member.types';
import { MEMBER_INDEXES } from '../../src/features/members/member.repository';
import type { Mapping } from '../../src/features/mapping/mapping.types';
import { MAPPING_INDEXES } from '../../src/features/mapping/mapping.repository';

interface MemberDocument extends Omit<Member, 'id'> {
  _id: string;
}

interface MappingDocument extends Omit<Mapping, 'memberId'> {
  _id: string;
}

const BATCH = 1_000;

export class BenchDataRepository {
  private readonly members: Collection<MemberDocument>;
  private readonly mappings: Collection<MappingDocument>;

  constructor(db: CollectionSource) {
    this.members = db.collection<MemberDocument>(MEMBER_INDEXES.collection);
    this.mappings = db.collection<MappingDocument>(MAPPING_INDEXES.collection);
  }

  /** Inserts mappings (as MappingRepository stores them), `BATCH` per command. */
  async insertMappings(mappings: readonly Mapping[]): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < mappings.length; i += BATCH) {
      const batch = mappings.slice(i, i + BATCH).map(({ memberId, ...rest }) => ({ _id: memberId, ...rest }));
      inserted += (await this.mappings.insertMany(batch, { ordered: false })).insertedCount;
    }
    return inserted;
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
