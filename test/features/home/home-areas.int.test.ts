/**
 * The App Home's areas end to end: the real connector and its registered sections, driven
 * through the Slack emulator. An admin sees what needs attention and the row of areas; a
 * press republishes the Home on that area, remembered (per person, per workspace) when the
 * tab is opened again; a member's Home stays short and their presses remember nothing.
 */
import { validateView } from '../../../scripts/slack-emulator/block-kit';
import type { SlackView } from '../../../scripts/slack-emulator/state';
import { HOME_AREA_INDEXES, type HomeArea } from '../../../src/features/home';
import { HOME_BLOCK_LIMIT } from '../../../src/features/home/home.view';
import { HOME_BLOCKS } from '../../../src/features/home/ids';
import { emailKey, type AccountType } from '../../../src/features/members/member.types';
import { eventually, startTestConnector, type TestConnector } from '../../support/connector';
import { openHomeArea } from '../../support/home-areas';
import { connectorView, storeRepos } from '../../support/store-repos';

const TEAM = { id: 'T0AREAS001', name: 'Acme Areas', domain: 'acme-areas' };
const ADMIN = 'U0ADMIN001';
const STANDARD = 'U0STD00001';
const USERS = [
  { id: ADMIN, name: 'admin', profile: { email: 'admin@acme.test' } },
  { id: STANDARD, name: 'std', profile: { email: 'std@acme.test' } },
];

type Block = Record<string, any>;

describe('the App Home’s areas', () => {
  let t: TestConnector;

  beforeAll(async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, label: 'homeareas' });
    const save = (id: string, email: string, accountType: AccountType) =>
      storeRepos(t.connector.store.db).members.save(
        { id, name: id, email, emailKey: emailKey(email), accountType, status: 'activated', groups: [], source: 'api' },
        new Date(),
      );
    await save('m-admin', 'admin@acme.test', 'security_admin');
    await save('m-std', 'std@acme.test', 'standard_member');
  });
  afterAll(() => t.stop());

  const blocksOf = (user: string) => (t.emulator.homeViewOf(user)?.blocks ?? []) as Block[];
  const rowOf = (user: string) => blocksOf(user).find((b) => b.block_id === HOME_BLOCKS.areas);
  const selectedOf = (user: string): string | undefined => rowOf(user)?.elements.find((e: Block) => e.style === 'primary')?.value;
  const textOf = (user: string) => JSON.stringify(blocksOf(user));
  /** Every stored choice, as the store has it (tenant field included). */
  const stored = () => t.connector.store.db.collection(HOME_AREA_INDEXES.collection).find({}).sort({ _id: 1 }).toArray();

  async function openTab(user: string): Promise<SlackView> {
    const before = t.emulator.callsOf('views.publish').length;
    await t.emulator.socket.sendEvent({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME0001', event_ts: '1' });
    await eventually(() => (t.emulator.callsOf('views.publish').length > before ? true : undefined), 8_000, 'the Home');
    return t.emulator.homeViewOf(user)!;
  }

  function expectValid(view: SlackView | undefined): void {
    expect(validateView(view)).toEqual([]);
    expect(view!.blocks.length).toBeLessThanOrEqual(HOME_BLOCK_LIMIT);
  }

  it('leads an admin’s Home with the pending acknowledgement, then the areas, on the Overview', async () => {
    expectValid(await openTab(ADMIN));
    const blocks = blocksOf(ADMIN);
    expect(blocks[2]).toMatchObject({ block_id: 'home.attention.0', text: { text: expect.stringContaining('Acknowledge the connection') } });
    // A Security Admin may not manage Ashby (Workspace Admins and Primary Owners may): no Ashby area.
    expect(rowOf(ADMIN)!.elements.map((e: Block) => e.value)).toEqual(['overview', 'members', 'sync', 'notifications']);
    expect(selectedOf(ADMIN)).toBe('overview');
    // The Overview: the connection (with its Acknowledge button) and the Slack connections counts.
    expect(textOf(ADMIN)).toContain('workspace.acknowledge');
    expect(textOf(ADMIN)).toContain('mapping.review_members');
    expect(textOf(ADMIN)).not.toContain('Provisioning sync');
    expect(await stored()).toEqual([]);
  });

  it('republishes the Home on the area pressed, and remembers it when the tab is opened again', async () => {
    await openHomeArea(t, ADMIN, 'sync');
    expectValid(t.emulator.homeViewOf(ADMIN));
    expect(selectedOf(ADMIN)).toBe('sync');
    expect(textOf(ADMIN)).toContain('Provisioning sync');
    expect(textOf(ADMIN)).not.toContain('mapping.review_members');
    // What needs attention stays on top, with a way back to the area that deals with it.
    expect(blocksOf(ADMIN)[2]).toMatchObject({ accessory: { action_id: 'home.attention:0', value: 'overview' } });
    expect(await stored()).toEqual([expect.objectContaining({ area: 'sync', tenantId: expect.any(String) })]);

    await openTab(ADMIN);
    expect(selectedOf(ADMIN)).toBe('sync');
    expect(textOf(ADMIN)).toContain('Provisioning sync');
  });

  it('writes nothing when the area pressed is the one remembered', async () => {
    const before = await stored();
    await openHomeArea(t, ADMIN, 'sync');
    expect(await stored()).toEqual(before);
  });

  it('opens the area of an attention item from its button', async () => {
    const item = blocksOf(ADMIN)[2]!;
    const published = t.emulator.callsOf('views.publish').length;
    await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(ADMIN, {
        type: 'block_actions',
        actions: [{ type: 'button', action_id: item.accessory.action_id, block_id: item.block_id, value: item.accessory.value, action_ts: '1' }],
      }),
    );
    await eventually(() => (t.emulator.callsOf('views.publish').length > published ? true : undefined), 8_000, 'the Home on the Overview');
    expect(selectedOf(ADMIN)).toBe('overview');
    expect(blocksOf(ADMIN)[2]!.accessory).toBeUndefined();
    expect(await stored()).toEqual([expect.objectContaining({ area: 'overview' })]);
  });

  it('publishes again, read afresh, when the Home pressed on was replaced since (by another process)', async () => {
    const seen = await openTab(ADMIN);
    // Another publish lands after the press was made on `seen`: Slack's hash for the Home changes.
    expect((await openTab(ADMIN)).hash).not.toBe(seen.hash);
    const published = t.emulator.callsOf('views.publish').length;
    await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(ADMIN, {
        type: 'block_actions',
        view: { id: seen.id, hash: seen.hash },
        actions: [{ type: 'button', action_id: 'home.area:members', block_id: 'home.areas', value: 'members', action_ts: '1' }],
      }),
    );
    await eventually(() => (t.emulator.callsOf('views.publish').length >= published + 2 ? true : undefined), 8_000, 'the publish after the conflict');
    const [guarded, again] = t.emulator.callsOf('views.publish').slice(published);
    expect([guarded!.args.hash, guarded!.response.error]).toEqual([seen.hash, 'hash_conflict']);
    expect([again!.args.hash, again!.response.ok]).toEqual([undefined, true]);
    expect(selectedOf(ADMIN)).toBe('members');
  });

  it('falls back to the Overview when the remembered area is no longer one', async () => {
    await connectorView(t.connector).home.areas.remember(ADMIN, 'billing' as HomeArea, new Date());
    await openTab(ADMIN);
    expect(selectedOf(ADMIN)).toBe('overview');
  });

  it('keeps a member’s Home short, and remembers nothing they press', async () => {
    expectValid(await openTab(STANDARD));
    expect(rowOf(STANDARD)).toBeUndefined();
    expect(textOf(STANDARD)).not.toContain('home.attention');
    expect(blocksOf(STANDARD).length).toBeLessThanOrEqual(12);
    const before = await stored();
    for (const area of ['sync', 'members', 'notifications'] as const) await openHomeArea(t, STANDARD, area);
    expect(textOf(STANDARD)).not.toContain('Provisioning sync');
    expect(await stored()).toEqual(before);
  });
});
