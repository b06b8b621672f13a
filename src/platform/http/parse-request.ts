import { z } from 'zod';

/**
 * Parses a request body or query with a strict zod schema, or throws a ZodError (a 400 from
 * the HTTP server) in which every unknown field has an issue of its own at its path, instead
 * of one issue for the object that holds them.
 */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new z.ZodError(
    result.error.issues.flatMap((issue): z.core.$ZodIssue[] =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ code: 'custom', input: undefined, path: [...issue.path, key], message: 'is not a known field' }))
        : [issue],
    ),
  );
}
