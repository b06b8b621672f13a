import { validateView } from '../../../scripts/slack-emulator/block-kit';
import { formatCount, renderMappingCounts } from '../../../src/features/mapping/mapping-home.view';

describe('renderMappingCounts', () => {
  it('shows connected, not connected and inactive counts and a Review members button', () => {
    const blocks = renderMappingCounts({ counts: { connected: 12_345, notConnected: 7, inactive: 2 } });
    expect(validateView({ type: 'home', blocks })).toEqual([]);
    const text = JSON.stringify(blocks);
    expect(text).toContain('*Connected*\\n12,345');
    expect(text).toContain('*Not connected*\\n7');
    expect(text).toContain('*Inactive*\\n2');
    expect(text).toContain('deactivated');
    const actions = blocks.find((b) => b.type === 'actions') as { elements: Array<{ action_id: string; style?: string }> };
    expect(actions.elements).toEqual([expect.objectContaining({ action_id: 'mapping.review_members', style: 'primary' })]);
  });

  it('drops the inactive note and the primary style when there is nothing to do', () => {
    const blocks = renderMappingCounts({ counts: { connected: 3, notConnected: 0, inactive: 0 } });
    expect(validateView({ type: 'home', blocks })).toEqual([]);
    expect(JSON.stringify(blocks)).not.toContain('deactivated');
    const actions = blocks.find((b) => b.type === 'actions') as { elements: Array<{ style?: string }> };
    expect(actions.elements[0]!.style).toBeUndefined();
  });

  it('says when the counts are the last ones finished, and when none is finished yet', () => {
    const asOf = new Date('2026-03-04T09:30:00Z');
    const stale = renderMappingCounts({ counts: { connected: 1, notConnected: 2, inactive: 0 }, asOf });
    expect(validateView({ type: 'home', blocks: stale })).toEqual([]);
    expect(JSON.stringify(stale)).toContain(`<!date^${asOf.getTime() / 1000}^{time}|09:30 UTC>`);
    const counting = renderMappingCounts({ counts: undefined });
    expect(validateView({ type: 'home', blocks: counting })).toEqual([]);
    expect(JSON.stringify(counting)).toContain('Counting members');
    expect(JSON.stringify(counting)).not.toContain('Not connected');
    expect(JSON.stringify(counting)).toContain('mapping.review_members');
  });

  it('formats counts with thousands separators and never negative', () => {
    expect(formatCount(1_000_000)).toBe('1,000,000');
    expect(formatCount(-3)).toBe('0');
  });
});
