/**
 * Tenant isolation (the issue: "Isolation is the first property"): no API call, Slack event or
 * interaction of one tenant ever reads, changes or reveals another's data. Three platform
 * workspaces on one connector, each installed through OAuth on its own Slack workspace of the
 * emulator, with the same member ids, emails, Slack user ids and user group id in all three
 * (see tenant-isolation.world.ts).
 */
import { MEMBERS_HOME_IDS as MEMBERS } from '../../src/features/members/home/ids';
import { INVENTORY_IDS } from '../../src/features/inventory/ids';
import { ASHBY_CONNECTION_IDS as CONNECTION } from '../../src/features/ashby/connections/ids';
import { eventually } from '../support/connector';
import {
  ASHBY_KEY,
  ADMIN_USER,
  othersOf,
  settleListeners,
  settleTenant,
  slackOutput,
  snapshot,
  startWorld,
  TENANTS,
  type World,
} from './tenant-isolation.world';

const ids = TENANTS.map((tenant) => tenant.id);

/** Where any of the other tenants' markers appears in `text`. */
function revealed(text: string, index: number): string[] {
  return othersOf(index).flatMap((tenant) => {
    const at = text.indexOf(tenant.marker);
    return at < 0 ? [] : [`${tenant.marker}: …${text.slice(Math.max(0, at - 200), at + 60)}…`];
  });
}

const text = (value: unknown) => ({ type: 'plain_text_input', value });
const multi = (values: unknown[]) => ({
  type: 'multi_static_select',
  selected_options: values.map((value) => ({ text: { type: 'plain_text', text: 'x' }, value })),
});

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

  it("keeps each tenant's Home paging apart for a Slack user id that both teams have", async () => {
    const [acme, globex] = [world.team(0), world.team(1)];
    // Globex gets two pages of Ashby connections.
    for (let i = 0; i < 5; i += 1) {
      await globex.socket.sendInteractive(
        globex.interactionPayload(ADMIN_USER, {
          type: 'view_submission',
          view: {
            id: `V0MORE${i}0000`,
            type: 'modal',
            callback_id: CONNECTION.createView,
            hash: '1',
            state: {
              values: {
                [CONNECTION.name]: { [CONNECTION.name]: text(`More ${i} ${TENANTS[1]!.marker}`) },
                [CONNECTION.apiKey]: { [CONNECTION.apiKey]: text(ASHBY_KEY) },
                [CONNECTION.applications]: { [CONNECTION.applications]: multi([]) },
              },
            },
          },
        }),
      );
      await settleListeners(world);
    }
    const globexHome = async () => {
      await globex.socket.sendEvent(globex.events.appHomeOpened(ADMIN_USER));
      await settleListeners(world);
      return JSON.stringify(globex.homeViewOf(ADMIN_USER)?.blocks ?? []);
    };
    const first = await globexHome();
    expect(first).toContain(CONNECTION.next);
    expect(first).not.toContain(CONNECTION.previous);
    // Acme's admin (the same Slack user id) pages Acme's connections: Globex's Home stays on its first page.
    await acme.socket.sendInteractive(
      acme.interactionPayload(ADMIN_USER, { type: 'block_actions', actions: [{ type: 'button', action_id: CONNECTION.next, block_id: 'x', value: '1' }] }),
    );
    await settleListeners(world);
    expect(await globexHome()).toEqual(first);
  });

  it("runs one tenant's inventory export while another tenant's export for the same Slack user id is running", async () => {
    const [acme, globex] = [world.team(0), world.team(1)];
    const press = (team: typeof acme) =>
      team.socket.sendInteractive(
        team.interactionPayload(ADMIN_USER, {
          type: 'block_actions',
          actions: [{ type: 'button', action_id: INVENTORY_IDS.exportCsv, block_id: 'inventory.actions', value: 'export' }],
        }),
      );
    const files = (team: typeof acme) => team.messagesTo(ADMIN_USER).filter((m) => (m.files?.length ?? 0) > 0).length;
    const before = [files(acme), files(globex)];
    // Acme's export is slow (Slack takes 2 s to complete its upload); Globex's admin exports meanwhile.
    acme.injectFault('files.completeUploadExternal', { delayMs: 2_000, times: 1 });
    await press(acme);
    await eventually(() => (acme.callsOf('files.getUploadURLExternal').length > 0 ? true : undefined), 5_000, "acme's export to start");
    await press(globex);
    await settleListeners(world);
    expect([files(acme), files(globex)]).toEqual([before[0]! + 1, before[1]! + 1]);
  });
});
