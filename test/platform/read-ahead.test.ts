/** readAhead: reads ahead at once, never more than `depth` items, in order, errors after the items before them, and stops the source when closed. */
import { readAhead } from '../../src/platform/read-ahead';

function counting(limit: number, failAt?: number) {
  const state = { requested: 0, returned: false };
  async function* source(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < limit; i += 1) {
        state.requested += 1;
        await new Promise((resolve) => setImmediate(resolve));
        if (i === failAt) throw new Error(`page ${i} failed`);
        yield i;
      }
    } finally {
      state.returned = true;
    }
  }
  return { state, source: source() };
}

const settle = async () => {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe('readAhead', () => {
  it('reads up to depth items before anyone iterates, then yields them all in order', async () => {
    const { state, source } = counting(10);
    const ahead = readAhead(source, 3);
    await settle();
    // Three held; nothing more is requested until one is taken.
    expect(state.requested).toBe(3);
    const seen: number[] = [];
    for await (const item of ahead) seen.push(item);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(state.returned).toBe(true);
  });

  it('gives the items read before an error, then the error', async () => {
    const { source } = counting(10, 2);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(source, 5)) seen.push(item);
      })(),
    ).rejects.toThrow('page 2 failed');
    expect(seen).toEqual([0, 1]);
  });

  it('stops requesting when closed before iterating (the store read failed), and when the consumer leaves early', async () => {
    const first = counting(100);
    const unused = readAhead(first.source, 2);
    await unused.close();
    await settle();
    expect(first.state.requested).toBeLessThanOrEqual(3);
    expect(first.state.returned).toBe(true);

    const second = counting(100);
    for await (const item of readAhead(second.source, 2)) if (item === 4) break;
    await settle();
    expect(second.state.requested).toBeLessThanOrEqual(8);
    expect(second.state.returned).toBe(true);
  });

  it('refuses a depth that is not a positive integer', () => {
    expect(() => readAhead(counting(1).source, 0)).toThrow('readAhead depth must be a positive integer, got 0');
  });
});
