import { withinBudget } from '../../src/platform/within-budget';

describe('withinBudget', () => {
  it('gives the value of work that settles in time', async () => {
    expect(await withinBudget(Promise.resolve(42), 1_000)).toBe(42);
  });

  it('gives undefined for work that does not, and leaves it running', async () => {
    let finish!: (value: string) => void;
    const slow = new Promise<string>((resolve) => (finish = resolve));
    expect(await withinBudget(slow, 5)).toBeUndefined();
    finish('done later');
    expect(await slow).toBe('done later');
  });

  it('throws a failure that comes in time', async () => {
    await expect(withinBudget(Promise.reject(new Error('store down')), 1_000)).rejects.toThrow('store down');
  });
});
