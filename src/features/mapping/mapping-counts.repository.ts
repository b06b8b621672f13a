/**
 * The Home's counts, maintained: a base counted from the whole directory (by a mapping pass,
 * from the members and mappings it reads anyway) plus one small delta document per change
 * since. The Home reads this tenant's few documents instead of counting 100,000 members.
 *
 * Why deltas and not `$inc` on one document: FerretDB 1.24 applies an update by reading the
 * document and writing it back, so two concurrent `$inc`s can lose one (the README's "What to
 * rely on for concurrency"). Inserts cannot be lost, and a delta's `_id` is derived from the
 * change it counts, so a change applied twice (a repeated event, two racing writers on
 * FerretDB) inserts it once: the unique `_id` decides, as everywhere else here.
 *
 * A delta counts when it is not older than the base: written by a pass, the base holds what
 * that pass read from `countedAt` on, and replaces older deltas. A change that lands while the
 * pass reads may be counted twice or not at all; the next pass's base repairs it.
 */
import { MongoBulkWriteError, MongoServerError, type Collection } from 'mongodb';
import type { CollectionSource } from '../../db/tenant-collection';

/** What is counted: members not deactivated, and among their mappings the active and inactive ones. */
export interface CountTotals {
  members: number;
  connected: number;
  inactive: number;
}

/** One change to the totals; `key` names the change, so the same change counts once. */
export interface CountDelta extends Partial<CountTotals> {
  key: string;
}

interface BaseDocument extends CountTotals {
  _id: 'base';
  countedAt: Date;
}

interface DeltaDocument extends CountTotals {
  _id: string;
  at: Date;
}

const DELTA_PREFIX = 'delta:';

/** The base and deltas of every tenant: a few documents each, read whole by `_id` scope (no index needed). */
export const MAPPING_COUNTS_COLLECTION = 'mapping_counts';

export class MappingCountsRepository {
  /** One collection, two shapes: the base (`_id` "base") and the deltas. */
  private readonly docs: Collection<BaseDocument | DeltaDocument>;
  private readonly bases: Collection<BaseDocument>;

  constructor(db: CollectionSource) {
    this.docs = db.collection<BaseDocument | DeltaDocument>(MAPPING_COUNTS_COLLECTION);
    this.bases = db.collection<BaseDocument>(MAPPING_COUNTS_COLLECTION);
  }

  /** Records changes (those that change nothing are dropped); a key already recorded is not counted again. */
  async record(deltas: readonly CountDelta[], at: Date): Promise<void> {
    const docs: DeltaDocument[] = deltas
      .map((d) => ({ _id: `${DELTA_PREFIX}${d.key}`, members: d.members ?? 0, connected: d.connected ?? 0, inactive: d.inactive ?? 0, at }))
      .filter((d) => d.members !== 0 || d.connected !== 0 || d.inactive !== 0);
    if (docs.length === 0) return;
    try {
      await this.docs.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!onlyDuplicates(error)) throw error;
    }
  }

  /** The totals now, or undefined before any base was counted for this tenant. */
  async current(): Promise<{ totals: CountTotals; countedAt: Date; deltas: number } | undefined> {
    const docs = await this.docs.find({}).toArray();
    const base = docs.find((d): d is BaseDocument => d._id === 'base');
    if (!base) return undefined;
    const totals: CountTotals = { members: base.members, connected: base.connected, inactive: base.inactive };
    let deltas = 0;
    for (const doc of docs) {
      if (doc._id === 'base' || (doc as DeltaDocument).at < base.countedAt) continue;
      deltas += 1;
      totals.members += doc.members;
      totals.connected += doc.connected;
      totals.inactive += doc.inactive;
    }
    return { totals, countedAt: base.countedAt, deltas };
  }

  /**
   * A new base, counted from what was read from `countedAt` on. Kept only if no newer base is
   * stored (two counts racing: the later one holds); deltas older than it are removed.
   */
  async rebase(totals: CountTotals, countedAt: Date): Promise<void> {
    const stored = await this.bases.findOne({ _id: 'base' });
    if (stored && stored.countedAt > countedAt) return;
    await this.bases.replaceOne({ _id: 'base' }, { ...totals, countedAt }, { upsert: true });
    // The base has no `at`: only deltas match.
    await this.docs.deleteMany({ at: { $lt: countedAt } });
  }
}

function onlyDuplicates(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return writeErrors.length > 0 && writeErrors.every((e) => e.code === 11000);
  }
  return error instanceof MongoServerError && error.code === 11000;
}
