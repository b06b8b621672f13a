/**
 * Secrets at rest (third-party API keys): AES-256-GCM with the connector's ENCRYPTION_KEY,
 * a fresh random 12-byte nonce per value, stored as a small versioned object so the scheme
 * can change later without guessing what an old document holds.
 *
 * Decrypting verifies the authentication tag: a changed ciphertext, nonce or tag, or the
 * wrong key, is a `SecretDecryptionError`, never garbage. Error messages never contain the
 * secret, the key or the ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConnectorError } from './errors';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** An encrypted value as stored: version 1 = AES-256-GCM, base64 fields. */
export interface EncryptedSecret {
  v: 1;
  /** The 12-byte nonce, base64. */
  iv: string;
  /** The ciphertext, base64. */
  data: string;
  /** The 16-byte GCM authentication tag, base64. */
  tag: string;
}

/** The value could not be decrypted: tampered with, wrong key, or not a secret this module wrote. */
export class SecretDecryptionError extends ConnectorError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('secret_decryption_failed', `The stored secret could not be decrypted: ${reason}.`, {}, options);
  }
}

/** The encryption key is not 32 bytes (a bug: config validates it at start). */
export class SecretKeyError extends ConnectorError {
  constructor(length: number) {
    super('secret_key_invalid', `The encryption key must be ${KEY_BYTES} bytes, not ${length}.`, { length });
  }
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new SecretKeyError(key.length);
}

/** Encrypts `plaintext` with a fresh random nonce. */
export function encryptSecret(plaintext: string, key: Buffer): EncryptedSecret {
  checkKey(key);
  const iv = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { v: 1, iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** Decrypts a value `encryptSecret` wrote, verifying its tag; throws `SecretDecryptionError` otherwise. */
export function decryptSecret(secret: EncryptedSecret, key: Buffer): string {
  checkKey(key);
  if (!isEncryptedSecret(secret)) throw new SecretDecryptionError('unknown format or version');
  const iv = Buffer.from(secret.iv, 'base64');
  const tag = Buffer.from(secret.tag, 'base64');
  if (iv.length !== NONCE_BYTES) throw new SecretDecryptionError('the nonce is not 12 bytes');
  if (tag.length !== TAG_BYTES) throw new SecretDecryptionError('the tag is not 16 bytes');
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(secret.data, 'base64')), decipher.final()]).toString('utf8');
  } catch (error) {
    // Node's own message ("Unsupported state or unable to authenticate data") says nothing secret.
    throw new SecretDecryptionError('authentication failed (tampered with, or encrypted with another key)', { cause: error });
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** True for an object of the stored shape (any version this module reads). */
export function isEncryptedSecret(value: unknown): value is EncryptedSecret {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.v === 1 && [v.iv, v.data, v.tag].every((field) => typeof field === 'string' && BASE64.test(field));
}
