/**
 * How each failed Slack call steers a delivery, on errors built with the SDK's own classes
 * the way the WebClient builds them.
 */
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { classifyDeliveryFailure } from '../../../../src/features/notifications/delivery/slack-errors';

const platform = (error: string) => new WebAPIPlatformError({ ok: false, error });
const http = (statusCode: number) => new WebAPIHTTPError(statusCode, 'Status', {}, '');
/** fetch's failure as undici throws it: the socket's error is the cause. */
const request = (cause: string) => new WebAPIRequestError(new TypeError('fetch failed', { cause: Object.assign(new Error(cause), { code: cause }) }));

describe('classifyDeliveryFailure', () => {
  it('waits out rate limits, from a 429 or from an HTTP 200 error body', () => {
    expect(classifyDeliveryFailure(new WebAPIRateLimitedError(7))).toEqual({ kind: 'rate_limited', retryAfterMs: 7_000 });
    expect(classifyDeliveryFailure(platform('ratelimited'))).toEqual({ kind: 'rate_limited', retryAfterMs: 1_000 });
    expect(classifyDeliveryFailure(platform('rate_limited'))).toEqual({ kind: 'rate_limited', retryAfterMs: 1_000 });
  });

  it.each(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'team_disabled'])('pauses delivery on %s', (error) => {
    expect(classifyDeliveryFailure(platform(error))).toEqual({ kind: 'token', error });
  });

  // conversations.open's documented refusals (user_not_found, user_not_visible, user_disabled, not_enough_users), then chat.postMessage's.
  it.each(['user_not_found', 'user_not_visible', 'user_disabled', 'not_enough_users', 'missing_scope', 'invalid_blocks', 'msg_too_long'])(
    'fails at once on %s',
    (error) => {
      expect(classifyDeliveryFailure(platform(error))).toEqual({ kind: 'permanent', error });
    },
  );

  it('opens the DM again when the cached channel is gone', () => {
    expect(classifyDeliveryFailure(platform('channel_not_found'))).toEqual({ kind: 'stale_channel', error: 'channel_not_found' });
  });

  it('retries 5xx, Slack outages and network failures, saying whether the call may have arrived', () => {
    expect(classifyDeliveryFailure(http(503))).toEqual({ kind: 'transient', error: 'http_503', mayHaveArrived: true });
    expect(classifyDeliveryFailure(platform('internal_error'))).toEqual({ kind: 'transient', error: 'internal_error', mayHaveArrived: true });
    expect(classifyDeliveryFailure(request('ECONNRESET'))).toEqual({ kind: 'transient', error: 'econnreset', mayHaveArrived: true });
    expect(classifyDeliveryFailure(request('ECONNREFUSED'))).toEqual({ kind: 'transient', error: 'econnrefused', mayHaveArrived: false });
    expect(classifyDeliveryFailure(new WebAPIRequestError(new DOMException('aborted due to timeout', 'TimeoutError')))).toEqual({
      kind: 'transient',
      error: 'timeout',
      mayHaveArrived: true,
    });
  });

  it('does not retry other 4xx answers', () => {
    expect(classifyDeliveryFailure(http(404))).toEqual({ kind: 'permanent', error: 'http_404' });
    expect(classifyDeliveryFailure(http(408))).toEqual({ kind: 'transient', error: 'http_408', mayHaveArrived: true });
  });

  it('retries what is no Slack error, as possibly arrived', () => {
    expect(classifyDeliveryFailure(new Error('socket hang up'))).toEqual({ kind: 'transient', error: 'socket hang up', mayHaveArrived: true });
  });
});
