/**
 * classifySlackError on what a real WebClient throws: answers from the Slack emulator (its
 * rules and injected faults) and sockets that refuse, reset or stay silent.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { botClient, clientFor, emulatorHarness, MEMBER, rejectionOf } from '../slack-emulator/emulator-fixture';
import { collectOutput, spawnTs } from '../support/processes';
import { classifySlackError, withRetryAfter } from '../../src/slack/slack-error';

const harness = emulatorHarness();

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** An HTTP server on a free port that answers every request with `handle`. */
async function serve(handle: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}/api/`;
}

/** A port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('classifySlackError on the WebClient’s own errors', () => {
  it('Slack’s answers: a 429, a bad token, an unknown email, a Slack outage, 5xx and 404', async () => {
    const emulator = await harness.start();
    const limited = botClient(emulator, { rejectRateLimitedCalls: true });
    emulator.injectFault('conversations.open', { status: 429, retryAfter: 7, times: 1 });
    expect(classifySlackError(await rejectionOf(limited.conversations.open({ users: MEMBER })))).toEqual({ kind: 'rate_limited', retryAfterMs: 7_000 });

    expect(classifySlackError(await rejectionOf(clientFor(emulator, 'xoxb-not-a-token').auth.test()))).toEqual({ kind: 'token', code: 'invalid_auth' });
    emulator.revokeTokens();
    expect(classifySlackError(await rejectionOf(botClient(emulator).auth.test()))).toEqual({ kind: 'token', code: 'token_revoked' });
  });

  it('Slack’s refusals and failures of a working token', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    expect(classifySlackError(await rejectionOf(bot.users.lookupByEmail({ email: 'nobody@example.com' })))).toMatchObject({
      kind: 'platform',
      code: 'users_not_found',
      data: { ok: false, error: 'users_not_found' },
    });
    emulator.injectFault('chat.postMessage', { error: 'internal_error', times: 1 });
    expect(classifySlackError(await rejectionOf(bot.chat.postMessage({ channel: MEMBER, text: 'a' })))).toEqual({
      kind: 'transient',
      code: 'internal_error',
      mayHaveArrived: true,
      via: 'platform',
    });
    emulator.injectFault('users.list', { status: 503, times: 1 });
    expect(classifySlackError(await rejectionOf(bot.users.list({})))).toEqual({
      kind: 'transient',
      code: 'http_503',
      mayHaveArrived: true,
      via: 'http',
      status: 503,
    });
    emulator.injectFault('users.list', { status: 404, times: 1 });
    expect(classifySlackError(await rejectionOf(bot.users.list({})))).toEqual({ kind: 'http', code: 'http_404', status: 404 });
  });

  it('a refused connection never reached Slack; a reset one or a timeout may have', async () => {
    // The refused and the reset call get a long timeout: on a loaded machine a first request can
    // take longer than a short one to fail, and would be read as a timeout. Only the silent
    // server is meant to meet the client's timeout.
    const urls = [
      `10000@http://127.0.0.1:${await closedPort()}/api/`,
      `10000@${await serve((request) => request.socket.destroy())}`,
      `200@${await serve(() => undefined)}`,
    ];
    // In a process of its own: see classify-network-failure.ts for why not in Jest.
    const child = spawnTs('test/slack/classify-network-failure.ts', urls);
    // 'close', not 'exit': by then every line of its output has been read.
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    const [refused, reset, silent] = collectOutput(child)
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(refused).toEqual({ kind: 'transient', code: 'econnrefused', mayHaveArrived: false, via: 'network' });
    // undici names a connection closed before any answer UND_ERR_SOCKET ("other side closed").
    expect(reset).toEqual({ kind: 'transient', code: 'und_err_socket', mayHaveArrived: true, via: 'network' });
    // Never answers: the client's own timeout gives up.
    expect(silent).toEqual({ kind: 'transient', code: 'timeout', mayHaveArrived: true, via: 'network' });
  });

  it('withRetryAfter waits out the emulator’s 429s with Retry-After, then the call goes through', async () => {
    const emulator = await harness.start();
    const limited = botClient(emulator, { rejectRateLimitedCalls: true });
    emulator.injectFault('users.list', { status: 429, retryAfter: 3, times: 2 });
    const waits: number[] = [];
    const page = await withRetryAfter(() => limited.users.list({}), { maxWaits: 2, sleep: async (ms) => void waits.push(ms) });
    expect(page.ok).toBe(true);
    expect(waits).toEqual([3_000, 3_000]);
    expect(emulator.callsOf('users.list').map((call) => call.status)).toEqual([429, 429, 200]);
  });
});
