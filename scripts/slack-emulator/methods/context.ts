/**
 * What every Web API method handler receives and returns, and the argument readers they share.
 * Arguments arrive as strings (form-urlencoded, query string) or as JSON values; the readers
 * accept both, as Slack does.
 */
import type { WorkspaceState } from '../state';

/** Raw request arguments before a handler narrows them (the one place `any` is allowed). */
export type RawArgs = Record<string, any>;

/** The kinds of token: the bot's (`xoxb-`), the app-level one (`xapp-`) and a user's (`xoxp-`). */
export type TokenKind = 'bot' | 'app' | 'user';

/** The parts of the emulator a handler may use. */
export interface MethodServices {
  readonly state: WorkspaceState;
  /** Milliseconds, the emulator's clock. */
  now(): number;
  /** How long a trigger id stays valid. */
  readonly triggerTtlMs: number;
  openSocketUrl(hostHeader: string): string;
  /** The app was installed on the workspace's whole Enterprise Grid org. */
  isEnterpriseInstall?(): boolean;
}

export interface MethodContext {
  readonly args: RawArgs;
  readonly services: MethodServices;
  /** The request's Host header, for URLs the client must reach. */
  readonly host: string;
  /** The scopes of the calling token (some answers depend on them, e.g. emails need `users:read.email`). */
  readonly scopes: ReadonlySet<string>;
  /** Who calls: the kind of token and, for a user token, its user. */
  readonly caller: { kind: TokenKind; userId?: string };
}

/** A successful answer; the dispatcher adds `ok: true`. */
export type MethodSuccess = Record<string, unknown>;

export type MethodHandler = (context: MethodContext) => MethodSuccess | Promise<MethodSuccess>;

/**
 * The scope a method needs, from its page on Slack; a function when it depends on the
 * arguments (conversations.history needs `im:history` for a DM, `channels:history` for a
 * public channel). Undefined: no scope needed (auth.test, views.*).
 */
export type ScopeRule = string | ((args: RawArgs) => string);

export interface MethodSpec {
  token: Exclude<TokenKind, 'user'>;
  /**
   * A user token is accepted too. Only the methods that answer the same for any caller say so
   * (reads of the workspace); the others act as the app's bot user and refuse a user token
   * with `not_allowed_token_type`, stricter than Slack, where they would act as the user.
   */
  userToken?: boolean;
  scope?: ScopeRule;
  handler: MethodHandler;
}

export type MethodTable = Record<string, MethodSpec>;

/** A Slack error answer (`{ok: false, error}`), thrown by handlers and argument readers. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    /** Lines for `response_metadata.messages`, e.g. `[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]`. */
    readonly messages: string[] = [],
  ) {
    super(code);
    this.name = 'SlackApiError';
  }
}

/** Throws a Slack error answer. */
export function fail(code: string, messages: string[] = []): never {
  throw new SlackApiError(code, messages);
}

/** A string argument; numbers are accepted as Slack's form encoding turns them into strings anyway. */
export function optionalString(args: RawArgs, name: string): string | undefined {
  const value: unknown = args[name];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A required string argument; `errorCode` is the method's own error for a missing value. */
export function requiredString(args: RawArgs, name: string, errorCode = 'invalid_arguments'): string {
  const value = optionalString(args, name);
  if (value === undefined) fail(errorCode, [`[ERROR] missing required field: ${name}`]);
  return value;
}

/** Slack reads `true`, `1` and `"true"` as true. */
export function optionalBool(args: RawArgs, name: string): boolean {
  const value: unknown = args[name];
  return value === true || value === 1 || value === 'true' || value === '1';
}

/** An integer argument, or `fallback`; a non-number is `invalid_arguments`. */
export function optionalInt(args: RawArgs, name: string, fallback: number): number {
  const value: unknown = args[name];
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number)) fail('invalid_arguments', [`[ERROR] ${name} must be an integer`]);
  return number;
}

/**
 * A JSON argument: form posts carry it JSON-encoded in a string, JSON posts as a value.
 * Undefined when absent; `errorCode` when the string is not JSON.
 */
export function optionalJson(args: RawArgs, name: string, errorCode: string): unknown {
  const value: unknown = args[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    fail(errorCode, [`[ERROR] ${name} is not valid JSON`]);
  }
}

/** A plain JSON object (not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  /** `''` on the last page, as Slack answers. */
  nextCursor: string;
}

/**
 * Cursor pagination as Slack does it: an opaque base64 cursor naming the first item of the
 * next page (`dXNlcjpVMDYx…` is `user:U061…`). `limit` 0 means "as many as allowed".
 */
export function paginate<T>(items: readonly T[], args: RawArgs, options: { kind: string; keyOf: (item: T) => string; maxLimit: number }): Page<T> {
  const requested = optionalInt(args, 'limit', 0);
  const limit = requested <= 0 ? options.maxLimit : Math.min(requested, options.maxLimit);
  const cursor = optionalString(args, 'cursor');
  let start = 0;
  if (cursor !== undefined) {
    const key = decodeCursor(cursor, options.kind);
    start = items.findIndex((item) => options.keyOf(item) === key);
    if (start < 0) fail('invalid_cursor');
  }
  const pageItems = items.slice(start, start + limit);
  const next = items[start + limit];
  return { items: pageItems, nextCursor: next === undefined ? '' : encodeCursor(options.kind, options.keyOf(next)) };
}

export function encodeCursor(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`, 'utf8').toString('base64');
}

/** The key inside a cursor; `invalid_cursor` when it is not one of ours. */
export function decodeCursor(cursor: string, kind: string): string {
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  if (!decoded.startsWith(`${kind}:`)) fail('invalid_cursor');
  return decoded.slice(kind.length + 1);
}
