/**
 * Tenant isolation (the issue: "Isolation is the first property"): no API call, Slack event or
 * interaction of one tenant ever reads, changes or reveals another's data. Three platform
 * workspaces on one connector, each installed through OAuth on its own Slack workspace of the
 * emulator, with the same member ids, emails, Slack user ids and user group id in all three
 * (see tenant-isolation.world.ts).
 */
import { MEMBERS_HOME_IDS as MEMBERS } from '../../src/features/members/home/ids';
import { eventually } from '../support/connector';
import { ADMIN_USER, othersOf, settleListeners, settleTenant, slackOutput, snapshot, startWorld, TENANTS, type World } from './tenant-isolation.world';

const ids = TENANTS.map((tenant) => tenant.id);

/** Where any of the other tenants' markers appears in `text`. */
function revealed(text: string, index: number): string[] {
  return othersOf(index).flatMap((tenant) => {
    const at = text.indexOf(tenant.marker);
    return at < 0 ? [] : [`${tenant.marker}: …${text.slice(Math.max(0, at - 200), at + 60)}…`];
  });
}

describe('tenant isolation', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, 90_000);
  afterAll(async () => {
    await world?.stop();
  });

  /** Runs `act`, then checks that every tenant but `index` (all of them when undefined) is byte for byte unchanged. */
  async function changesNothingOutside(index: number | undefined, act: () => Promise<void>): Promise<void> {
    const outside = index === undefined ? [...ids] : othersOf(index).map((tenant) => tenant.id);
    const before = await snapshot(world, outside);
    await act();
    for (const id of ids) await settleTenant(world, id);
    expect(await snapshot(world, outside)).toEqual(before);
  }

  it('seeded three tenants with the same member ids, emails and Slack user ids, none showing another’s data', async () => {
    const all = await snapshot(world, ids);
    for (const id of ids) {
      expect(all[id]!.members).toHaveLength(4);
      expect(all[id]!.mappings).toHaveLength(4);
      expect(all[id]!.ashby_import_rows).toHaveLength(1);
    }
    for (const [index] of TENANTS.entries()) expect(revealed(slackOutput(world.team(index)), index)).toEqual([]);
  });

  it('refuses a user of one team pressing buttons of, and submitting, a view of another team, and logs it', async () => {
    const acme = world.team(0);
    const globex = world.team(1);
    // Acme's admin opens the member directory, then Bob's details (private_metadata: his member id).
    await acme.socket.sendInteractive(
      acme.interactionPayload(ADMIN_USER, { type: 'block_actions', actions: [{ type: 'button', action_id: MEMBERS.detailsOpen, block_id: 'x' }] }),
    );
    await settleListeners(world);
    const directory = await eventually(() => acme.modalStackOf(ADMIN_USER).find((v) => v.callback_id === MEMBERS.directoryView), 8_000, 'the directory');
    await acme.socket.sendInteractive(
      acme.interactionPayload(ADMIN_USER, {
        type: 'block_actions',
        container: { type: 'view', view_id: directory.id },
        actions: [{ type: 'button', action_id: `${MEMBERS.showMemberPrefix}1`, block_id: 'x', value: 'm-2' }],
      }),
    );
    await settleListeners(world);
    const details = await eventually(() => acme.modalStackOf(ADMIN_USER).find((v) => v.callback_id === MEMBERS.detailsView), 8_000, 'the details');
    expect(details.private_metadata).toContain('m-2');
    const logsBefore = world.t.logs.length;

    // Globex's admin (the same Slack user id) presses Deactivate on Acme's modal, and submits
    // Acme's edit form (whose view says it belongs to Acme's team).
    await changesNothingOutside(undefined, async () => {
      await globex.socket.sendInteractive(
        globex.interactionPayload(ADMIN_USER, {
          type: 'block_actions',
          container: { type: 'view', view_id: details.id },
          view: details,
          actions: [{ type: 'button', action_id: MEMBERS.deactivate, block_id: 'x' }],
        }),
      );
      await globex.socket.sendInteractive(
        globex.interactionPayload(ADMIN_USER, {
          type: 'view_submission',
          view: {
            ...details,
            callback_id: MEMBERS.editView,
            state: {
              values: {
                [MEMBERS.nameBlock]: { [MEMBERS.name]: { type: 'plain_text_input', value: 'Renamed from Globex' } },
                [MEMBERS.accountTypeBlock]: {
                  [MEMBERS.accountType]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'x' }, value: 'primary_owner' } },
                },
              },
            },
          },
        }),
      );
      await settleListeners(world);
    });
    const refusals = world.t.logs.slice(logsBefore).filter((line) => line.includes('another Slack workspace'));
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    expect(revealed(slackOutput(globex), 1)).toEqual([]);
  });
});
