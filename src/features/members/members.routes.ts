/**
 * The member directory's HTTP API (shared/CONTRACT.md):
 *
 * - `PUT /api/v1/members/:memberId` creates (201) or updates (200) a member;
 * - `GET /api/v1/members?email=&status=&cursor=&limit=` pages through members by id;
 * - `GET /api/v1/members/:memberId` one member with its Slack mapping.
 *
 * Bodies and queries are parsed with strict zod schemas: unknown fields, and anything that is
 * not the expected scalar (such as `{"$ne": null}` where an email belongs), are a 400 with the
 * field paths, thrown as a ZodError for the HTTP server to answer, before anything is read
 * or written.
 */
import { encodeCursor, pagingFields } from '../../platform/http/paging';
import { parseRequest } from '../../platform/http/parse-request';
import { z } from 'zod';
import type { ApiResponse, Router } from '../../platform/http/router';
import type { MappingLookup } from '../mapping/mapping-lookup';
import type { MemberDirectory } from './member-directory';
import { ACCOUNT_TYPES, MEMBER_STATUSES, emailKey, type Member } from './member.types';
import { MEMBER_NAME_MAX_LENGTH, type MembersService } from './members.service';

export interface MemberRoutesDeps {
  service: MembersService;
  members: Pick<MemberDirectory, 'listPage' | 'findById'>;
  mapping: Pick<MappingLookup, 'lookup'>;
}

export const MEMBER_PAGE_DEFAULT_LIMIT = 50;
export const MEMBER_PAGE_MAX_LIMIT = 200;
const MAX_GROUPS = 500;

/** Printable ASCII without spaces: what platform ids and our `m-<uuid>` look like. */
const memberIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const paramsSchema = z.object({ memberId: memberIdSchema });

// Loose on purpose (like the CSV import): Pigment sends the invitations, so anything a person
// would call an address is accepted, international characters included.
const emailSchema = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email({ pattern: z.regexes.unicodeEmail, message: 'must be an email address' }));

export const putMemberBodySchema = z.strictObject(
  {
    email: emailSchema,
    name: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .refine((v) => Array.from(v).length <= MEMBER_NAME_MAX_LENGTH, `must be at most ${MEMBER_NAME_MAX_LENGTH} characters`),
    accountType: z.enum(ACCOUNT_TYPES, { message: `must be one of ${ACCOUNT_TYPES.join(', ')}` }),
    status: z.enum(MEMBER_STATUSES, { message: `must be one of ${MEMBER_STATUSES.join(', ')}` }).optional(),
    groups: z
      .array(z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'))
      .max(MAX_GROUPS, `must have at most ${MAX_GROUPS} groups`)
      // One entry per group, in the order first given.
      .transform((groups) => [...new Set(groups)])
      .optional(),
  },
  { message: 'must be a JSON object' },
);

const listQuerySchema = z.strictObject({
  /** Compared normalised (trimmed, case-insensitive); not validated as an address, since it only filters. */
  email: z.string().max(254, 'must be at most 254 characters').optional(),
  status: z.enum(MEMBER_STATUSES, { message: `must be one of ${MEMBER_STATUSES.join(', ')}` }).optional(),
  ...pagingFields({ defaultLimit: MEMBER_PAGE_DEFAULT_LIMIT, maxLimit: MEMBER_PAGE_MAX_LIMIT, maxCursorLength: 400 }),
});

/** What the API shows of a member. */
export interface MemberJson {
  id: string;
  name: string;
  email: string;
  accountType: Member['accountType'];
  status: Member['status'];
  groups: string[];
  createdAt: string;
  updatedAt: string;
}

export function toMemberJson(member: Member): MemberJson {
  return {
    id: member.id,
    name: member.name,
    email: member.email,
    accountType: member.accountType,
    status: member.status,
    groups: member.groups,
    createdAt: member.createdAt.toISOString(),
    updatedAt: member.updatedAt.toISOString(),
  };
}

export function registerMemberRoutes(router: Router, deps: MemberRoutesDeps): void {
  router.addForTenant('PUT', '/members/:memberId', async ({ params, body }): Promise<ApiResponse> => {
    const { memberId } = parseRequest(paramsSchema, params);
    const input = parseRequest(putMemberBodySchema, body);
    const result = await deps.service.putMember(memberId, input, 'api');
    if (!result.ok) {
      return {
        status: 409,
        body: { error: 'email_taken', memberId: result.takenBy, message: 'Another member already has this email; nothing was written.' },
      };
    }
    return { status: result.outcome === 'created' ? 201 : 200, body: toMemberJson(result.member) };
  });

  router.addForTenant('GET', '/members', async ({ query }): Promise<ApiResponse> => {
    // `?email=&status=` with empty values means no filter.
    const q = parseRequest(listQuerySchema, Object.fromEntries([...query].filter(([, value]) => value !== '')));
    const page = await deps.members.listPage({
      status: q.status,
      emailKey: q.email === undefined ? undefined : emailKey(q.email),
      after: q.cursor,
      limit: q.limit + 1,
    });
    const more = page.length > q.limit;
    const members = more ? page.slice(0, q.limit) : page;
    return { status: 200, body: { members: members.map(toMemberJson), nextCursor: more ? encodeCursor(members.at(-1)!.id) : null } };
  });

  router.addForTenant('GET', '/members/:memberId', async ({ params }): Promise<ApiResponse> => {
    const { memberId } = parseRequest(paramsSchema, params);
    const member = await deps.members.findById(memberId);
    if (!member) return { status: 404, body: { error: 'member_not_found', message: `No member ${memberId}.` } };
    const mapping = await deps.mapping.lookup(memberId);
    return {
      status: 200,
      body: {
        ...toMemberJson(member),
        mapping: mapping ? { status: 'connected', slackUserId: mapping.slackUserId, source: mapping.source } : { status: 'not_connected' },
      },
    };
  });
}
