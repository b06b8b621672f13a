/**
 * Rate limits: the token buckets on a controlled clock, then 429 + Retry-After through the
 * real WebClient (rejectRateLimitedCalls), per-method tiers, chat.postMessage per channel,
 * and the scale changed at runtime.
 */
import { WebAPIRateLimitedError } from '@slack/web-api';
import { METHOD_TIERS, RateLimiter, TIER_LIMITS, TokenBucket } from '../../scripts/slack-emulator/rate-limits';
import { botClient, emulatorHarness, FakeClock, MEMBER, OTHER_MEMBER, rejectionOf } from './emulator-fixture';

const harness = emulatorHarness();

describe('TokenBucket', () => {
  it('allows a burst, then one call per refill interval', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ perMinute: 60, burst: 3 }, 1, clock.now());
    for (let call = 0; call < 3; call += 1) {
      expect(bucket.waitMs(clock.now())).toBe(0);
      bucket.take(clock.now());
    }
    expect(bucket.waitMs(clock.now())).toBe(1_000);
    clock.advance(1_000);
    expect(bucket.waitMs(clock.now())).toBe(0);
  });

  it('scales both the rate and the burst', () => {
    const bucket = new TokenBucket({ perMinute: 20, burst: 20 }, 0.1, 0);
    bucket.take(0);
    bucket.take(0);
    // Two calls per minute: the next token comes 30 s later.
    expect(bucket.waitMs(0)).toBe(30_000);
  });
});

describe('RateLimiter', () => {
  it('counts per method and per token, and answers whole seconds to wait', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ scale: 1, now: clock.now });
    for (let call = 0; call < TIER_LIMITS.tier2.burst; call += 1) expect(limiter.check('users.list', 'xoxb-a')).toEqual({ allowed: true });
    expect(limiter.check('users.list', 'xoxb-a')).toEqual({ allowed: false, retryAfterSeconds: 3 });
    expect(limiter.check('users.list', 'xoxb-b')).toEqual({ allowed: true });
    expect(limiter.check('users.info', 'xoxb-a')).toEqual({ allowed: true });
    clock.advance(3_000);
    expect(limiter.check('users.list', 'xoxb-a')).toEqual({ allowed: true });
  });

  it('gives apps.connections.open Tier 3, as its Slack page says: 50 opens a minute', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ scale: 1, now: clock.now });
    for (let call = 0; call < 50; call += 1) expect(limiter.check('apps.connections.open', 'xapp-a')).toEqual({ allowed: true });
    expect(limiter.check('apps.connections.open', 'xapp-a')).toMatchObject({ allowed: false });
    expect(METHOD_TIERS['apps.connections.open']).toBe('tier3');
  });

  it('refuses a scale that is not a positive number', () => {
    expect(() => new RateLimiter({ scale: 0, now: Date.now })).toThrow(RangeError);
  });
});

describe('429 through the WebClient', () => {
  it('answers HTTP 429 with Retry-After once a tier 2 method is over its limit', async () => {
    const clock = new FakeClock();
    const emulator = await harness.start({ now: clock.now, rateLimitScale: 0.1 });
    const bot = botClient(emulator, { rejectRateLimitedCalls: true });
    await bot.users.list({});
    await bot.users.list({});
    const error = await rejectionOf(bot.users.list({}));
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect(error.retryAfter).toBe(30);
    expect(emulator.callsOf('users.list').map((call) => call.status)).toEqual([200, 200, 429]);
    expect(emulator.callsOf('users.list')[2]?.response).toEqual({ ok: false, error: 'ratelimited' });
    // Other methods have their own budget.
    await expect(bot.users.info({ user: MEMBER })).resolves.toMatchObject({ ok: true });
    clock.advance(30_000);
    await expect(bot.users.list({})).resolves.toMatchObject({ ok: true });
  });

  it('sends the Retry-After header the SDK reads', async () => {
    // A tier 2 method; `admin` granted, which on Slack only an admin's user token can hold.
    const emulator = await harness.start({ rateLimitScale: 0.01, scopes: { bot: ['admin'] } });
    const url = `${emulator.apiUrl}team.billableInfo`;
    const headers = { authorization: `Bearer ${emulator.botToken}` };
    expect((await fetch(url, { method: 'POST', headers })).status).toBe(200);
    const limited = await fetch(url, { method: 'POST', headers });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('limits chat.postMessage to about one per second per channel after a short burst', async () => {
    const clock = new FakeClock();
    const emulator = await harness.start({ now: clock.now, rateLimitScale: 1 });
    const bot = botClient(emulator, { rejectRateLimitedCalls: true });
    for (let message = 1; message <= 3; message += 1) await bot.chat.postMessage({ channel: MEMBER, text: `burst ${message}` });
    // The DM id and the user id are the same channel.
    const dm = emulator.state.dmChannelOf(MEMBER) as string;
    const error = await rejectionOf(bot.chat.postMessage({ channel: dm, text: 'one too many' }));
    expect(error.retryAfter).toBe(1);
    // Another channel is not affected.
    await expect(bot.chat.postMessage({ channel: OTHER_MEMBER, text: 'elsewhere' })).resolves.toMatchObject({ ok: true });
    clock.advance(1_000);
    await expect(bot.chat.postMessage({ channel: MEMBER, text: 'a second later' })).resolves.toMatchObject({ ok: true });
    expect(emulator.messagesTo(MEMBER).map((message) => message.text)).toEqual(['burst 1', 'burst 2', 'burst 3', 'a second later']);
  });

  it('changes the scale at runtime', async () => {
    const emulator = await harness.start({ rateLimitScale: 0.01 });
    const bot = botClient(emulator, { rejectRateLimitedCalls: true });
    await bot.users.list({});
    await expect(bot.users.list({})).rejects.toBeInstanceOf(WebAPIRateLimitedError);
    emulator.setRateLimitScale(50);
    await expect(bot.users.list({})).resolves.toMatchObject({ ok: true });
  });
});
