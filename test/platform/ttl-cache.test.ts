import { TtlCache } from '../../src/platform/ttl-cache';

describe('TtlCache', () => {
  it('reads through once per ttl, and drops the least recently read past its size', async () => {
    let now = 0;
    const cache = new TtlCache<string>(1_000, 2, () => now);
    const loads: string[] = [];
    const load = (key: string) => async () => {
      loads.push(key);
      return `${key}@${now}`;
    };
    expect(await cache.get('a', load('a'))).toBe('a@0');
    expect(await cache.get('a', load('a'))).toBe('a@0');
    now = 1_000;
    expect(await cache.get('a', load('a'))).toBe('a@1000');
    await cache.get('b', load('b'));
    await cache.get('a', load('a'));
    await cache.get('c', load('c'));
    // b was read least recently: gone; a stays.
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    expect(loads).toEqual(['a', 'a', 'b', 'c', 'b']);
    cache.forget('c');
    await cache.get('c', load('c'));
    expect(loads.at(-1)).toBe('c');
  });
});
