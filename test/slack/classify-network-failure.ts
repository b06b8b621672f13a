/**
 * Run as its own process by slack-error.int.test.ts: calls auth.test on each `<timeoutMs>@<url>`
 * given with a real WebClient (that timeout, no retries) and prints classifySlackError of the
 * failure, one JSON line per URL. Outside Jest, because Jest's sandbox has its own `Error`, so the WebClient
 * fails its `instanceof Error` check on fetch's TypeError and drops the socket's code with it.
 */
import { WebClient } from '@slack/web-api';
import { classifySlackError } from '../../src/slack/slack-error';

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => 'error' as never,
  setName: () => undefined,
};

async function main(): Promise<void> {
  for (const arg of process.argv.slice(2)) {
    const at = arg.indexOf('@');
    const timeout = Number(arg.slice(0, at));
    const url = arg.slice(at + 1);
    const client = new WebClient('xoxb-1', { slackApiUrl: url, timeout, retryConfig: { retries: 0 }, logger: quiet });
    const failure = await client.auth.test().then(
      () => ({ kind: 'answered' }),
      (error: unknown) => classifySlackError(error),
    );
    process.stdout.write(`${JSON.stringify(failure)}\n`);
  }
}

void main();
