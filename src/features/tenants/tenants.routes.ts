/**
 * `PUT /api/v1/workspaces/:workspaceId` `{name, baseUrl}` (shared/CONTRACT.md): the platform
 * registers a workspace (201) or changes its name or base URL (200). Strict parsing: a bad
 * body is a 400 with field paths and nothing is written.
 */
import { z } from 'zod';
import { parseRequest } from '../../platform/http/parse-request';
import type { ApiResponse, Router } from '../../platform/http/router';
import { TENANT_ID_PATTERN } from '../../tenancy/tenant-scope';
import type { TenantRegistry } from './tenant-registry';
import type { Tenant } from './tenant.types';

export const workspaceIdSchema = z.string().regex(TENANT_ID_PATTERN, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');

const paramsSchema = z.object({ workspaceId: workspaceIdSchema });

export const putWorkspaceBodySchema = z.strictObject(
  {
    name: z
      .string({ message: 'must be a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused.
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters'),
    baseUrl: z
      .string({ message: 'must be a string' })
      .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }))
      // Links are checked with "starts with": a trailing slash would demand a double one.
      .transform((v) => v.replace(/\/+$/, '')),
  },
  { message: 'must be a JSON object' },
);

export function toWorkspaceJson(tenant: Tenant): Record<string, unknown> {
  return { id: tenant.id, name: tenant.name, baseUrl: tenant.baseUrl, createdAt: tenant.createdAt.toISOString(), updatedAt: tenant.updatedAt.toISOString() };
}

export function registerTenantRoutes(router: Router, registry: TenantRegistry): void {
  router.add('PUT', '/api/v1/workspaces/:workspaceId', async ({ params, body }): Promise<ApiResponse> => {
    const { workspaceId } = parseRequest(paramsSchema, params);
    const fields = parseRequest(putWorkspaceBodySchema, body);
    const { tenant, created } = await registry.put(workspaceId, fields);
    return { status: created ? 201 : 200, body: toWorkspaceJson(tenant) };
  });
}
