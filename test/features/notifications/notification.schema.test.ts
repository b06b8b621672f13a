/**
 * The hand-off's pure rules: which links count as "under PIGMENT_BASE_URL", and when two
 * requests are the same notification.
 */
import { isUnderBaseUrl, notificationFingerprint, notificationRequestSchema } from '../../../src/features/notifications/notification.schema';
import type { NotificationRequest } from '../../../src/features/notifications/notification.types';

describe('isUnderBaseUrl', () => {
  it.each([
    ['https://acme.pigment.app', 'https://acme.pigment.app', true],
    ['https://acme.pigment.app/', 'https://acme.pigment.app', true],
    ['https://acme.pigment.app/boards/1?x=1#c', 'https://acme.pigment.app', true],
    ['https://acme.pigment.app?x=1', 'https://acme.pigment.app', true],
    ['https://acme.pigment.app.evil.test/', 'https://acme.pigment.app', false],
    ['https://acme.pigment.app@evil.test/', 'https://acme.pigment.app', false],
    ['https://acme.pigment.app:8443/', 'https://acme.pigment.app', false],
    ['http://acme.pigment.app/', 'https://acme.pigment.app', false],
    ['https://evil.test/https://acme.pigment.app/', 'https://acme.pigment.app', false],
    // A base with a path: only links under that path.
    ['https://corp.test/pigment/boards/1', 'https://corp.test/pigment', true],
    ['https://corp.test/pigment-other/boards/1', 'https://corp.test/pigment', false],
    ['https://corp.test/', 'https://corp.test/pigment', false],
    // Backslashes are slashes to URL parsers: the host must still be the base's.
    ['https://acme.pigment.app/\\evil.test', 'https://acme.pigment.app', true],
  ])('%s under %s: %s', (url, base, expected) => {
    expect(isUnderBaseUrl(url, base)).toBe(expected);
  });
});

describe('notificationFingerprint', () => {
  const schema = notificationRequestSchema('https://acme.pigment.app');
  const parse = (body: unknown) => schema.parse(body) as NotificationRequest;
  const body = { id: 'a', type: 'automation', subtype: 'completed', recipient: { email: 'Ada@Acme.test' }, title: ' Done ', url: 'https://acme.pigment.app/x' };

  it('ignores the id, surrounding spaces, email case and an omitted empty body', () => {
    const a = parse(body);
    const b = parse({ ...body, id: 'b', recipient: { email: ' ada@acme.TEST' }, title: 'Done', body: '' });
    expect(notificationFingerprint(a)).toBe(notificationFingerprint(b));
  });

  it('changes with any field that reaches the member', () => {
    const reference = notificationFingerprint(parse(body));
    for (const change of [
      { subtype: 'failed' },
      { title: 'Done!' },
      { body: 'x' },
      { url: 'https://acme.pigment.app/y' },
      { actor: { name: 'Ada' } },
      { recipient: { memberId: 'ada@acme.test' } },
    ]) {
      expect(notificationFingerprint(parse({ ...body, ...change }))).not.toBe(reference);
    }
  });
});
