import { chooseStrategy, fullPassCost, lookupsCost } from '../../../src/features/mapping/mapping-strategy';

describe('chooseStrategy', () => {
  it('runs a full pass when no Slack user count is known yet (the first pass)', () => {
    expect(chooseStrategy({ slackUserCount: undefined, unmappedCount: 1 })).toMatchObject({ kind: 'full', reason: 'no_known_user_count' });
    expect(chooseStrategy({ slackUserCount: undefined, unmappedCount: 0 })).toMatchObject({ kind: 'full' });
  });

  it('counts calls against the tiers: users.list 200 a call at 20/min, lookups 1 a call at 50/min', () => {
    expect(fullPassCost(100_000)).toEqual({ calls: 500, minutes: 25 });
    expect(fullPassCost(100_001)).toEqual({ calls: 501, minutes: 25.05 });
    expect(fullPassCost(0)).toEqual({ calls: 1, minutes: 0.05 });
    expect(lookupsCost(50)).toEqual({ calls: 50, minutes: 1 });
  });

  it('picks the cheaper at the boundary (10,000 users: full = 50 calls = 2.5 min = 125 lookups)', () => {
    expect(chooseStrategy({ slackUserCount: 10_000, unmappedCount: 124 })).toMatchObject({ kind: 'lookups', reason: 'cheaper' });
    // Equal cost: the full pass, which also refreshes the active flags and the user count.
    expect(chooseStrategy({ slackUserCount: 10_000, unmappedCount: 125 })).toMatchObject({ kind: 'full', reason: 'tie' });
    expect(chooseStrategy({ slackUserCount: 10_000, unmappedCount: 126 })).toMatchObject({ kind: 'full', reason: 'cheaper' });
  });

  it('rounds pages up: 10,001 users cost 51 calls, so 127 lookups are still cheaper', () => {
    expect(chooseStrategy({ slackUserCount: 10_001, unmappedCount: 127 })).toMatchObject({ kind: 'lookups' });
    expect(chooseStrategy({ slackUserCount: 10_001, unmappedCount: 128 })).toMatchObject({ kind: 'full' });
  });

  it('uses lookups for the benchmark case (50 new members among 100,000 users) and the full pass for a large import', () => {
    expect(chooseStrategy({ slackUserCount: 100_000, unmappedCount: 50 })).toMatchObject({
      kind: 'lookups',
      lookups: { calls: 50, minutes: 1 },
      full: { calls: 500, minutes: 25 },
    });
    expect(chooseStrategy({ slackUserCount: 100_000, unmappedCount: 5_000 })).toMatchObject({ kind: 'full' });
  });

  it('looks nobody up when nobody is unmapped, and a tiny workspace still compares one call', () => {
    expect(chooseStrategy({ slackUserCount: 100_000, unmappedCount: 0 })).toMatchObject({ kind: 'lookups', lookups: { calls: 0 } });
    // 3 users: one users.list call (0.05 min) vs 3 lookups (0.06 min).
    expect(chooseStrategy({ slackUserCount: 3, unmappedCount: 3 })).toMatchObject({ kind: 'full' });
    expect(chooseStrategy({ slackUserCount: 3, unmappedCount: 2 })).toMatchObject({ kind: 'lookups' });
  });
});
