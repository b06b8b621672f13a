/**
 * Counts kept current instead of recounted per read: a base counted from the whole data set
 * plus one small delta document per change since, all in one tenant-scoped collection. A read
 * is a few small documents, whatever the size of what is counted.
 *
 * Why deltas and not `$inc` on one document: FerretDB 1.24 applies an update by reading the
 * document and writing it back, so two concurrent `$inc`s can lose one (the README's "What to
 * rely on for concurrency"). Inserts cannot be lost, and a delta's `_id` is derived from the
 * change it counts, so a change applied twice (a repeated event, two racing writers on
 * FerretDB) inserts it once: the unique `_id` decides, as everywhere else here.
 *
 * A delta counts when it is not older than the base: the base holds what its count read from
 * `countedAt` on, and replaces older deltas. A change that lands while a count reads may or
 * may not be in what it read, and its delta (recorded after `countedAt`) counts either way: so
 * a count during which a delta was recorded does not become the base while there is one (the
 * base before it plus every delta is exact). Only a base with more than
 * MAX_DELTAS_KEPT deltas is replaced anyway, to bound what a read adds up; the next quiet
 * count repairs a change counted twice then.
 */
import { MongoBulkWriteError, MongoServerError, type Collection } from 'mongodb';
import type { CollectionSource } from './tenant-collection';

export type CountFields<F extends string> = Record<F, number>;

/** One change to the counts; `key` names the change, so the same change counts once. */
export type CountDelta<F extends string> = Partial<CountFields<F>> & { key: string };

type CountDocument = { _id: string; countedAt?: Date; at?: Date } & Record<string, unknown>;

const BASE_ID = 'base';
const DELTA_PREFIX = 'delta:';
/** Deltas a base may gather before a count made while changes landed replaces it. */
export const MAX_DELTAS_KEPT = 1_000;

export class MaintainedCounts<F extends string> {
  private readonly docs: Collection<CountDocument>;

  constructor(
    db: CollectionSource,
    collection: string,
    private readonly fields: readonly F[],
  ) {
    this.docs = db.collection<CountDocument>(collection);
  }

  /** Records changes (those that change nothing are dropped); a key already recorded is not counted again. */
  async record(deltas: ReadonlyArray<CountDelta<F>>, at: Date): Promise<void> {
    const docs: CountDocument[] = [];
    for (const delta of deltas) {
      const counts = this.pick(delta);
      if (this.fields.every((f) => counts[f] === 0)) continue;
      docs.push({ _id: `${DELTA_PREFIX}${delta.key}`, ...counts, at });
    }
    if (docs.length === 0) return;
    try {
      await this.docs.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!onlyDuplicates(error)) throw error;
    }
  }

  /** The counts now, or undefined before any base was counted for this tenant. */
  async current(): Promise<{ totals: CountFields<F>; countedAt: Date; deltas: number } | undefined> {
    const docs = await this.docs.find({}).toArray();
    const base = docs.find((d) => d._id === BASE_ID);
    if (!base?.countedAt) return undefined;
    const totals = this.pick(base);
    let deltas = 0;
    for (const doc of docs) {
      if (doc._id === BASE_ID || !doc.at || doc.at < base.countedAt) continue;
      deltas += 1;
      const change = this.pick(doc);
      for (const f of this.fields) totals[f] += change[f];
    }
    return { totals, countedAt: base.countedAt, deltas };
  }

  /**
   * A new base, counted from what was read from `countedAt` on; deltas older than it are
   * removed. `kept` (the stored base stays) when a newer base is stored (two counts racing: the
   * later one holds), or when a delta was recorded since `countedAt` (see the top of the file).
   */
  async rebase(totals: CountFields<F>, countedAt: Date): Promise<'rebased' | 'kept'> {
    const docs = await this.docs.find({}, { projection: { _id: 1, countedAt: 1, at: 1 } }).toArray();
    const stored = docs.find((d) => d._id === BASE_ID);
    if (stored?.countedAt && stored.countedAt > countedAt) return 'kept';
    const changedMeanwhile = docs.some((d) => d.at !== undefined && d.at >= countedAt);
    if (stored?.countedAt && changedMeanwhile && docs.length <= MAX_DELTAS_KEPT) return 'kept';
    await this.docs.replaceOne({ _id: BASE_ID }, { ...this.pick(totals), countedAt }, { upsert: true });
    // The base has no `at`: only deltas match.
    await this.docs.deleteMany({ at: { $lt: countedAt } });
    return 'rebased';
  }

  private pick(source: Partial<Record<string, unknown>>): CountFields<F> {
    const counts = {} as CountFields<F>;
    for (const f of this.fields) counts[f] = typeof source[f] === 'number' ? (source[f] as number) : 0;
    return counts;
  }
}

function onlyDuplicates(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return writeErrors.length > 0 && writeErrors.every((e) => e.code === 11000);
  }
  return error instanceof MongoServerError && error.code === 11000;
}
