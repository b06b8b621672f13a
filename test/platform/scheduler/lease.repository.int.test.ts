import { LeaseRepository } from '../../../src/platform/scheduler/lease.repository';
import { openTestDatabase, type TestDatabase } from '../../support/store';

describe('LeaseRepository (embedded store)', () => {
  let t: TestDatabase;
  let leases: LeaseRepository;
  const t0 = new Date('2026-11-21T10:00:00Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);

  beforeAll(async () => {
    t = await openTestDatabase('leases');
    leases = new LeaseRepository(t.db);
  });
  afterAll(() => t.dispose());

  it('gives a free lease to the first holder and refuses others until it expires', async () => {
    expect(await leases.acquire('job.a', 'p1', 60_000, t0)).toBe(true);
    expect(await leases.acquire('job.a', 'p2', 60_000, later(1_000))).toBe(false);
    expect(await leases.holderOf('job.a', later(1_000))).toBe('p1');
    // p1 renews; p2 still waits.
    expect(await leases.acquire('job.a', 'p1', 60_000, later(30_000))).toBe(true);
    expect(await leases.acquire('job.a', 'p2', 60_000, later(61_000))).toBe(false);
    // After the renewed expiry, a dead p1 no longer blocks anyone.
    expect(await leases.acquire('job.a', 'p2', 60_000, later(90_001))).toBe(true);
    expect(await leases.holderOf('job.a', later(90_001))).toBe('p2');
  });

  it('lets exactly one of many concurrent claimants win', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => leases.acquire('job.b', `p${i}`, 60_000, t0)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('gives an expired lease to exactly one of many concurrent claimants', async () => {
    for (let round = 0; round < 10; round += 1) {
      const name = `job.expired.${round}`;
      expect(await leases.acquire(name, 'old', 1_000, t0)).toBe(true);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => leases.acquire(name, `p${i}`, 60_000, later(5_000))));
      expect({ round, winners: results.filter(Boolean).length }).toEqual({ round, winners: 1 });
    }
  });

  it('is not blocked for ever by a winner that died between its claim and its lease write', async () => {
    expect(await leases.acquire('job.crash', 'old', 1_000, t0)).toBe(true);
    // A process claimed generation 2 and died before writing the lease.
    await t.db.collection('lease_claims').insertOne({ _id: 'job.crash#2' as never, holder: 'dead', at: later(2_000), ttlMs: 1_000 });
    // While that claim could still be alive, nobody else takes over.
    expect(await leases.acquire('job.crash', 'p1', 60_000, later(2_500))).toBe(false);
    // Once it would have expired, the next generation is taken.
    expect(await leases.acquire('job.crash', 'p1', 60_000, later(3_500))).toBe(true);
    expect(await leases.holderOf('job.crash', later(3_500))).toBe('p1');
  });

  it('releases only for the holder', async () => {
    await leases.acquire('job.c', 'p1', 60_000, t0);
    await leases.release('job.c', 'p2');
    expect(await leases.holderOf('job.c', t0)).toBe('p1');
    await leases.release('job.c', 'p1');
    expect(await leases.holderOf('job.c', t0)).toBeUndefined();
    expect(await leases.acquire('job.c', 'p2', 60_000, t0)).toBe(true);
  });
});
