/**
 * The Home's mapping counts, maintained (src/db/maintained-counts.ts): members not
 * deactivated, and among their mappings the active and inactive ones. The base is counted by
 * each mapping pass from the members and mappings it reads anyway; the deltas are written by
 * the mapping repository's writes and by member changes (member-counts.recorder.ts).
 */
import { MaintainedCounts, type CountDelta as Delta, type CountFields } from '../../db/maintained-counts';
import type { CollectionSource } from '../../db/tenant-collection';

const FIELDS = ['members', 'connected', 'inactive'] as const;

export type CountTotals = CountFields<(typeof FIELDS)[number]>;
export type CountDelta = Delta<(typeof FIELDS)[number]>;

/** A tenant's base and deltas: a few documents each (no index needed). */
export const MAPPING_COUNTS_COLLECTION = 'mapping_counts';

export class MappingCountsRepository extends MaintainedCounts<(typeof FIELDS)[number]> {
  constructor(db: CollectionSource) {
    super(db, MAPPING_COUNTS_COLLECTION, FIELDS);
  }
}
