/**
 * Every collection's index definitions, gathered from the repositories that own them.
 * Created at start (`ensureIndexes`) and run against the embedded store by a test, so an
 * index FerretDB 1.24 cannot build fails the suite rather than production.
 */
import { LEASE_INDEXES } from '../platform/scheduler/lease.repository';
import type { CollectionIndexes } from './indexes';

export const ALL_INDEXES: readonly CollectionIndexes[] = [LEASE_INDEXES];
