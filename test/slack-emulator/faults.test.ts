/**
 * Fault injection through the real WebClient: Slack errors, HTTP 5xx, 429 with Retry-After,
 * delays, counts, the `*` wildcard, clearing, and the control route.
 */
import { WebAPIHTTPError, WebAPIRateLimitedError } from '@slack/web-api';
import { botClient, emulatorHarness, MEMBER, rejectionOf, slackErrorOf } from './emulator-fixture';

const harness = emulatorHarness();

describe('injectFault', () => {
  it('fails the next n calls with a Slack error, then serves normally', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    emulator.injectFault('chat.postMessage', { times: 2, error: 'internal_error' });
    expect(await slackErrorOf(bot.chat.postMessage({ channel: MEMBER, text: 'a' }))).toBe('internal_error');
    expect(await slackErrorOf(bot.chat.postMessage({ channel: MEMBER, text: 'b' }))).toBe('internal_error');
    await expect(bot.chat.postMessage({ channel: MEMBER, text: 'c' })).resolves.toMatchObject({ ok: true });
    expect(emulator.messagesTo(MEMBER).map((message) => message.text)).toEqual(['c']);
  });

  it('answers an HTTP status such as 500', async () => {
    const emulator = await harness.start();
    emulator.injectFault('users.list', { status: 500 });
    const error = await rejectionOf(botClient(emulator).users.list({}));
    expect(error).toBeInstanceOf(WebAPIHTTPError);
    expect(error.statusCode).toBe(500);
    expect(emulator.callsOf('users.list')[0]).toMatchObject({ status: 500 });
  });

  it('answers 429 with the given Retry-After', async () => {
    const emulator = await harness.start();
    emulator.injectFault('conversations.open', { status: 429, retryAfter: 7 });
    const error = await rejectionOf(botClient(emulator, { rejectRateLimitedCalls: true }).conversations.open({ users: MEMBER }));
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect(error.retryAfter).toBe(7);
  });

  it('lets the SDK retry through a transient 503', async () => {
    const emulator = await harness.start();
    emulator.injectFault('auth.test', { status: 503 });
    const bot = botClient(emulator, { retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 10 } });
    await expect(bot.auth.test()).resolves.toMatchObject({ ok: true });
    expect(emulator.callsOf('auth.test').map((call) => call.status)).toEqual([503, 200]);
  });

  it('delays a call, applies * to any method, and clears', async () => {
    // team.info needs team:read, which the app's manifest no longer requests.
    const emulator = await harness.start({ scopes: { bot: ['team:read'] } });
    const bot = botClient(emulator);
    emulator.injectFault('auth.test', { delayMs: 150 });
    const started = Date.now();
    await bot.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    emulator.injectFault('*', { times: 5, error: 'fatal_error' });
    expect(await slackErrorOf(bot.team.info())).toBe('fatal_error');
    emulator.clearFaults();
    await expect(bot.team.info()).resolves.toMatchObject({ ok: true });
  });

  it('hits a share of calls with a probability fault until cleared', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    emulator.injectFault('auth.test', { probability: 0.5, error: 'internal_error' });
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        bot.auth.test().then(
          () => 'ok',
          () => 'fault',
        ),
      ),
    );
    const faults = answers.filter((a) => a === 'fault').length;
    // Binomial(200, 0.5): outside 60..140 with a chance below one in a billion.
    expect(faults).toBeGreaterThan(60);
    expect(faults).toBeLessThan(140);
    emulator.clearFaults();
    const after = await Promise.all(
      Array.from({ length: 20 }, () =>
        bot.auth.test().then(
          () => 'ok',
          () => 'fault',
        ),
      ),
    );
    expect(after.every((a) => a === 'ok')).toBe(true);
  });

  it('takes faults from the control route', async () => {
    const emulator = await harness.start();
    const response = await fetch(`${emulator.baseUrl}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ method: 'team.info', error: 'team_not_found' }),
    });
    expect(response.status).toBe(200);
    expect(await slackErrorOf(botClient(emulator).team.info())).toBe('team_not_found');
    const bad = await fetch(`${emulator.baseUrl}/_emulator/faults`, { method: 'POST', body: '{oops' });
    expect(bad.status).toBe(400);
  });
});
