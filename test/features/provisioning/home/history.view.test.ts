import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import { countsText, HISTORY_RUNS_SHOWN, renderHistory } from '../../../../src/features/provisioning/home/history.view';
import type { SyncRun } from '../../../../src/features/provisioning/sync-run.repository';

const run = (id: string, fields: Partial<SyncRun> = {}): SyncRun => ({
  id,
  kind: 'sync',
  trigger: 'manual',
  status: 'completed',
  startedAt: new Date('2026-03-04T09:30:00Z'),
  finishedAt: new Date('2026-03-04T09:31:00Z'),
  counts: { created: 2, added_to_team: 1_234 },
  usersRead: 10,
  ...fields,
});

type Section = { type: string; block_id?: string; text?: { text: string }; accessory?: { action_id: string; value: string } };

describe('renderHistory', () => {
  it('lists runs newest first with kind, trigger, status, Slack dates, counts and an Open report button', () => {
    const blocks = renderHistory({
      runs: [run('r2', { kind: 'preview' }), run('r1', { trigger: 'schedule', status: 'completed_with_errors', counts: { updated: 1, failed: 1 } })],
    }) as Section[];
    expect(validateView({ type: 'home', blocks })).toEqual([]);
    expect(blocks).toHaveLength(3);
    expect(blocks[1]!.text!.text).toContain('*Preview*');
    expect(blocks[2]!.text!.text).toContain('*Sync · scheduled* · :warning: Completed with errors');
    expect(blocks[2]!.text!.text).toContain(`<!date^${Date.parse('2026-03-04T09:30:00Z') / 1000}^{date_short_pretty} at {time}|2026-03-04 09:30 UTC>`);
    expect(blocks[2]!.text!.text).toContain('finished <!date^');
    expect(blocks[2]!.text!.text).toContain('1 updated · 1 failed');
    expect(blocks.slice(1).map((b) => b.accessory)).toEqual([
      { type: 'button', action_id: 'provisioning.report_open:0', text: expect.objectContaining({ text: 'Open report' }), value: 'r2' },
      { type: 'button', action_id: 'provisioning.report_open:1', text: expect.objectContaining({ text: 'Open report' }), value: 'r1' },
    ]);
  });

  it('offers no report for a running run and says why', () => {
    const blocks = renderHistory({ runs: [run('r1', { status: 'running', finishedAt: undefined, usersRead: 2_500 })] }) as Section[];
    expect(validateView({ type: 'home', blocks })).toEqual([]);
    expect(blocks[1]!.accessory).toBeUndefined();
    expect(blocks[1]!.text!.text).toContain('2,500 Slack users read so far');
    expect(blocks[1]!.text!.text).toContain('can be opened and exported once this run finishes');
  });

  it('shows at most 10 runs, one block each', () => {
    const runs = Array.from({ length: 25 }, (_, i) => run(`r${i}`));
    const blocks = renderHistory({ runs });
    expect(HISTORY_RUNS_SHOWN).toBe(10);
    expect(blocks).toHaveLength(11);
    expect(validateView({ type: 'home', blocks })).toEqual([]);
  });

  it('has an empty state', () => {
    const blocks = renderHistory({ runs: [] }) as Section[];
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.text!.text).toContain('No sync has run yet');
  });

  it('escapes and cuts a failed run’s error', () => {
    const blocks = renderHistory({ runs: [run('r1', { status: 'failed', counts: {}, error: `<!channel> & ${'x'.repeat(5_000)}` })] }) as Section[];
    expect(validateView({ type: 'home', blocks })).toEqual([]);
    expect(blocks[1]!.text!.text).toContain('&lt;!channel&gt; &amp; xxx');
    expect(blocks[1]!.text!.text).not.toContain('<!channel>');
    expect(blocks[1]!.text!.text.length).toBeLessThan(1_000);
  });

  it('shows future dates as now (clock skew)', () => {
    const now = new Date('2026-03-04T09:00:00Z');
    const blocks = renderHistory({ runs: [run('r1')], now }) as Section[];
    expect(blocks[1]!.text!.text).toContain(`<!date^${now.getTime() / 1000}^`);
  });

  it('counts in the order of the action kinds, or no changes', () => {
    expect(countsText({ failed: 2, created: 1, removed_from_team: 3 })).toBe('1 created · 3 removed from team · 2 failed');
    expect(countsText({})).toBe('no changes');
  });
});
