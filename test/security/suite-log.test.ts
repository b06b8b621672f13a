/**
 * The end-of-run secret scan (test/support/global-teardown.ts) finds a secret wherever a log
 * line holds it, in each form it may take, and finds nothing in clean output.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findLeakedSecrets, registeredSecrets, secretForms } from '../support/suite-log';
import { TEST_SECRETS } from '../support/factories';

describe('suite log secret scan', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suite-log-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const secrets = [
    { label: 'bot token', value: TEST_SECRETS.botToken },
    { label: 'encryption key', value: TEST_SECRETS.encryptionKey },
    { label: 'Ashby key', value: 'ashby-key-0123456789abcdef' },
  ];

  it('finds a planted secret with its file and line, and the encryption key re-encoded', () => {
    fs.writeFileSync(path.join(dir, 'output-1.log'), `{"msg":"ok"}\n{"msg":"calling Ashby","key":"ashby-key-0123456789abcdef"}\n`);
    const hex = Buffer.from(TEST_SECRETS.encryptionKey, 'base64').toString('hex');
    fs.writeFileSync(path.join(dir, 'output-2.log'), `{"key":"${hex}"}\n`);
    expect(findLeakedSecrets(dir, secrets)).toEqual(
      expect.arrayContaining([
        { label: 'Ashby key', file: 'output-1.log', line: 2 },
        { label: 'encryption key (hex)', file: 'output-2.log', line: 1 },
      ]),
    );
    expect(findLeakedSecrets(dir, secrets)).toHaveLength(2);
  });

  it('finds nothing in output that holds only redacted values', () => {
    fs.writeFileSync(path.join(dir, 'output-1.log'), '{"msg":"token [redacted]","keyLast4":"cdef"}\n');
    expect(findLeakedSecrets(dir, secrets)).toEqual([]);
  });

  it('reads back the secrets tests registered', () => {
    fs.writeFileSync(path.join(dir, 'secrets-1.jsonl'), `${JSON.stringify({ label: 'a', value: 'v1-long-enough' })}\n`);
    expect(registeredSecrets(dir)).toEqual([{ label: 'a', value: 'v1-long-enough' }]);
    expect(secretForms('k', TEST_SECRETS.encryptionKey).map((f) => f.label)).toEqual(['k', 'k (hex)', 'k (base64url)']);
  });
});
