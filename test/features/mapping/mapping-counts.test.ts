/**
 * The Home's counts: the maintained ones when a base exists; else one count, within the time
 * budget or in the background, stored as the base. The store is replaced by slow in-memory
 * streams and an in-memory counts store (the service only reads streams).
 */
import { MappingService, type MappingServiceDeps } from '../../../src/features/mapping/mapping.service';
import type { Mapping } from '../../../src/features/mapping/mapping.types';
import type { CountTotals } from '../../../src/features/mapping/mapping-counts.repository';
import { createLogger } from '../../../src/platform/logger';
import { useSingleTenantScopeInTests } from '../../../src/tenancy/tenant-scope';

function deps(data: { members: string[]; deactivated?: string[]; mappings: Array<Pick<Mapping, 'memberId' | 'active'>> }, gate: { wait: Promise<void> }) {
  const at = new Date('2026-01-01T00:00:00Z');
  let base: { totals: CountTotals; countedAt: Date; deltas: number } | undefined;
  return {
    members: {
      async *streamActiveEmails() {
        await gate.wait;
        for (const id of data.members) yield { id, emailKey: `${id}@x.test` };
      },
    },
    mappings: {
      homeCounts: {
        current: async () => base,
        rebase: async (totals: CountTotals, countedAt: Date) => {
          base = { totals, countedAt, deltas: 0 };
        },
      },
      async *streamAll() {
        for (const m of data.mappings)
          yield { ...m, slackUserId: `U${m.memberId}`, source: 'auto', slackEmail: `${m.memberId}@x.test`, createdAt: at, updatedAt: at } as Mapping;
      },
    },
    directory: {},
    workspace: { isLive: () => true },
    clock: { now: () => new Date('2026-03-04T09:30:00Z') },
    logger: createLogger({ level: 'silent' }).logger,
  } as unknown as MappingServiceDeps;
}

describe('MappingService counts', () => {
  // The counts are kept per tenant: these run as one.
  beforeAll(() => useSingleTenantScopeInTests({ tenantId: 'acme', baseUrl: 'https://acme.pigment.test' }));
  afterAll(() => useSingleTenantScopeInTests(undefined));

  it('counts members that are not deactivated: connected, inactive, not connected', async () => {
    const service = new MappingService(
      deps(
        {
          members: ['a', 'b', 'c', 'd'],
          // 'z' is a deactivated member (not streamed): its mapping is not counted.
          mappings: [
            { memberId: 'a', active: true },
            { memberId: 'b', active: false },
            { memberId: 'z', active: true },
          ],
        },
        { wait: Promise.resolve() },
      ),
    );
    expect(await service.counts()).toEqual({ connected: 1, inactive: 1, notConnected: 2 });
    expect(await service.countsForHome(1_000)).toEqual({ counts: { connected: 1, inactive: 1, notConnected: 2 } });
  });

  it('counts once, in the background when it takes longer than the budget, then reads the maintained counts', async () => {
    let open!: () => void;
    const gate = { wait: new Promise<void>((resolve) => (open = resolve)) };
    const data = { members: ['a', 'b'], mappings: [{ memberId: 'a', active: true }] };
    const service = new MappingService(deps(data, gate));
    // The count never finishes while the gate is shut: an answer at all proves the budget cut it off.
    expect(await service.countsForHome(50)).toBeUndefined();
    open();
    await new Promise((r) => setTimeout(r, 10));
    expect(await service.countsForHome(1_000)).toEqual({ counts: { connected: 1, inactive: 0, notConnected: 1 } });
    // Stored as the base: later renders read it, and do not count the directory again.
    data.mappings.push({ memberId: 'b', active: true });
    gate.wait = new Promise(() => undefined);
    expect(await service.countsForHome(1_000)).toEqual({ counts: { connected: 1, inactive: 0, notConnected: 1 } });
  });

  it('has nothing to show before the first count finished', async () => {
    const service = new MappingService(deps({ members: ['a'], mappings: [] }, { wait: new Promise(() => undefined) }));
    expect(await service.countsForHome(20)).toBeUndefined();
  });
});
