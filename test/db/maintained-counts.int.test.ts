/**
 * Maintained counts on the real store: a change applied twice counts once, and a count during
 * which a change was recorded does not replace the base (it may already hold that change, which
 * its delta would then count a second time: the Home's counts drifted by one when a mapping pass
 * read while an admin removed a connection).
 */
import { MAX_DELTAS_KEPT, MaintainedCounts } from '../../src/db/maintained-counts';
import { openTestDatabase, type TestDatabase } from '../support/store';

describe('MaintainedCounts', () => {
  let store: TestDatabase;
  let counts: MaintainedCounts<'n'>;
  beforeEach(async () => {
    store = await openTestDatabase('maintained-counts');
    counts = new MaintainedCounts(store.db, 'counts', ['n']);
  });
  afterEach(() => store.dispose());

  const at = (ms: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, 0, ms));

  it('adds each change once to the base, whatever number of times it is recorded', async () => {
    expect(await counts.rebase({ n: 10 }, at(0))).toBe('rebased');
    await counts.record([{ key: 'a', n: -1 }], at(5));
    await Promise.all([
      counts.record([{ key: 'a', n: -1 }], at(6)),
      counts.record(
        [
          { key: 'a', n: -1 },
          { key: 'b', n: 2 },
        ],
        at(6),
      ),
    ]);
    expect((await counts.current())?.totals).toEqual({ n: 11 });
  });

  it('keeps the base when a change was recorded while a count read, and takes a quiet count', async () => {
    await counts.rebase({ n: 10 }, at(0));
    // A count starts at 100; meanwhile a change lands (and is in what the count read: 9).
    await counts.record([{ key: 'removed', n: -1 }], at(120));
    expect(await counts.rebase({ n: 9 }, at(100))).toBe('kept');
    expect((await counts.current())?.totals).toEqual({ n: 9 });
    // A count with no change since it began becomes the base, and the older deltas go.
    expect(await counts.rebase({ n: 9 }, at(200))).toBe('rebased');
    expect(await counts.current()).toEqual({ totals: { n: 9 }, countedAt: at(200), deltas: 0 });
    // An older count never replaces a newer base.
    expect(await counts.rebase({ n: 42 }, at(150))).toBe('kept');
  });

  it('takes the first count as the base even with changes meanwhile, and replaces a base with too many deltas', async () => {
    await counts.record([{ key: 'early', n: 1 }], at(50));
    expect(await counts.rebase({ n: 3 }, at(10))).toBe('rebased');
    const deltas = Array.from({ length: MAX_DELTAS_KEPT }, (_, i) => ({ key: `d${i}`, n: 1 }));
    await counts.record(deltas, at(300));
    expect(await counts.rebase({ n: 7 }, at(250))).toBe('rebased');
    expect((await counts.current())?.totals).toEqual({ n: 7 + MAX_DELTAS_KEPT });
  });
});
