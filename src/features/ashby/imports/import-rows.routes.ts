/**
 * `GET /api/v1/imports/:importId/rows?cursor=&limit=`: the import's rows, a page at a time in
 * application id order, `{rows, nextCursor}` (`nextCursor` null on the last page). An unknown
 * import is a 404; a bad limit or a cursor this API did not give is a 400 (ZodError, answered by
 * the HTTP server with the field paths).
 */
import { z } from 'zod';
import { encodeCursor, pagingFields } from '../../../platform/http/paging';
import { parseRequest } from '../../../platform/http/parse-request';
import type { ApiResponse, Router } from '../../../platform/http/router';
import type { ImportRepository } from './import.repository';
import type { ImportRowRepository } from './import-row.repository';

export const ROWS_PAGE_DEFAULT_LIMIT = 100;
export const ROWS_PAGE_MAX_LIMIT = 1_000;

const paramsSchema = z.object({
  importId: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});

const querySchema = z.strictObject(pagingFields({ defaultLimit: ROWS_PAGE_DEFAULT_LIMIT, maxLimit: ROWS_PAGE_MAX_LIMIT }));

export function registerImportRowRoutes(router: Router, deps: { imports: Pick<ImportRepository, 'findById'>; rows: Pick<ImportRowRepository, 'page'> }): void {
  router.addForTenant('GET', '/imports/:importId/rows', async ({ params, query }): Promise<ApiResponse> => {
    const { importId } = parseRequest(paramsSchema, params);
    // `?cursor=` with an empty value means the first page.
    const q = parseRequest(querySchema, Object.fromEntries([...query].filter(([, value]) => value !== '')));
    const imp = await deps.imports.findById(importId);
    if (!imp) return { status: 404, body: { error: 'import_not_found', message: `No import ${importId}.` } };
    const page = await deps.rows.page(importId, q.cursor, q.limit + 1);
    const more = page.length > q.limit;
    const rows = more ? page.slice(0, q.limit) : page;
    return { status: 200, body: { rows, nextCursor: more ? encodeCursor(rows.at(-1)!.applicationId) : null } };
  });
}
