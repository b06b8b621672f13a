import { Registry } from 'prom-client';
import { MAX_TENANT_LABELS, OTHER_TENANTS, rankTenants, TenantCounter, TenantGauge } from '../../src/platform/tenant-metrics';

/** The samples of one metric: labels (as `k=v,…`) → value. */
async function samples(registry: Registry, name: string): Promise<Map<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{ labels: Record<string, string | number>; value: number }>;
  return new Map(
    values.map((v) => [
      Object.entries(v.labels)
        .map(([k, x]) => `${k}=${x}`)
        .sort()
        .join(','),
      v.value,
    ]),
  );
}

const tenant = (i: number) => `t-${String(i).padStart(4, '0')}`;

describe('rankTenants', () => {
  it('keeps the largest figures, ties by id, sums the rest and leaves zeros out', () => {
    expect(
      rankTenants(
        [
          ['b', 2],
          ['a', 2],
          ['c', 5],
          ['d', 0],
          ['e', 1],
        ],
        2,
      ),
    ).toEqual({
      top: [
        ['c', 5],
        ['a', 2],
      ],
      rest: 3,
    });
  });
});

describe('TenantGauge', () => {
  it('shows at most 50 tenants (the largest) and the rest summed under _other, for 500 tenants', async () => {
    const registry = new Registry();
    const gauge = new TenantGauge({ name: 'queue_depth', help: 'h', registry });
    let total = 0;
    for (let i = 1; i <= 500; i += 1) {
      gauge.set(tenant(i), i);
      total += i;
    }
    const shown = await samples(registry, 'queue_depth');
    expect(shown.size).toBe(MAX_TENANT_LABELS + 1);
    // The 50 largest: 451…500.
    for (let i = 451; i <= 500; i += 1) expect(shown.get(`tenant=${tenant(i)}`)).toBe(i);
    expect(shown.has(`tenant=${tenant(450)}`)).toBe(false);
    const named = [...shown].filter(([key]) => key !== `tenant=${OTHER_TENANTS}`).reduce((sum, [, value]) => sum + value, 0);
    expect(shown.get(`tenant=${OTHER_TENANTS}`)).toBe(total - named);
  });

  it('removes a tenant whose figure drops to 0, lets the next largest in, and keeps _other at 0 when empty', async () => {
    const registry = new Registry();
    const gauge = new TenantGauge({ name: 'paused', help: 'h', registry, maxTenants: 2 });
    expect(await samples(registry, 'paused')).toEqual(new Map([['tenant=_other', 0]]));
    gauge.set('a', 1);
    gauge.set('b', 1);
    gauge.set('c', 1);
    expect(await samples(registry, 'paused')).toEqual(
      new Map([
        ['tenant=a', 1],
        ['tenant=b', 1],
        ['tenant=_other', 1],
      ]),
    );
    gauge.set('a', 0);
    gauge.delete('b');
    expect(await samples(registry, 'paused')).toEqual(
      new Map([
        ['tenant=c', 1],
        ['tenant=_other', 0],
      ]),
    );
  });

  it('drops a figure not set again within staleAfterMs', async () => {
    let now = 0;
    const registry = new Registry();
    const gauge = new TenantGauge({ name: 'depth', help: 'h', registry, staleAfterMs: 1_000, now: () => now });
    gauge.set('a', 3);
    now = 500;
    gauge.set('b', 4);
    expect(gauge.updatedAt('b')).toBe(500);
    now = 1_200;
    expect(await samples(registry, 'depth')).toEqual(
      new Map([
        ['tenant=b', 4],
        ['tenant=_other', 0],
      ]),
    );
    expect(gauge.updatedAt('a')).toBeUndefined();
  });
});

describe('TenantCounter', () => {
  it('never has more than 51 series per method for 500 failing tenants, and never shows more than was counted', async () => {
    const registry = new Registry();
    const counter = new TenantCounter({ name: 'limited', help: 'h', registry, labelNames: ['method'], otherLabels: [{ method: 'm1' }, { method: 'm2' }] });
    let total = 0;
    for (let round = 0; round < 3; round += 1) {
      for (let i = 1; i <= 500; i += 1) {
        // Some tenants fail more than others: the ranking moves as they do.
        const times = 1 + ((i * 7 + round) % 5);
        for (let n = 0; n < times; n += 1) counter.inc(tenant(i), { method: n % 2 === 0 ? 'm1' : 'm2' });
        total += times;
        const shown = await samples(registry, 'limited');
        expect(new Set([...shown.keys()].map((key) => key.replace(/method=\w+,?/, ''))).size).toBeLessThanOrEqual(MAX_TENANT_LABELS + 1);
      }
    }
    const shown = await samples(registry, 'limited');
    expect(shown.size).toBeLessThanOrEqual(2 * (MAX_TENANT_LABELS + 1));
    // Evicted tenants take their series with them; what is left is at most the total.
    const sum = [...shown.values()].reduce((a, b) => a + b, 0);
    expect(sum).toBeLessThanOrEqual(total);
    expect(shown.get('method=m1,tenant=_other')).toBeGreaterThan(0);
  });

  it('gives the first tenants their own label, then one with more failures in the window than the weakest labelled tenant', async () => {
    const registry = new Registry();
    const counter = new TenantCounter({ name: 'failed', help: 'h', registry, maxTenants: 2 });
    expect(await samples(registry, 'failed')).toEqual(new Map([['tenant=_other', 0]]));
    counter.inc('a');
    counter.inc('a');
    counter.inc('b');
    counter.inc('c');
    expect(await samples(registry, 'failed')).toEqual(
      new Map([
        ['tenant=a', 2],
        ['tenant=b', 1],
        ['tenant=_other', 1],
      ]),
    );
    // c's second failure puts it ahead of b (1): b gives up its label, c counts from here.
    counter.inc('c');
    expect(await samples(registry, 'failed')).toEqual(
      new Map([
        ['tenant=a', 2],
        ['tenant=c', 1],
        ['tenant=_other', 1],
      ]),
    );
  });

  it('removes a tenant with no failure for a whole window', async () => {
    let now = 0;
    const registry = new Registry();
    const counter = new TenantCounter({ name: 'failed', help: 'h', registry, windowMs: 1_000, now: () => now });
    counter.inc('quiet');
    counter.inc('busy');
    now = 1_500;
    counter.inc('busy');
    // One window later quiet still counts (the previous window is part of the ranking)…
    expect((await samples(registry, 'failed')).get('tenant=quiet')).toBe(1);
    now = 2_100;
    // …one more, with nothing from it, and it is gone; busy (a failure in the last window) stays.
    expect(await samples(registry, 'failed')).toEqual(
      new Map([
        ['tenant=busy', 2],
        ['tenant=_other', 0],
      ]),
    );
  });
});
