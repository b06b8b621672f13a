/**
 * The one Slack error vocabulary, on errors built with the SDK's own classes the way the
 * WebClient builds them (test/slack/slack-error.int.test.ts provokes the same through the
 * emulator and real sockets), and the Retry-After helper on an injected sleep.
 */
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { classifySlackError, slackErrorCode, slackRetryAfterMs, withRetryAfter } from '../../src/slack/slack-error';

const platform = (error: string, extra: Record<string, unknown> = {}) => new WebAPIPlatformError({ ok: false, error, ...extra });
const http = (status: number) => new WebAPIHTTPError(status, 'Status', { 'content-type': 'text/plain' }, 'oops');
/** fetch's failure as undici throws it: the socket's error is the cause. */
const network = (code: string) => new WebAPIRequestError(new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) }));
/** The WebClient's own timeout (AbortSignal.timeout) aborts fetch with this. */
const timeout = () => new WebAPIRequestError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));

describe('classifySlackError', () => {
  it('reads a 429 as a wait of Retry-After seconds, at least one', () => {
    expect(classifySlackError(new WebAPIRateLimitedError(7))).toEqual({ kind: 'rate_limited', retryAfterMs: 7_000 });
    expect(classifySlackError(new WebAPIRateLimitedError(0))).toEqual({ kind: 'rate_limited', retryAfterMs: 1_000 });
  });

  it('reads Slack’s HTTP 200 rate-limit answers as a one-second wait', () => {
    expect(classifySlackError(platform('ratelimited'))).toEqual({ kind: 'rate_limited', retryAfterMs: 1_000 });
    expect(classifySlackError(platform('rate_limited'))).toEqual({ kind: 'rate_limited', retryAfterMs: 1_000 });
  });

  it.each(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'team_disabled', 'user_removed_from_team'])(
    'reads %s as the token no longer working',
    (code) => {
      expect(classifySlackError(platform(code))).toEqual({ kind: 'token', code });
    },
  );

  it('keeps Slack’s whole answer for its other errors, e.g. the scope missing_scope needs', () => {
    expect(classifySlackError(platform('missing_scope', { needed: 'admin', provided: 'users:read' }))).toEqual({
      kind: 'platform',
      code: 'missing_scope',
      data: { ok: false, error: 'missing_scope', needed: 'admin', provided: 'users:read' },
    });
    for (const code of ['users_not_found', 'not_allowed_token_type', 'channel_not_found', 'paid_only']) {
      expect(classifySlackError(platform(code))).toMatchObject({ kind: 'platform', code });
    }
  });

  it.each(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'])('reads %s as transient, possibly carried out', (code) => {
    expect(classifySlackError(platform(code))).toEqual({ kind: 'transient', code, mayHaveArrived: true, via: 'platform' });
  });

  it('reads 5xx and 408 as transient, other 4xx as an answer a retry will not change', () => {
    expect(classifySlackError(http(503))).toEqual({ kind: 'transient', code: 'http_503', mayHaveArrived: true, via: 'http', status: 503 });
    expect(classifySlackError(http(500))).toMatchObject({ kind: 'transient', code: 'http_500' });
    expect(classifySlackError(http(408))).toEqual({ kind: 'transient', code: 'http_408', mayHaveArrived: true, via: 'http', status: 408 });
    expect(classifySlackError(http(404))).toEqual({ kind: 'http', code: 'http_404', status: 404 });
    expect(classifySlackError(http(400))).toEqual({ kind: 'http', code: 'http_400', status: 400 });
  });

  it('tells a request that never left (refused, unknown host) from one that may have reached Slack', () => {
    expect(classifySlackError(network('ECONNREFUSED'))).toEqual({ kind: 'transient', code: 'econnrefused', mayHaveArrived: false, via: 'network' });
    expect(classifySlackError(network('ENOTFOUND'))).toMatchObject({ code: 'enotfound', mayHaveArrived: false });
    expect(classifySlackError(network('EAI_AGAIN'))).toMatchObject({ code: 'eai_again', mayHaveArrived: false });
    expect(classifySlackError(network('ECONNRESET'))).toEqual({ kind: 'transient', code: 'econnreset', mayHaveArrived: true, via: 'network' });
    expect(classifySlackError(network('UND_ERR_SOCKET'))).toMatchObject({ code: 'und_err_socket', mayHaveArrived: true });
    expect(classifySlackError(timeout())).toEqual({ kind: 'transient', code: 'timeout', mayHaveArrived: true, via: 'network' });
    expect(classifySlackError(new WebAPIRequestError(new Error('something odd')))).toMatchObject({ code: 'request_error', mayHaveArrived: true });
  });

  it('reads the socket code of an AggregateError (several addresses tried)', () => {
    const refused = (address: string) => Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
    const cause = new AggregateError([refused('::1'), refused('127.0.0.1')]);
    expect(classifySlackError(new WebAPIRequestError(new TypeError('fetch failed', { cause })))).toMatchObject({ code: 'econnrefused', mayHaveArrived: false });
  });

  it('leaves anything that is no Web API error unknown, the error kept', () => {
    const bug = new TypeError('x is undefined');
    expect(classifySlackError(bug)).toEqual({ kind: 'unknown', error: bug });
    expect(classifySlackError('a string')).toEqual({ kind: 'unknown', error: 'a string' });
    expect(classifySlackError(undefined)).toEqual({ kind: 'unknown', error: undefined });
    // What the SDK throws for a 429 whose Retry-After it cannot read: a plain Error, not a rate limit.
    expect(classifySlackError(new Error('Retry header did not contain a valid timeout'))).toMatchObject({ kind: 'unknown' });
  });
});

describe('slackErrorCode and slackRetryAfterMs', () => {
  it('give Slack’s error string for any ok:false answer, and the wait for a rate limit', () => {
    expect(slackErrorCode(platform('users_not_found'))).toBe('users_not_found');
    expect(slackErrorCode(platform('invalid_auth'))).toBe('invalid_auth');
    expect(slackErrorCode(http(500))).toBeUndefined();
    expect(slackErrorCode(new Error('users_not_found'))).toBeUndefined();
    expect(slackRetryAfterMs(new WebAPIRateLimitedError(3))).toBe(3_000);
    expect(slackRetryAfterMs(platform('invalid_auth'))).toBeUndefined();
  });
});

describe('withRetryAfter', () => {
  /** A call that fails with each of `failures` in turn, then answers `done`. */
  function failing(...failures: unknown[]): { call: () => Promise<string>; calls: () => number } {
    let calls = 0;
    return {
      call: async () => {
        const failure = failures[calls];
        calls += 1;
        if (failure !== undefined) throw failure;
        return 'done';
      },
      calls: () => calls,
    };
  }
  const recordingSleep = () => {
    const waits: number[] = [];
    return { waits, sleep: async (ms: number) => void waits.push(ms) };
  };

  it('waits Retry-After after each rate limit, then answers', async () => {
    const { waits, sleep } = recordingSleep();
    const call = failing(new WebAPIRateLimitedError(3), platform('ratelimited'));
    await expect(withRetryAfter(call.call, { maxWaits: 5, sleep })).resolves.toBe('done');
    expect(waits).toEqual([3_000, 1_000]);
    expect(call.calls()).toBe(3);
  });

  it('throws the rate limit after maxWaits waits, and at once with maxWaits 0', async () => {
    const { waits, sleep } = recordingSleep();
    const limited = new WebAPIRateLimitedError(2);
    await expect(withRetryAfter(failing(limited, limited, limited).call, { maxWaits: 2, sleep })).rejects.toBe(limited);
    expect(waits).toEqual([2_000, 2_000]);
    const once = failing(limited);
    await expect(withRetryAfter(once.call, { maxWaits: 0, sleep })).rejects.toBe(limited);
    expect(once.calls()).toBe(1);
    expect(waits).toHaveLength(2);
  });

  it('throws any other error at once, without waiting', async () => {
    const { waits, sleep } = recordingSleep();
    const refused = platform('users_not_found');
    await expect(withRetryAfter(failing(refused).call, { maxWaits: 3, sleep })).rejects.toBe(refused);
    await expect(withRetryAfter(failing(http(503)).call, { maxWaits: 3, sleep })).rejects.toBeInstanceOf(WebAPIHTTPError);
    expect(waits).toEqual([]);
  });

  it('waits out another host’s rate limits when told how to read them', async () => {
    const { waits, sleep } = recordingSleep();
    const uploadLimited = Object.assign(new Error('upload answered 429'), { status: 429 });
    const retryAfterMs = (error: unknown) => (error === uploadLimited ? 4_000 : slackRetryAfterMs(error));
    await expect(withRetryAfter(failing(uploadLimited, new WebAPIRateLimitedError(1)).call, { maxWaits: 2, sleep, retryAfterMs })).resolves.toBe('done');
    expect(waits).toEqual([4_000, 1_000]);
  });

  it('refuses a maxWaits that is no whole number of waits', async () => {
    for (const maxWaits of [-1, 1.5, Number.NaN]) {
      await expect(withRetryAfter(async () => 'x', { maxWaits })).rejects.toThrow(/maxWaits must be a whole number/);
    }
  });
});
