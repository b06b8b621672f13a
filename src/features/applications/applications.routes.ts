/**
 * `PUT /api/v1/applications/:applicationId` `{name}` (shared/CONTRACT.md): registers a
 * platform application (201) or renames it (200), so connection access lists and imports
 * can name it. Strict zod parsing: a bad body is a 400 with field paths and nothing is
 * written; an unreachable store is a 503 (the HTTP server's error mapping).
 */
import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import { parseRequest } from '../../platform/http/parse-request';
import type { ApiResponse, Router } from '../../platform/http/router';
import type { ApplicationRepository } from './application.repository';
import { APPLICATION_ID_MAX_LENGTH, APPLICATION_NAME_MAX_LENGTH, type Application } from './application.types';

const paramsSchema = z.object({
  applicationId: z
    .string()
    .min(1, 'must not be empty')
    .max(APPLICATION_ID_MAX_LENGTH, `must be at most ${APPLICATION_ID_MAX_LENGTH} characters`)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
});

export const putApplicationBodySchema = z.strictObject(
  {
    name: z
      .string({ message: 'must be a string' })
      .trim()
      .min(1, 'must not be empty')
      .refine((v) => Array.from(v).length <= APPLICATION_NAME_MAX_LENGTH, `must be at most ${APPLICATION_NAME_MAX_LENGTH} characters`)
      // Control characters would break the Block Kit views that show the name.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are refused.
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters'),
  },
  { message: 'must be a JSON object' },
);

export interface ApplicationJson {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export function toApplicationJson(application: Application): ApplicationJson {
  return { id: application.id, name: application.name, createdAt: application.createdAt.toISOString(), updatedAt: application.updatedAt.toISOString() };
}

export function registerApplicationRoutes(router: Router, deps: { applications: ApplicationRepository; clock: Clock }): void {
  router.addForTenant('PUT', '/applications/:applicationId', async ({ params, body }): Promise<ApiResponse> => {
    const { applicationId } = parseRequest(paramsSchema, params);
    const { name } = parseRequest(putApplicationBodySchema, body);
    const result = await deps.applications.put(applicationId, name, deps.clock.now());
    return { status: result.outcome === 'created' ? 201 : 200, body: toApplicationJson(result.application) };
  });
}
