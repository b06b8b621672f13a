import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logger';
import { toSlackLogger } from '../../src/slack/bolt-logger';
import { TEST_SECRETS } from '../support/factories';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, destination, text: () => lines.join('') };
}

describe('logger redaction', () => {
  const ashbyKey = 'ashby-live-key-0123456789abcdef';

  function setup() {
    const out = capture();
    const handle = createLogger({
      level: 'debug',
      destination: out.destination,
      secrets: [TEST_SECRETS.apiToken, TEST_SECRETS.encryptionKey],
    });
    handle.addSecret(ashbyKey);
    return { ...handle, out };
  }

  it.each([
    ['the bot token', TEST_SECRETS.botToken],
    ['the app-level token', TEST_SECRETS.appToken],
    ['the API token', TEST_SECRETS.apiToken],
    ['the encryption key', TEST_SECRETS.encryptionKey],
    ['a third-party API key', ashbyKey],
  ])('never writes %s, whether as a field, a header, in a message or in an error', (_name, secret) => {
    const { logger, out } = setup();
    logger.info({ token: secret }, 'as a field');
    logger.info({ headers: { authorization: `Bearer ${secret}` } }, 'as a header');
    logger.info({ req: { headers: { authorization: `Bearer ${secret}` } } }, 'as a request header');
    logger.info({ nested: { deeper: { apiKey: secret } } }, 'nested');
    logger.info(`inside a message: ${secret}`);
    logger.error({ err: new Error(`failed with ${secret}`) }, 'inside an error');
    logger.info({ url: `https://x.test/?key=${encodeURIComponent(secret)}&token=${secret}` }, 'inside a URL');
    toSlackLogger(logger).warn('through the Bolt logger', secret, { token: secret });

    expect(out.lines).toHaveLength(8);
    expect(out.text()).not.toContain(secret);
    expect(out.text()).not.toContain(encodeURIComponent(secret));
    expect(out.text()).toContain('[Redacted]');
  });

  it('keeps the rest of the line readable', () => {
    const { logger, out } = setup();
    logger.info({ userId: 'U123', token: TEST_SECRETS.botToken }, 'published home');
    const line = JSON.parse(out.lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ userId: 'U123', token: '[Redacted]', msg: 'published home' });
  });
});

describe('toSlackLogger', () => {
  it('keeps levels but turns the expected double-ack warning into debug', () => {
    const out = capture();
    const { logger } = createLogger({ level: 'debug', destination: out.destination });
    const slack = toSlackLogger(logger);
    slack.warn('a real warning');
    slack.warn('ack() has already been called. Additional calls will be ignored and may lead to errors in other receivers.');
    slack.error('boom', new Error('inner'));
    const lines = out.lines.map((l) => JSON.parse(l) as { level: number; msg: string; err?: { message: string } });
    expect(lines.map((l) => l.level)).toEqual([40, 20, 50]);
    expect(lines[2]).toMatchObject({ msg: 'boom', err: { message: 'inner' } });
  });
});
