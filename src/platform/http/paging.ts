/**
 * Cursor paging for the HTTP API's list routes (`?cursor=&limit=` → `{…, nextCursor}`): the
 * cursor is the page's last id, base64url, opaque to callers; a cursor this API could not have
 * given, or a limit out of range, is a 400 naming the field.
 */
import { z } from 'zod';

/** The cursor of the page after the one ending with `lastId`. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

/** The id a cursor carries; undefined for anything encodeCursor could not have produced. */
export function decodeCursor(cursor: string, maxLength = 700): string | undefined {
  if (cursor.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return id !== '' && encodeCursor(id) === cursor ? id : undefined;
}

/** `cursor` (decoded to the last id) and `limit` query fields, for a route's strict query schema. */
export function pagingFields(limits: { defaultLimit: number; maxLimit: number; maxCursorLength?: number }) {
  const range = `must be between 1 and ${limits.maxLimit}`;
  return {
    cursor: z
      .string()
      .transform((value, ctx) => {
        const id = decodeCursor(value, limits.maxCursorLength);
        if (id === undefined) {
          ctx.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
          return z.NEVER;
        }
        return id;
      })
      .optional(),
    limit: z.coerce
      .number({ message: 'must be a number' })
      .int('must be a whole number')
      .min(1, range)
      .max(limits.maxLimit, range)
      .default(limits.defaultLimit),
  };
}
