import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares an `Authorization` header with the expected bearer token in constant time.
 * Both sides are hashed first, so neither the token's length nor where a guess first
 * differs shows in the response time.
 */
export function isAuthorized(header: string | undefined, expectedToken: string): boolean {
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expectedToken).digest();
  // Evaluate both operands every time: no short-circuit on a missing header.
  const equal = timingSafeEqual(a, b);
  return equal && presented.length > 0;
}
