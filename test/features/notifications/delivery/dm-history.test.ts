/**
 * DmHistory on its own: a fake DM (pages of notification ids, newest first) and reads kept in
 * memory as the store keeps them. Each case is a way a shared read could wrongly say "absent".
 */
import { WebAPIPlatformError } from '@slack/web-api/dist/errors';
import { DmHistory, type HistoryRead, type HistoryReads } from '../../../../src/features/notifications/delivery/dm-history';
import type { HistoryPage } from '../../../../src/features/notifications/delivery/slack-dm';

function setUp(pages: string[][]) {
  const kept = new Map<string, HistoryRead>();
  const reads: HistoryReads = { load: async (c) => kept.get(c), save: async (c, r) => void kept.set(c, { ...r, found: new Map(r.found) }) };
  const calls: Array<string | undefined> = [];
  let refuseCursor = false;
  let now = 1_000_000;
  const dm = {
    historyPage: async (_channel: string, _oldest: string, cursor: string | undefined): Promise<HistoryPage> => {
      calls.push(cursor);
      if (cursor !== undefined && refuseCursor) {
        refuseCursor = false;
        throw Object.assign(new Error('invalid_cursor'), { code: 'slack_webapi_platform_error', data: { ok: false, error: 'invalid_cursor' } });
      }
      const index = cursor === undefined ? 0 : Number(cursor);
      const page = pages[index] ?? [];
      return {
        messages: page.map((id, i) => ({ ts: `${index}.${i}`, notificationId: id })),
        ...(index + 1 < pages.length ? { nextCursor: String(index + 1) } : {}),
      };
    },
  };
  const history = new DmHistory(dm, reads, () => now);
  return { history, calls, kept, refuseCursor: () => void (refuseCursor = true), advance: (ms: number) => void (now += ms) };
}
const n = (id: string) => ({ id, createdAt: new Date(900_000) });

describe('DmHistory', () => {
  it('answers a later notification of the DM from one read, without another call', async () => {
    const s = setUp([['n3', 'n2'], ['n1']]);
    expect(await s.history.find('D1', n('n1'), new Date(999_000))).toEqual({ channel: 'D1', ts: '1.0' });
    expect(await s.history.find('D1', n('n2'), new Date(999_000))).toEqual({ channel: 'D1', ts: '0.1' });
    expect(await s.history.find('D1', n('n9'), new Date(999_000))).toBeUndefined();
    expect(s.calls).toEqual([undefined, '1']);
  });

  it('never says absent from a read begun before the uncertain attempt ended: it reads afresh', async () => {
    const s = setUp([['n3'], ['n1']]);
    await s.history.find('D1', n('n1'), new Date(999_000));
    s.advance(10_000);
    expect(await s.history.find('D1', n('n7'), new Date(1_005_000))).toBeUndefined();
    expect(s.calls).toEqual([undefined, '1', undefined, '1']);
  });

  it('carries an interrupted read on from its cursor, and starts again when Slack no longer takes the cursor', async () => {
    const s = setUp([['x'], ['y'], ['n1']]);
    let limited = true;
    const dm = s.history as unknown as { dm: { historyPage: (...a: never[]) => Promise<HistoryPage> } };
    const real = dm.dm.historyPage;
    dm.dm.historyPage = async (...args: never[]) => {
      if ((args[2] as unknown) === '1' && limited) {
        limited = false;
        throw new WebAPIPlatformError({ ok: false, error: 'ratelimited' } as never);
      }
      return real(...args);
    };
    await expect(s.history.find('D1', n('n1'), new Date(999_000))).rejects.toThrow();
    expect(s.kept.get('D1')).toMatchObject({ cursor: '1', complete: false });
    expect(await s.history.find('D1', n('n1'), new Date(999_000))).toEqual({ channel: 'D1', ts: '2.0' });
    // The rate-limited call is not recorded (refused before the fake DM); the read went on from page 2.
    expect(s.calls).toEqual([undefined, '1', '2']);

    const t = setUp([['x'], ['n1']]);
    t.kept.set('D1', { oldest: 840, startedAt: 999_500, found: new Map(), messagesRead: 1, cursor: '1', complete: false });
    t.refuseCursor();
    expect(await t.history.find('D1', n('n1'), new Date(999_000))).toEqual({ channel: 'D1', ts: '1.0' });
    expect(t.calls).toEqual(['1', undefined, '1']);
  });
});
