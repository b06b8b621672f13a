/**
 * Waits imposed by Slack's 429s, shared by every lane of one worker, so that after one 429 the
 * others wait too instead of each spending a call to learn the same thing.
 *
 * chat.postMessage has two limits Slack does not tell apart in the answer: about one message
 * per second per channel, and several hundred per minute per workspace. A 429 right after a
 * post to the same channel is taken as the channel's limit (only that member's lane waits);
 * otherwise as the workspace's (every post waits). Other methods have one limit per method.
 */
export type SlackStep = 'conversations.open' | 'conversations.history' | 'chat.postMessage';

/** Slack's per-channel pace: one message a second. */
const CHANNEL_WINDOW_MS = 1_000;
/** Channels remembered for the per-channel guess; older entries are dropped. */
const MAX_REMEMBERED_CHANNELS = 10_000;

export class RateLimitGates {
  /** Not before this time (ms), per method or per `method channel`. */
  private readonly notBefore = new Map<string, number>();
  private readonly lastPostAt = new Map<string, number>();

  constructor(
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  /** How long `step` must wait now (0: it may be called). */
  waitMs(step: SlackStep, channel?: string): number {
    const until = Math.max(this.notBefore.get(step) ?? 0, channel ? (this.notBefore.get(`${step} ${channel}`) ?? 0) : 0);
    return Math.max(0, until - this.now());
  }

  /** Resolves once `step` (to `channel`) may be called. */
  async wait(step: SlackStep, channel?: string): Promise<void> {
    for (;;) {
      const until = Math.max(this.notBefore.get(step) ?? 0, channel ? (this.notBefore.get(`${step} ${channel}`) ?? 0) : 0);
      const waitMs = until - this.now();
      if (waitMs <= 0) return;
      await this.sleep(waitMs);
      // Stopped early (the worker is stopping): let the caller see it.
      if (this.now() < until) return;
    }
  }

  /** A 429 on `step`: nobody calls it (or posts to `channel`) for `retryAfterMs`. */
  limited(step: SlackStep, channel: string | undefined, retryAfterMs: number): void {
    const now = this.now();
    const channelLimited = step === 'chat.postMessage' && channel !== undefined && now - (this.lastPostAt.get(channel) ?? -Infinity) < CHANNEL_WINDOW_MS;
    const key = channelLimited ? `${step} ${channel}` : step;
    this.notBefore.set(key, Math.max(this.notBefore.get(key) ?? 0, now + retryAfterMs));
  }

  /** A successful post to `channel` (for the per-channel guess). */
  posted(channel: string): void {
    if (this.lastPostAt.size >= MAX_REMEMBERED_CHANNELS) {
      this.lastPostAt.clear();
      for (const [key, until] of this.notBefore) if (until < this.now()) this.notBefore.delete(key);
    }
    this.lastPostAt.set(channel, this.now());
  }
}
