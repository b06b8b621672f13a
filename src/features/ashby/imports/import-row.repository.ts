/**
 * Imported rows (`ashby_import_rows`), one per import and hire: `_id = <importId>:<applicationId>`,
 * so a re-run upserts instead of duplicating.
 *
 * FerretDB 1.24 inserts cheaply but scans for filtered updates, so a run reads the hashes of the
 * import's rows once, inserts new rows in batches, replaces only rows whose content changed,
 * and writes nothing for the unchanged ones.
 */
import { createHash } from 'node:crypto';
import { MongoBulkWriteError, type Collection } from 'mongodb';
import type { CollectionIndexes } from '../../../db/indexes';
import { rowId, type ImportRow } from './import.types';
import type { CollectionSource } from '../../../db/tenant-collection';

interface RowDocument extends ImportRow {
  _id: string;
  importId: string;
  /** Hash of the row's content, to skip unchanged rows without comparing field by field. */
  hash: string;
  updatedAt: Date;
}

export const ASHBY_IMPORT_ROW_INDEXES: CollectionIndexes = {
  collection: 'ashby_import_rows',
  indexes: [{ key: { importId: 1, _id: 1 }, name: 'importId_id' }],
};

/** Hash of a row's content (fields in a fixed order, custom fields sorted by id). */
export function rowHash(row: ImportRow): string {
  const customFields = Object.keys(row.customFields)
    .sort()
    .map((id) => [id, row.customFields[id]]);
  const content = [
    row.applicationId,
    row.employeeName,
    row.department,
    row.jobId,
    row.jobTitle,
    row.targetStartDate,
    row.actualStartDate,
    row.salary,
    row.salaryCurrency,
    customFields,
  ];
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url');
}

export class ImportRowRepository {
  private readonly rows: Collection<RowDocument>;

  constructor(db: CollectionSource) {
    this.rows = db.collection<RowDocument>(ASHBY_IMPORT_ROW_INDEXES.collection);
  }

  /** applicationId → content hash of every row of the import (one read per run). */
  async hashesOf(importId: string): Promise<Map<string, string>> {
    const docs = await this.rows.find({ importId }, { projection: { applicationId: 1, hash: 1 } }).toArray();
    return new Map(docs.map((doc) => [doc.applicationId, doc.hash]));
  }

  /**
   * Inserts new rows in one command. Rows whose id exists already (another writer got there
   * first) are returned, for the caller to replace instead.
   */
  async insertNew(importId: string, rows: readonly ImportRow[], now: Date): Promise<{ existing: ImportRow[] }> {
    if (rows.length === 0) return { existing: [] };
    try {
      await this.rows.insertMany(
        rows.map((row) => toDocument(importId, row, now)),
        { ordered: false },
      );
      return { existing: [] };
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (writeErrors.some((e) => e.code !== 11000)) throw error;
      const duplicates = new Set(writeErrors.map((e) => e.index));
      return { existing: rows.filter((_, i) => duplicates.has(i)) };
    }
  }

  /** Writes the row's new content (creating it if it is gone). */
  async replace(importId: string, row: ImportRow, now: Date): Promise<void> {
    const doc = toDocument(importId, row, now);
    await this.rows.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  /** A page of the import's rows in application id order, after `afterApplicationId`. */
  async page(importId: string, afterApplicationId: string | undefined, limit: number): Promise<ImportRow[]> {
    const docs = await this.rows
      .find({ importId, _id: { $gt: rowId(importId, afterApplicationId ?? '') } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toRow);
  }

  async countFor(importId: string): Promise<number> {
    return this.rows.countDocuments({ importId });
  }
}

function toDocument(importId: string, row: ImportRow, now: Date): RowDocument {
  return { _id: rowId(importId, row.applicationId), importId, ...toRow(row), hash: rowHash(row), updatedAt: now };
}

/** The row's fields only, in the order the API shows them. */
function toRow(row: ImportRow): ImportRow {
  return {
    applicationId: row.applicationId,
    employeeName: row.employeeName,
    department: row.department,
    jobId: row.jobId,
    jobTitle: row.jobTitle,
    targetStartDate: row.targetStartDate,
    actualStartDate: row.actualStartDate,
    salary: row.salary,
    salaryCurrency: row.salaryCurrency,
    customFields: { ...row.customFields },
  };
}
