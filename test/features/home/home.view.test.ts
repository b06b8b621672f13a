/**
 * The App Home's shape, from the features' real views: what needs attention first, the row of
 * areas, each area's sections only, and the member's short Home. Every Home is checked with
 * the emulator's Block Kit validation and against the 100-block limit.
 */
import { validateView } from '../../../scripts/slack-emulator/block-kit';
import { HOME_AREAS, type HomeArea } from '../../../src/features/home/home-areas';
import { arrangeHome, type HomeLayoutInput } from '../../../src/features/home/home-layout';
import { ATTENTION_SHOWN, HOME_BLOCK_LIMIT, renderHome } from '../../../src/features/home/home.view';
import { HOME_BLOCKS, HOME_IDS } from '../../../src/features/home/ids';
import { adminSections, connection, memberSections, TYPICAL, workspaceState } from './admin-home.fixture';

type Block = Record<string, any>;

function home(input: HomeLayoutInput) {
  const view = renderHome({ workspaceName: 'Acme', pigmentBaseUrl: 'https://acme.pigment.test', ...arrangeHome(input) });
  expect(validateView(view)).toEqual([]);
  expect(view.blocks.length).toBeLessThanOrEqual(HOME_BLOCK_LIMIT);
  return view.blocks as Block[];
}

const ids = (blocks: Block[]) => blocks.map((b) => b.block_id).filter((id): id is string => typeof id === 'string');
const text = (blocks: Block[]) => JSON.stringify(blocks);
const row = (blocks: Block[]) => blocks.find((b) => b.block_id === HOME_BLOCKS.areas);
const attention = (blocks: Block[]) => blocks.filter((b) => typeof b.block_id === 'string' && b.block_id.startsWith('home.attention.'));

describe('the admin Home, area by area', () => {
  it('opens on the Overview: the Slack connection and who is connected, nothing of the other areas', () => {
    const blocks = home({ sections: adminSections() });
    expect(text(blocks)).toContain('*Connected.*');
    expect(ids(blocks)).toContain('mapping.counts');
    expect(text(blocks)).toContain('mapping.review_members');
    for (const other of ['members.summary', 'inventory.summary', 'provisioning.history', 'notifications.settings']) expect(ids(blocks)).not.toContain(other);
    expect(text(blocks)).not.toContain('Provisioning sync');
  });

  it.each([
    ['members', ['members.summary', 'inventory.summary'], ['mapping.counts']],
    ['sync', [], ['mapping.counts', 'members.summary']],
    ['ashby', [], ['mapping.counts', 'inventory.summary']],
  ] as const)('shows only the %s area’s sections', (area, present, absent) => {
    const blocks = home({ sections: adminSections(), remembered: area });
    for (const id of present) expect(ids(blocks)).toContain(id);
    for (const id of absent) expect(ids(blocks)).not.toContain(id);
    if (area === 'sync') {
      expect(text(blocks)).toContain('provisioning.panel.sync_now');
      expect(text(blocks)).toContain('provisioning.report_open:0');
    }
    if (area === 'ashby') {
      expect(text(blocks)).toContain('ashby.connections.add');
      expect(text(blocks)).toContain('ashby.imports.new');
    }
  });

  it('shows the admin’s own settings and recent notifications under My notifications', () => {
    const blocks = home({ sections: adminSections(), remembered: 'notifications' });
    expect(text(blocks)).toContain('notifications.settings');
    expect(ids(blocks)).not.toContain('mapping.counts');
  });

  it('puts one button per area in a row under the attention items, the open one primary', () => {
    const blocks = home({ sections: adminSections(), remembered: 'sync' });
    const areas = row(blocks)!;
    expect(areas.type).toBe('actions');
    expect(areas.elements.map((e: Block) => [e.action_id, e.text.text, e.style])).toEqual([
      ['home.area:overview', 'Overview', undefined],
      ['home.area:members', 'Members', undefined],
      ['home.area:sync', 'Sync', 'primary'],
      ['home.area:ashby', 'Ashby', undefined],
      ['home.area:notifications', 'My notifications', undefined],
    ]);
    // Header, team, what needs attention, then the row.
    const rowAt = blocks.indexOf(areas);
    expect(attention(blocks).every((b) => blocks.indexOf(b) < rowAt)).toBe(true);
    expect(rowAt).toBe(2 + attention(blocks).length);
  });

  it('prefers the area just clicked, then the remembered one, and falls back to the Overview for a stale or foreign value', () => {
    const selected = (input: Omit<HomeLayoutInput, 'sections'>) => arrangeHome({ sections: adminSections(), ...input }).areas?.selected;
    expect(selected({})).toBe('overview');
    expect(selected({ remembered: 'ashby' })).toBe('ashby');
    expect(selected({ remembered: 'ashby', requested: 'members' })).toBe('members');
    expect(selected({ remembered: 'billing' })).toBe('overview');
    expect(selected({ remembered: '__proto__' })).toBe('overview');
    // An area the viewer has nothing in (here: no Ashby permission) is not theirs to open.
    const noAshby = adminSections().map((s) => (s.area === 'ashby' ? { ...s, blocks: [] } : s));
    expect(arrangeHome({ sections: noAshby, remembered: 'ashby' }).areas).toEqual({
      available: ['overview', 'members', 'sync', 'notifications'],
      selected: 'overview',
    });
    expect(arrangeHome({ sections: noAshby, requested: 'ashby' }).areas?.selected).toBe('overview');
  });

  it('opens the first area the viewer has when the Overview is empty for them (a Workspace Admin)', () => {
    const workspaceAdmin = adminSections().map((s) =>
      ['workspace.connection', 'mapping.counts', 'provisioning.panel', 'provisioning.history'].includes(s.name) ? { ...s, blocks: [], attention: [] } : s,
    );
    expect(arrangeHome({ sections: workspaceAdmin }).areas).toEqual({ available: ['members', 'ashby', 'notifications'], selected: 'members' });
  });

  it('never draws two dividers in a row (a section may open with its own)', () => {
    for (const area of HOME_AREAS) {
      const blocks = home({ sections: adminSections(), remembered: area });
      expect(blocks.some((b, i) => b.type === 'divider' && blocks[i + 1]?.type === 'divider')).toBe(false);
    }
  });

  it('keeps every area of the fullest Home within Slack’s limits', () => {
    const broken = Array.from({ length: 5 }, (_, i) => connection(i, { status: 'broken', brokenReason: '<'.repeat(500) }));
    for (const area of HOME_AREAS)
      home({ sections: adminSections({ state: workspaceState('pending'), notConnected: 99_999, connections: broken }), remembered: area });
  });
});

describe('what needs the admin’s attention', () => {
  const items = (data: Parameters<typeof adminSections>[0], remembered?: HomeArea) =>
    attention(home({ sections: adminSections(data), ...(remembered ? { remembered } : {}) }));

  it('is nothing on a quiet day', () => {
    expect(items({ notConnected: 0 })).toEqual([]);
  });

  it('asks to acknowledge a pending connection', () => {
    expect(text(items({ state: workspaceState('pending'), notConnected: 0 }))).toContain('Acknowledge the connection');
  });

  it('says when the app was removed, or the token is another workspace’s', () => {
    expect(text(items({ state: workspaceState('disconnected'), notConnected: 0 }))).toContain('Disconnected');
    const mismatch = { kind: 'mismatch' as const, workspace: workspaceState().workspace, tokenTeam: { id: 'T0OTHER001', name: 'Other' } };
    expect(text(items({ state: mismatch, notConnected: 0 }))).toContain('Connected to another Slack workspace');
  });

  it('counts the members not connected to Slack', () => {
    expect(text(items({ notConnected: 1 }))).toContain('1 member is not connected to Slack');
    expect(text(items({ notConnected: 12_345 }))).toContain('12,345 members are not connected to Slack');
  });

  it('points at a sync waiting for review, with what it would deactivate', () => {
    const found = items({ notConnected: 0, panel: { ...TYPICAL.panel, review: { id: 'run-9', counts: { deactivated: 14 } } } });
    expect(text(found)).toContain('A sync is waiting for your review');
    expect(text(found)).toContain('deactivate 14 members');
  });

  it('names broken Ashby keys, on any page of connections', () => {
    expect(text(items({ notConnected: 0, connections: [connection(1), connection(2, { status: 'broken' })] }))).toContain(
      'An Ashby connection has a key Ashby refused',
    );
    expect(text(items({ notConnected: 0, connections: [connection(1, { status: 'broken' }), connection(2, { status: 'broken' })] }))).toContain(
      '2 Ashby connections have keys',
    );
  });

  it('gives each item a button to its area, except when that area is open', () => {
    const data = {
      state: workspaceState('pending'),
      panel: { ...TYPICAL.panel, review: { id: 'run-9', counts: {} } },
      connections: [connection(1, { status: 'broken' })],
    };
    const onSync = items(data, 'sync');
    expect(onSync.map((b) => b.accessory?.value)).toEqual(['overview', 'overview', undefined, 'ashby']);
    expect(onSync[0]!.accessory).toMatchObject({ action_id: HOME_IDS.attention(0), text: { text: 'Open Overview' } });
    const onOverview = items(data);
    expect(onOverview.map((b) => b.accessory?.value)).toEqual([undefined, undefined, 'sync', 'ashby']);
  });

  it(`shows at most ${ATTENTION_SHOWN} items and says how many more`, () => {
    const many = adminSections().map((s, i) => ({ ...s, attention: [{ area: 'sync' as const, text: `item ${i}` }] }));
    const blocks = home({ sections: many });
    expect(attention(blocks)).toHaveLength(ATTENTION_SHOWN);
    expect(text(blocks)).toContain(`and ${many.length - ATTENTION_SHOWN} more`);
  });
});

describe('the member’s Home', () => {
  it('stays short: their connection, settings and recent notifications, and no row of areas', () => {
    const blocks = home({ sections: memberSections(), remembered: 'sync' });
    expect(row(blocks)).toBeUndefined();
    expect(attention(blocks)).toEqual([]);
    expect(text(blocks)).toContain('notifications.settings');
    expect(text(blocks)).not.toContain('home.area:');
    expect(blocks.length).toBeLessThanOrEqual(20);
    expect(arrangeHome({ sections: memberSections(), requested: 'sync' }).areas).toBeUndefined();
  });
});
