/**
 * `GET /api/v1/imports/:importId/rows?cursor=&limit=`: the import's rows, a page at a time in
 * application id order, `{rows, nextCursor}` (`nextCursor` null on the last page). An unknown
 * import is a 404; a bad limit or a cursor this API did not give is a 400 (ZodError, answered by
 * the HTTP server with the field paths).
 */
import { z } from 'zod';
import { parseRequest } from '../../../platform/http/parse-request';
import type { ApiResponse, Router } from '../../../platform/http/router';
import type { ImportRepository } from './import.repository';
import type { ImportRowRepository } from './import-row.repository';

export const ROWS_PAGE_DEFAULT_LIMIT = 100;
export const ROWS_PAGE_MAX_LIMIT = 1_000;

const paramsSchema = z.object({
  importId: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});

/** Opaque to callers: the page's last application id, base64url. */
export function encodeRowCursor(applicationId: string): string {
  return Buffer.from(applicationId, 'utf8').toString('base64url');
}

function decodeRowCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,700}$/.test(cursor)) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return id !== '' && encodeRowCursor(id) === cursor ? id : undefined;
}

const querySchema = z.strictObject({
  cursor: z
    .string()
    .transform((value, ctx) => {
      const id = decodeRowCursor(value);
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
    .min(1, `must be between 1 and ${ROWS_PAGE_MAX_LIMIT}`)
    .max(ROWS_PAGE_MAX_LIMIT, `must be between 1 and ${ROWS_PAGE_MAX_LIMIT}`)
    .default(ROWS_PAGE_DEFAULT_LIMIT),
});

export function registerImportRowRoutes(router: Router, deps: { imports: Pick<ImportRepository, 'findById'>; rows: Pick<ImportRowRepository, 'page'> }): void {
  router.add('GET', '/api/v1/imports/:importId/rows', async ({ params, query }): Promise<ApiResponse> => {
    const { importId } = parseRequest(paramsSchema, params);
    // `?cursor=` with an empty value means the first page.
    const q = parseRequest(querySchema, Object.fromEntries([...query].filter(([, value]) => value !== '')));
    const imp = await deps.imports.findById(importId);
    if (!imp) return { status: 404, body: { error: 'import_not_found', message: `No import ${importId}.` } };
    const page = await deps.rows.page(importId, q.cursor, q.limit + 1);
    const more = page.length > q.limit;
    const rows = more ? page.slice(0, q.limit) : page;
    return { status: 200, body: { rows, nextCursor: more ? encodeRowCursor(rows.at(-1)!.applicationId) : null } };
  });
}
