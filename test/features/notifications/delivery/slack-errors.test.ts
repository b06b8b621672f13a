/**
 * How each failed Slack call steers a delivery, on the errors the SDK really throws.
 */
import { ErrorCode } from '@slack/web-api';
import { classifySlackError } from '../../../../src/features/notifications/delivery/slack-errors';

const platform = (error: string) => Object.assign(new Error(error), { code: ErrorCode.PlatformError, data: { ok: false, error } });
const http = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { code: ErrorCode.HTTPError, statusCode });
const request = (cause: string) => Object.assign(new Error(cause), { code: ErrorCode.RequestError, original: { code: cause } });

describe('classifySlackError', () => {
  it('waits out rate limits, from a 429 or from an HTTP 200 error body', () => {
    expect(classifySlackError(Object.assign(new Error('429'), { code: ErrorCode.RateLimitedError, retryAfter: 7 }))).toEqual({ kind: 'rate_limited', retryAfterMs: 7_000 });
    expect(classifySlackError(platform('ratelimited'))).toEqual({ kind: 'rate_limited', retryAfterMs: 1_000 });
    expect(classifySlackError(platform('rate_limited'))).toEqual({ kind: 'rate_limited', retryAfterMs: 1_000 });
  });

  it.each(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive'])('pauses delivery on %s', (error) => {
    expect(classifySlackError(platform(error))).toEqual({ kind: 'token', error });
  });

  it.each(['user_not_found', 'cannot_dm_bot', 'user_disabled', 'missing_scope', 'invalid_blocks', 'msg_too_long'])('fails at once on %s', (error) => {
    expect(classifySlackError(platform(error))).toEqual({ kind: 'permanent', error });
  });

  it('opens the DM again when the cached channel is gone', () => {
    expect(classifySlackError(platform('channel_not_found'))).toEqual({ kind: 'stale_channel', error: 'channel_not_found' });
  });

  it('retries 5xx, Slack outages and network failures, saying whether the call may have arrived', () => {
    expect(classifySlackError(http(503))).toEqual({ kind: 'transient', error: 'http_503', mayHaveArrived: true });
    expect(classifySlackError(platform('internal_error'))).toEqual({ kind: 'transient', error: 'internal_error', mayHaveArrived: true });
    expect(classifySlackError(request('ECONNRESET'))).toEqual({ kind: 'transient', error: 'econnreset', mayHaveArrived: true });
    expect(classifySlackError(request('ECONNREFUSED'))).toEqual({ kind: 'transient', error: 'econnrefused', mayHaveArrived: false });
  });

  it('does not retry other 4xx answers', () => {
    expect(classifySlackError(http(404))).toEqual({ kind: 'permanent', error: 'http_404' });
    expect(classifySlackError(http(408))).toEqual({ kind: 'transient', error: 'http_408', mayHaveArrived: true });
  });
});
