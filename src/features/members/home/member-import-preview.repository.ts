/**
 * Import previews waiting for the admin's confirmation, kept server-side between the preview
 * modal and the confirm (a modal's private_metadata holds 3,000 characters; a preview can hold
 * 100,000 rows). Only the preview id travels in the modal.
 *
 * A preview is stored as one head document plus row chunks of bounded size, so a large file
 * never meets MongoDB's 16 MB document limit. Each chunk holds its rows as gzipped JSON (the
 * rows are plain strings and numbers): nobody queries inside a preview, and one binary field
 * is far cheaper for the store than thousands of small documents' fields. The head is written
 * last and claimed (deleted) first, so a half-written preview is never read and a preview is
 * applied at most once.
 *
 * FerretDB 1.24 has no TTL indexes: expired previews are removed on each save instead.
 */
import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Binary, type Collection } from 'mongodb';
import type { CollectionIndexes } from '../../../db/indexes';
import type { MemberImportPreview } from '../member-import.service';
import type { CollectionSource } from '../../../db/tenant-collection';

export const MEMBER_IMPORT_PREVIEW_INDEXES: CollectionIndexes = {
  collection: 'member_import_previews',
  indexes: [
    { key: { previewId: 1, seq: 1 }, name: 'previewId_seq' },
    { key: { expiresAt: 1 }, name: 'expiresAt_1' },
  ],
};

/** How long an admin has to confirm a preview. */
export const PREVIEW_TTL_MS = 30 * 60 * 1000;
/** JSON size of one chunk of rows before compression; far below the 16 MB document limit even uncompressed. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * Longest string kept in a stored row. Valid rows are far below it (names ≤ 200, emails ≤ 254);
 * only a pathological error row (a 9 MB cell) is cut, and error rows are for display only.
 */
const MAX_STORED_STRING = 2_000;

type Category = 'newRows' | 'updatedRows' | 'unchangedRows' | 'errorRows';
const CATEGORIES: readonly Category[] = ['newRows', 'updatedRows', 'unchangedRows', 'errorRows'];

interface HeadDocument {
  _id: string;
  kind: 'head';
  previewId: string;
  seq: 0;
  slackUserId: string;
  fileName: string;
  totalRows: number;
  chunks: number;
  createdAt: Date;
  expiresAt: Date;
}

interface ChunkDocument {
  _id: string;
  kind: 'rows';
  previewId: string;
  seq: number;
  category: Category;
  /** gzip of the rows' JSON. */
  rows: Binary;
  expiresAt: Date;
}

type PreviewDocument = HeadDocument | ChunkDocument;

export interface StoredPreview {
  id: string;
  slackUserId: string;
  fileName: string;
  preview: MemberImportPreview;
}

export class MemberImportPreviewRepository {
  private readonly previews: Collection<PreviewDocument>;

  constructor(db: CollectionSource) {
    this.previews = db.collection<PreviewDocument>(MEMBER_IMPORT_PREVIEW_INDEXES.collection);
  }

  /** Stores a preview for `slackUserId` until `now + ttlMs`; returns its id. Removes expired previews first. */
  async save(input: { preview: MemberImportPreview; slackUserId: string; fileName: string }, now: Date, ttlMs = PREVIEW_TTL_MS): Promise<string> {
    await this.removeExpired(now);
    const previewId = randomUUID();
    const expiresAt = new Date(now.getTime() + ttlMs);
    let seq = 0;
    for (const category of CATEGORIES) {
      for (const rows of chunkBySize(input.preview[category] as unknown[])) {
        seq += 1;
        const packed = new Binary(gzipSync(Buffer.from(JSON.stringify(rows), 'utf8')));
        await this.previews.insertOne({ _id: `${previewId}.${seq}`, kind: 'rows', previewId, seq, category, rows: packed, expiresAt });
      }
    }
    // The head last: until it exists, the preview cannot be claimed.
    await this.previews.insertOne({
      _id: previewId,
      kind: 'head',
      previewId,
      seq: 0,
      slackUserId: input.slackUserId,
      fileName: input.fileName,
      totalRows: input.preview.totalRows,
      chunks: seq,
      createdAt: now,
      expiresAt,
    });
    return previewId;
  }

  /**
   * Takes the preview out of the store for its owner, once: a second claim, another user's
   * claim or a claim after expiry finds nothing.
   */
  async claim(previewId: string, slackUserId: string, now: Date): Promise<StoredPreview | undefined> {
    const head = await this.previews.findOneAndDelete({ _id: previewId, kind: 'head', slackUserId, expiresAt: { $gt: now } });
    if (head?.kind !== 'head') return undefined;
    const chunks = (await this.previews.find({ previewId, kind: 'rows' }).sort({ seq: 1 }).toArray()) as ChunkDocument[];
    await this.previews.deleteMany({ previewId });
    // Chunks are written before the head, so all of them are here unless they expired meanwhile.
    if (chunks.length !== head.chunks) return undefined;
    const preview: MemberImportPreview = { newRows: [], updatedRows: [], unchangedRows: [], errorRows: [], totalRows: head.totalRows };
    for (const chunk of chunks) {
      const rows = JSON.parse(gunzipSync(chunk.rows.buffer).toString('utf8')) as unknown[];
      for (const row of rows) (preview[chunk.category] as unknown[]).push(row);
    }
    return { id: previewId, slackUserId: head.slackUserId, fileName: head.fileName, preview };
  }

  /** Deletes every preview (head and rows) that expired at `now`; returns how many documents went. */
  async removeExpired(now: Date): Promise<number> {
    const result = await this.previews.deleteMany({ expiresAt: { $lte: now } });
    return result.deletedCount;
  }
}

/** Splits rows into chunks of about CHUNK_BYTES of JSON each, cutting very long strings. */
function chunkBySize(rows: readonly unknown[]): unknown[][] {
  const chunks: unknown[][] = [];
  let current: unknown[] = [];
  let size = 0;
  for (const row of rows) {
    const stored = clampStrings(row);
    const rowSize = JSON.stringify(stored).length;
    if (current.length > 0 && size + rowSize > CHUNK_BYTES) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(stored);
    size += rowSize;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function clampStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_STORED_STRING ? `${value.slice(0, MAX_STORED_STRING - 1)}…` : value;
  if (Array.isArray(value)) return value.map(clampStrings);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, clampStrings(inner)]));
  }
  return value;
}
