/**
 * The Ashby connection views as pure data: the Home section (empty state, rows, broken state,
 * paging), the modals (no key ever shown, only its last four characters), submissions read
 * back, and Slack's limits with the longest inputs.
 */
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import {
  applicationOption,
  blockErrors,
  decodeConnectionMetadata,
  encodeConnectionMetadata,
  readApiKey,
  readSettings,
  renderCreateModal,
  renderEditModal,
  renderConnectionNotice,
  renderRemoveModal,
  renderReplaceKeyModal,
} from '../../../../src/features/ashby/connections/connection-modals.view';
import {
  CONNECTIONS_PAGE_SIZE,
  renderConnectionsSection,
  rowActionId,
  rowActionPattern,
} from '../../../../src/features/ashby/connections/connections-section.view';
import type { AshbyConnection } from '../../../../src/features/ashby/connections/connection.types';
import { lastFourOf } from '../../../../src/features/ashby/connections/connection.types';
import { ASHBY_CONNECTION_IDS as IDS } from '../../../../src/features/ashby/connections/ids';

type Block = Record<string, any>;

const KEY = 'ashby-secret-key-0123456789WXYZ';
const LONG = 'Ω'.repeat(400);

function connection(overrides: Partial<AshbyConnection> = {}): AshbyConnection {
  const at = new Date('2026-05-01T10:00:00Z');
  return {
    id: 'ac-1',
    name: 'Ashby connection',
    applicationIds: ['app-hc'],
    keyLast4: lastFourOf(KEY),
    status: 'ok',
    createdBy: 'm-wanda',
    createdAt: at,
    updatedBy: 'm-wanda',
    updatedAt: at,
    ...overrides,
  };
}

const text = (value: unknown) => JSON.stringify(value);
const home = (blocks: unknown[]) => validateView({ type: 'home', blocks });
const actionIds = (blocks: Block[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: Block) => e.action_id as string));
const NAMES = new Map([['app-hc', 'Headcount & <Hiring>']]);

describe('the Ashby connections Home section', () => {
  it('has an empty state with Add connection', () => {
    const blocks = renderConnectionsSection({ connections: [], applicationNames: new Map(), page: 0, total: 0 }) as Block[];
    expect(home(blocks)).toEqual([]);
    expect(text(blocks)).toContain('No Ashby connection yet');
    expect(actionIds(blocks)).toEqual([IDS.add]);
  });

  it('lists a connection with its applications (escaped), the last four of its key and its buttons', () => {
    const blocks = renderConnectionsSection({ connections: [connection()], applicationNames: NAMES, page: 0, total: 1 }) as Block[];
    expect(home(blocks)).toEqual([]);
    expect(text(blocks)).toContain('Headcount &amp; &lt;Hiring&gt;');
    expect(text(blocks)).toContain('ends in `WXYZ`');
    expect(text(blocks)).toContain('Working');
    expect(text(blocks)).not.toContain(KEY);
    expect(actionIds(blocks)).toEqual([rowActionId(IDS.edit, 0), rowActionId(IDS.replaceKey, 0), rowActionId(IDS.remove, 0), IDS.add]);
    const row = blocks.find((b) => b.type === 'actions')!;
    expect(row.elements.map((e: Block) => e.value)).toEqual(['ac-1', 'ac-1', 'ac-1']);
    expect(rowActionPattern(IDS.edit).test(rowActionId(IDS.edit, 3))).toBe(true);
    expect(rowActionPattern(IDS.edit).test(IDS.editView)).toBe(false);
  });

  it('shows a broken connection with its reason and an empty access list as such', () => {
    const blocks = renderConnectionsSection({
      connections: [
        connection({
          status: 'broken',
          brokenReason: 'Ashby answered 403 api_key_deactivated',
          brokenAt: new Date('2026-05-02T00:00:00Z'),
          applicationIds: [],
        }),
      ],
      applicationNames: new Map(),
      page: 0,
      total: 1,
    }) as Block[];
    expect(home(blocks)).toEqual([]);
    expect(text(blocks)).toContain('*Broken* since 2026-05-02: Ashby answered 403 api_key_deactivated');
    expect(text(blocks)).toContain('None yet');
    expect(text(blocks)).not.toContain('Working');
  });

  it('pages, and stays within Slack limits with the longest names and access lists', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `app-${i}`);
    const names = new Map(ids.map((id) => [id, `${LONG}${id}`]));
    const connections = Array.from({ length: CONNECTIONS_PAGE_SIZE }, (_, i) =>
      connection({ id: `ac-${i}`, name: LONG, applicationIds: ids, status: 'broken', brokenReason: LONG.repeat(2), brokenAt: new Date() }),
    );
    const middle = renderConnectionsSection({
      connections,
      applicationNames: names,
      page: 1,
      total: 3 * CONNECTIONS_PAGE_SIZE,
      notice: LONG.repeat(10),
    }) as Block[];
    expect(home(middle)).toEqual([]);
    expect(actionIds(middle)).toEqual(expect.arrayContaining([IDS.previous, IDS.next]));
    expect(text(middle)).toContain('and 90 more');
    expect(text(middle)).toContain('Page 2 of 3');
    const first = renderConnectionsSection({ connections, applicationNames: names, page: 0, total: 2 * CONNECTIONS_PAGE_SIZE }) as Block[];
    expect(actionIds(first)).not.toContain(IDS.previous);
    expect(actionIds(first)).toContain(IDS.next);
    const last = renderConnectionsSection({ connections, applicationNames: names, page: 1, total: 2 * CONNECTIONS_PAGE_SIZE }) as Block[];
    expect(actionIds(last)).not.toContain(IDS.next);
  });
});

describe('the Ashby connection modals', () => {
  it('add: name defaults to "Ashby connection", an access list picker and an empty key input', () => {
    const view = renderCreateModal();
    expect(validateView(view)).toEqual([]);
    const blocks = view.blocks as Block[];
    expect(blocks.find((b) => b.block_id === IDS.name)!.element.initial_value).toBe('Ashby connection');
    expect(blocks.find((b) => b.block_id === IDS.applications)!.element.type).toBe('multi_external_select');
    const key = blocks.find((b) => b.block_id === IDS.apiKey)!.element;
    expect(key.type).toBe('plain_text_input');
    expect(key.initial_value).toBeUndefined();
  });

  it('add again after a slow check failed: keeps name and access list, shows the problem, never the key', () => {
    const view = renderCreateModal({ name: LONG, selected: [{ id: 'app-hc', name: LONG }], problem: `Ashby refused this API key <${LONG}>` });
    expect(validateView(view)).toEqual([]);
    expect(text(view)).toContain('Ashby refused this API key &lt;');
    expect((view.blocks as Block[]).find((b) => b.block_id === IDS.applications)!.element.initial_options).toEqual([
      applicationOption({ id: 'app-hc', name: LONG }),
    ]);
  });

  it('edit: name and access list, the key only by its last four characters', () => {
    const view = renderEditModal({ connection: connection({ name: LONG }), selected: Array.from({ length: 100 }, (_, i) => ({ id: `app-${i}`, name: LONG })) });
    expect(validateView(view)).toEqual([]);
    expect(decodeConnectionMetadata(view.private_metadata)).toEqual({ connectionId: 'ac-1' });
    expect(text(view)).toContain('WXYZ');
    expect(text(view)).not.toContain(IDS.apiKey);
  });

  it('replace key and remove (a confirmation naming what stops)', () => {
    const replace = renderReplaceKeyModal({ connection: connection({ status: 'broken', brokenReason: LONG }), problem: LONG });
    expect(validateView(replace)).toEqual([]);
    expect((replace.blocks as Block[]).find((b) => b.block_id === IDS.apiKey)!.element.initial_value).toBeUndefined();
    const remove = renderRemoveModal({ connection: connection({ name: LONG }), applicationNames: NAMES });
    expect(validateView(remove)).toEqual([]);
    expect(remove.submit?.text).toBe('Remove');
    expect(text(remove)).toContain('Imports of these applications stop');
    expect(text(renderRemoveModal({ connection: connection({ applicationIds: [] }), applicationNames: NAMES }))).toContain('No application uses it');
    expect(validateView(renderConnectionNotice(LONG.repeat(10)))).toEqual([]);
  });

  it('reads submissions, and maps field errors to their blocks', () => {
    const values = {
      [IDS.name]: { [IDS.name]: { type: 'plain_text_input', value: 'Main' } },
      [IDS.applications]: {
        [IDS.applications]: { type: 'multi_external_select', selected_options: [{ text: { type: 'plain_text', text: 'A' }, value: 'app-a' }] },
      },
      [IDS.apiKey]: { [IDS.apiKey]: { type: 'plain_text_input', value: KEY } },
    };
    expect(readSettings(values)).toEqual({ name: 'Main', applicationIds: ['app-a'] });
    expect(readApiKey(values)).toBe(KEY);
    expect(readSettings(undefined)).toEqual({ name: '', applicationIds: [] });
    expect(readApiKey({ [IDS.apiKey]: { [IDS.apiKey]: { value: null } } })).toBe('');
    expect(blockErrors({ apiKey: 'bad', name: 'empty' })).toEqual({ [IDS.apiKey]: 'bad', [IDS.name]: 'empty' });
  });

  it('metadata round-trips and anything else reads as nothing', () => {
    expect(decodeConnectionMetadata(encodeConnectionMetadata({ connectionId: 'ac-9' }))).toEqual({ connectionId: 'ac-9' });
    for (const bad of [undefined, '', 'not json', '{}', '{"connectionId":""}', '[1]']) expect(decodeConnectionMetadata(bad)).toBeUndefined();
  });
});
