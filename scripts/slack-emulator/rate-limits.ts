/**
 * Slack's Web API rate limits: per method and token by tier, plus chat.postMessage's own
 * limits (about one message per second per channel, several hundred per minute per workspace).
 * Token buckets refilled continuously; every figure is multiplied by a scale so that tests can
 * run fast (scale 50) or provoke 429s on purpose (scale 0.05).
 */

/** A rate: `perMinute` calls on average, at most `burst` back to back. */
export interface RateLimit {
  perMinute: number;
  burst: number;
  /** The burst stays as it is under any scale (only the pace is scaled): "one at a time" limits. */
  fixedBurst?: boolean;
}

export type Tier = 'tier1' | 'tier2' | 'tier3' | 'tier4' | 'auth_test';

/**
 * Tier figures are Slack's published minimums. The bucket holds a minute's allowance, as
 * Slack counts per minute; tier 1 ("1+ per minute") gets a burst of 3 all the same.
 */
export const TIER_LIMITS: Readonly<Record<Tier, RateLimit>> = {
  tier1: { perMinute: 1, burst: 3 },
  tier2: { perMinute: 20, burst: 20 },
  tier3: { perMinute: 50, burst: 50 },
  tier4: { perMinute: 100, burst: 100 },
  // "Hundreds of requests per minute".
  auth_test: { perMinute: 600, burst: 100 },
};

/** chat.postMessage: about 1 per second per channel with a short burst. */
export const POST_MESSAGE_PER_CHANNEL: RateLimit = { perMinute: 60, burst: 3 };
/** chat.postMessage: "several hundred messages per minute" across the workspace. */
export const POST_MESSAGE_PER_WORKSPACE: RateLimit = { perMinute: 300, burst: 100 };

/** The tier of each method the emulator implements (from each method's page on Slack). */
export const METHOD_TIERS: Readonly<Record<string, Tier>> = {
  'auth.test': 'auth_test',
  'users.list': 'tier2',
  'usergroups.list': 'tier2',
  'usergroups.users.list': 'tier2',
  'team.billableInfo': 'tier2',
  'team.accessLogs': 'tier2',
  // Every Socket Mode connection and reconnection calls it; several processes share the budget.
  'apps.connections.open': 'tier3',
  'team.info': 'tier3',
  'users.lookupByEmail': 'tier3',
  'conversations.open': 'tier3',
  'conversations.history': 'tier3',
  'chat.update': 'tier3',
  'users.info': 'tier4',
  'views.publish': 'tier4',
  'views.open': 'tier4',
  'views.update': 'tier4',
  'views.push': 'tier4',
  'files.getUploadURLExternal': 'tier4',
  'files.completeUploadExternal': 'tier4',
};

/**
 * conversations.history and conversations.replies for a commercially distributed app outside
 * the Slack Marketplace, since 2025-05-29: one request a minute (docs.slack.dev/apis/web-api/rate-limits).
 */
export const DISTRIBUTED_APP_HISTORY: RateLimit = { perMinute: 1, burst: 1, fixedBurst: true };
/** Methods the distributed-app limit applies to. */
export const DISTRIBUTED_APP_LIMITED_METHODS: ReadonlySet<string> = new Set(['conversations.history', 'conversations.replies']);

/** A token bucket on an injectable clock (milliseconds). */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(limit: RateLimit, scale: number, now: number) {
    this.capacity = Math.max(1, limit.fixedBurst ? limit.burst : limit.burst * scale);
    this.perMs = (limit.perMinute * scale) / 60_000;
    this.tokens = this.capacity;
    this.updatedAt = now;
  }

  /** Milliseconds until one token is available; 0 when one is available now. */
  waitMs(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return Math.ceil((1 - this.tokens) / this.perMs);
  }

  /** Takes one token; call only after `waitMs` answered 0. */
  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perMs);
    this.updatedAt = now;
  }
}

/** The outcome of a rate limit check: allowed, or retry after a whole number of seconds. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiterOptions {
  scale: number;
  now: () => number;
  /** The app is commercially distributed and not in the Marketplace: history methods get 1 a minute. */
  distributedApp?: () => boolean;
}

/** Keeps one bucket per (method, token), per (channel) and per workspace for chat.postMessage. */
export class RateLimiter {
  private buckets = new Map<string, TokenBucket>();
  private scale: number;

  constructor(private readonly options: RateLimiterOptions) {
    this.scale = checkScale(options.scale);
  }

  /** Changes the scale; buckets start again full, so the change takes effect at once. */
  setScale(scale: number): void {
    this.scale = checkScale(scale);
    this.buckets = new Map();
  }

  currentScale(): number {
    return this.scale;
  }

  /**
   * Checks and, when allowed, counts one call. `channel` applies chat.postMessage's
   * per-channel limit. Nothing is counted when the call is refused, as on Slack.
   */
  check(method: string, token: string, channel?: string): RateLimitDecision {
    const now = this.options.now();
    const buckets = this.bucketsFor(method, token, channel, now);
    const waitMs = Math.max(0, ...buckets.map((bucket) => bucket.waitMs(now)));
    if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    for (const bucket of buckets) bucket.take(now);
    return { allowed: true };
  }

  private bucketsFor(method: string, token: string, channel: string | undefined, now: number): TokenBucket[] {
    if (method === 'chat.postMessage') {
      return [
        this.bucket(`workspace:${method}`, POST_MESSAGE_PER_WORKSPACE, now),
        this.bucket(`channel:${method}:${channel ?? ''}`, POST_MESSAGE_PER_CHANNEL, now),
      ];
    }
    if (DISTRIBUTED_APP_LIMITED_METHODS.has(method) && this.options.distributedApp?.()) {
      return [this.bucket(`distributed:${method}:${token}`, DISTRIBUTED_APP_HISTORY, now)];
    }
    return [this.bucket(`token:${method}:${token}`, TIER_LIMITS[METHOD_TIERS[method] ?? 'tier3'], now)];
  }

  private bucket(key: string, limit: RateLimit, now: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit, this.scale, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

function checkScale(scale: number): number {
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`rate limit scale must be a positive number, got ${scale}`);
  return scale;
}
