/**
 * Secrets at rest: AES-256-GCM round trip, a fresh nonce per value, tampering and the wrong
 * key detected, errors that never carry the secret.
 */
import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, isEncryptedSecret, SecretDecryptionError, SecretKeyError, type EncryptedSecret } from '../../src/platform/secrets';
import { TEST_SECRETS } from '../support/factories';

const KEY = Buffer.from(TEST_SECRETS.encryptionKey, 'base64');
const SECRET = 'ashby-live-key-0123456789abcdef';

/** Flips one bit of a base64 field. */
function flip(field: string): string {
  const bytes = Buffer.from(field, 'base64');
  bytes[0] = bytes[0]! ^ 0x01;
  return bytes.toString('base64');
}

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('secrets', () => {
  it('round-trips text, including empty and non-ASCII text', () => {
    for (const text of [SECRET, '', 'clé 🔑 ключ']) expect(decryptSecret(encryptSecret(text, KEY), KEY)).toBe(text);
  });

  it('stores a small versioned object with a 12-byte nonce and no plaintext', () => {
    const stored = encryptSecret(SECRET, KEY);
    expect(Object.keys(stored).sort()).toEqual(['data', 'iv', 'tag', 'v']);
    expect(stored.v).toBe(1);
    expect(Buffer.from(stored.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(stored.tag, 'base64')).toHaveLength(16);
    expect(isEncryptedSecret(stored)).toBe(true);
    const json = JSON.stringify(stored);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain(Buffer.from(SECRET).toString('base64'));
  });

  it('uses a fresh nonce for every value, so equal secrets never look equal', () => {
    const values = Array.from({ length: 50 }, () => encryptSecret(SECRET, KEY));
    expect(new Set(values.map((v) => v.iv)).size).toBe(50);
    expect(new Set(values.map((v) => v.data)).size).toBe(50);
  });

  it.each([
    ['ciphertext', 'data'],
    ['nonce', 'iv'],
    ['tag', 'tag'],
  ] as const)('detects a changed %s', (_what, field) => {
    const stored = encryptSecret(SECRET, KEY);
    const tampered: EncryptedSecret = { ...stored, [field]: flip(stored[field]) };
    expect(() => decryptSecret(tampered, KEY)).toThrow(SecretDecryptionError);
  });

  it('refuses the wrong key, with an error that names no secret', () => {
    const stored = encryptSecret(SECRET, KEY);
    const error = errorOf(() => decryptSecret(stored, randomBytes(32)));
    expect(error).toBeInstanceOf(SecretDecryptionError);
    expect((error as SecretDecryptionError).code).toBe('secret_decryption_failed');
    expect(error.message).toMatch(/another key/);
    for (const leak of [SECRET, stored.data, TEST_SECRETS.encryptionKey]) expect(error.message).not.toContain(leak);
  });

  it('refuses unknown formats and versions', () => {
    const stored = encryptSecret(SECRET, KEY);
    expect(() => decryptSecret({ ...stored, v: 2 } as never, KEY)).toThrow(/unknown format or version/);
    expect(() => decryptSecret({ ...stored, iv: Buffer.alloc(8).toString('base64') }, KEY)).toThrow(/nonce/);
    expect(() => decryptSecret({ ...stored, tag: 'not base64!' }, KEY)).toThrow(SecretDecryptionError);
    expect(isEncryptedSecret(SECRET)).toBe(false);
    expect(isEncryptedSecret(null)).toBe(false);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => encryptSecret(SECRET, randomBytes(16))).toThrow(SecretKeyError);
    expect(() => decryptSecret(encryptSecret(SECRET, KEY), randomBytes(31))).toThrow(/32 bytes, not 31/);
  });
});
