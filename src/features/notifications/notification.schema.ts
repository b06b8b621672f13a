/**
 * zod schemas of the notification hand-off and of member preferences (CONTRACT.md), pure.
 *
 * Strict everywhere: unknown fields are a 400 naming each of them, and anything that is not
 * the expected scalar (e.g. `{"$ne": null}` where a string belongs) is refused before the
 * store is touched.
 *
 * Choices where the contract is silent:
 * - `body` may be omitted or empty (a notification such as "Import completed" has no text);
 *   it defaults to "".
 * - `actor` is optional; when given, `actor.name` is 1-200 characters.
 * - `subtype` may be omitted (CONTRACT.md): absent means `other`, which every type accepts. When
 *   given it must be one of the type's known subtypes, or `other`; an empty or non-string one is
 *   a 400, since it says the caller meant something the connector cannot read.
 * - `url` is an http(s) URL equal to PIGMENT_BASE_URL or under it (followed by `/`, `?` or
 *   `#`), at most 3,000 characters, with no spaces or control characters.
 * - Lengths count characters (code points), not UTF-16 units or bytes.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { emailKey } from '../members/member.types';
import {
  NOTIFICATION_LIMITS,
  NOTIFICATION_SUBTYPES,
  NOTIFICATION_TYPES,
  type NotificationRequest,
  type NotificationType,
  type SlackPreferences,
} from './notification.types';

/** What an omitted subtype means: the type's generic message. */
export const DEFAULT_SUBTYPE = 'other';

const chars = (value: string) => Array.from(value).length;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are refused.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The idempotency key: any text without control characters, 1-200 characters. */
export const notificationIdSchema = z
  .string({ message: 'must be a string' })
  .min(1, 'must not be empty')
  .refine((v) => chars(v) <= NOTIFICATION_LIMITS.id, `must be at most ${NOTIFICATION_LIMITS.id} characters`)
  .refine((v) => !CONTROL.test(v), 'must not contain control characters');

/** Printable ASCII without spaces, as the member API requires of member ids. */
export const memberIdSchema = z
  .string({ message: 'must be a string' })
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

// As loose as the member API: anything a person would call an address.
const emailSchema = z
  .string({ message: 'must be a string' })
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email({ pattern: z.regexes.unicodeEmail, message: 'must be an email address' }));

const recipientSchema = z
  .strictObject(
    {
      memberId: memberIdSchema.optional(),
      email: emailSchema.optional(),
    },
    { message: 'must be an object: {"memberId": "..."} or {"email": "..."}' },
  )
  .superRefine((recipient, ctx) => {
    const given = (recipient.memberId !== undefined ? 1 : 0) + (recipient.email !== undefined ? 1 : 0);
    if (given === 0) ctx.addIssue({ code: 'custom', message: 'must have "memberId" or "email"' });
    if (given === 2) ctx.addIssue({ code: 'custom', message: 'must have "memberId" or "email", not both' });
  });

/** A link under `baseUrl` (PIGMENT_BASE_URL, without trailing slash). */
export function isUnderBaseUrl(url: string, baseUrl: string): boolean {
  if (url !== baseUrl && !['/', '?', '#'].some((next) => url.startsWith(baseUrl + next))) return false;
  try {
    const parsed = new URL(url);
    // The prefix test is on the text; the parser must agree on where the link goes.
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
}

function urlSchema(baseUrl: string) {
  return (
    z
      .string({ message: 'must be a string' })
      .min(1, 'must not be empty')
      .max(NOTIFICATION_LIMITS.url, `must be at most ${NOTIFICATION_LIMITS.url} characters`)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are refused.
      .refine((v) => !/[\s\u0000-\u001f\u007f]/.test(v), 'must not contain spaces or control characters')
      .refine((v) => isUnderBaseUrl(v, baseUrl), `must be an http(s) link under ${baseUrl}/`)
  );
}

/** The POST body, for one PIGMENT_BASE_URL. */
export function notificationRequestSchema(baseUrl: string) {
  return z
    .strictObject(
      {
        id: notificationIdSchema,
        type: z.enum(NOTIFICATION_TYPES, { message: `must be one of ${NOTIFICATION_TYPES.join(', ')}` }),
        subtype: z.string({ message: 'must be a string' }).min(1, 'must not be empty').default(DEFAULT_SUBTYPE),
        recipient: recipientSchema,
        title: z
          .string({ message: 'must be a string' })
          .trim()
          .min(1, 'must not be empty')
          .refine((v) => chars(v) <= NOTIFICATION_LIMITS.title, `must be at most ${NOTIFICATION_LIMITS.title} characters`),
        body: z
          .string({ message: 'must be a string' })
          .refine((v) => chars(v) <= NOTIFICATION_LIMITS.body, `must be at most ${NOTIFICATION_LIMITS.body} characters`)
          .default(''),
        url: urlSchema(baseUrl),
        actor: z
          .strictObject(
            {
              name: z
                .string({ message: 'must be a string' })
                .trim()
                .min(1, 'must not be empty')
                .refine((v) => chars(v) <= NOTIFICATION_LIMITS.actorName, `must be at most ${NOTIFICATION_LIMITS.actorName} characters`),
            },
            { message: 'must be an object: {"name": "..."}' },
          )
          .optional(),
      },
      { message: 'must be a JSON object' },
    )
    .superRefine(
      (value, ctx) => {
        // Runs even when other fields failed (to report every problem at once): check the type first.
        // Own keys only: a type such as `valueOf` or `__proto__` must not reach Object.prototype.
        const known = Object.hasOwn(NOTIFICATION_SUBTYPES, value.type) ? (NOTIFICATION_SUBTYPES as Record<string, readonly string[]>)[value.type] : undefined;
        // An empty subtype already has its own issue ('must not be empty'): one issue per mistake.
        if (known && typeof value.subtype === 'string' && value.subtype !== '' && !known.includes(value.subtype)) {
          ctx.addIssue({ code: 'custom', path: ['subtype'], message: `must be one of ${known.join(', ')} for type ${value.type}` });
        }
      },
      { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) },
    )
    .transform(
      (value): NotificationRequest => ({
        id: value.id,
        type: value.type,
        subtype: value.subtype,
        recipient: value.recipient.memberId !== undefined ? { memberId: value.recipient.memberId } : { email: value.recipient.email! },
        title: value.title,
        body: value.body,
        url: value.url,
        ...(value.actor ? { actor: { name: value.actor.name } } : {}),
      }),
    );
}

/**
 * A hash of everything but the id, so a retried POST (same content) is told apart from an id
 * reused for a different notification. Emails are compared case-insensitively.
 */
export function notificationFingerprint(request: NotificationRequest): string {
  const canonical = JSON.stringify([
    request.type,
    request.subtype,
    request.recipient.memberId ?? null,
    request.recipient.email === undefined ? null : emailKey(request.recipient.email),
    request.title,
    request.body,
    request.url,
    request.actor?.name ?? null,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** `PUT /api/v1/members/:memberId/preferences`: any subset of the four switches. */
export const preferencesPatchSchema = z.strictObject(
  {
    slack: z.strictObject(
      Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, z.boolean({ message: 'must be true or false' }).optional()])) as Record<
        NotificationType,
        z.ZodOptional<z.ZodBoolean>
      >,
      { message: `must be an object of booleans: ${NOTIFICATION_TYPES.join(', ')}` },
    ),
  },
  { message: 'must be a JSON object: {"slack": {...}}' },
);

export type PreferencesPatch = Partial<SlackPreferences>;
