import { isAuthorized } from '../../../src/platform/http/bearer-auth';

describe('isAuthorized', () => {
  const token = 'x'.repeat(40);
  it.each([
    [undefined, false],
    ['', false],
    [token, false],
    [`Basic ${token}`, false],
    [`Bearer ${token.slice(1)}`, false],
    [`Bearer ${token}x`, false],
    ['Bearer ', false],
    [`Bearer ${token}`, true],
  ])('%p → %p', (header, expected) => {
    expect(isAuthorized(header, token)).toBe(expected);
  });
});
