/**
 * The user inventory end to end: the real connector, the Slack emulator and the embedded
 * store. An admin's Home shows the counts; the export arrives in their DM and reads back as
 * the seeded users; a plan that refuses team.accessLogs shows Slack's reason in both; a
 * standard member's forged export sends nothing.
 */
import { openHomeArea } from '../../support/home-areas';
import { manifestBotScopes, type Seed } from '../../../scripts/slack-emulator';
import { INVENTORY_IDS } from '../../../src/features/inventory/ids';
import { INVENTORY_CSV_HEADER } from '../../../src/features/inventory/inventory-row';
import { emailKey, type AccountType } from '../../../src/features/members/member.types';
import { eventually, startTestConnector, type TestConnector } from '../../support/connector';
import { connectorView } from '../../support/store-repos';
import { refusalText } from '../../../src/features/members/permissions';

const NOW = Math.floor(Date.now() / 1000);
const ADMIN = 'U0ADMIN001';
const STANDARD = 'U0STAND001';
const TEAM = { id: 'T0INVENT01', name: 'Acme Inventory', domain: 'acme-inventory' };
const SEED: Seed = {
  team: TEAM,
  users: [
    { id: ADMIN, name: 'wanda', real_name: 'Wanda Admin', is_admin: true, profile: { email: 'wanda@acme.test' } },
    { id: STANDARD, name: 'sam', real_name: 'Sam Standard', profile: { email: 'sam@acme.test' } },
    {
      id: 'U0OWNER001',
      name: 'olga',
      real_name: 'Olga Owner',
      is_owner: true,
      is_primary_owner: true,
      is_admin: true,
      billing_active: false,
      profile: { email: 'olga@acme.test' },
    },
    { id: 'U0GUEST001', name: 'gus', real_name: 'Gus Guest', is_restricted: true, profile: { email: 'gus@partner.test' } },
    { id: 'U0SINGLE01', name: 'sia', real_name: 'Sia Single', is_restricted: true, is_ultra_restricted: true, profile: { email: 'sia@partner.test' } },
    { id: 'U0GONE0001', name: 'gone', real_name: 'Gone Person', deleted: true, profile: { email: 'gone@acme.test' } },
    { id: 'U0ROBOT001', name: 'robot', real_name: 'Robot', is_bot: true, profile: {} },
  ],
  access_logs: [
    { user_id: ADMIN, date_first: NOW - 90_000, date_last: NOW - 3_600, count: 4 },
    { user_id: ADMIN, date_first: NOW - 90_000, date_last: NOW - 7_200, count: 2, ip: '198.51.100.7' },
    { user_id: 'U0GUEST001', date_first: NOW - 90_000, date_last: NOW - 86_400, count: 1 },
  ],
};
/** The emulator adds the app's own bot user. */
const BOT_USER = 'U0BOT0001';

function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') record.push(field), (field = '');
    else if (char === '\r' && text[i + 1] === '\n') record.push(field), records.push(record), (record = []), (field = ''), i++;
    else field += char;
  }
  if (field !== '' || record.length > 0) record.push(field), records.push(record);
  return records;
}

/**
 * The figures need `admin` on the token: on Slack only an admin-approved user token can hold
 * it (a bot token cannot), so the emulator grants it on top of the manifest's bot scopes here.
 */
const WITH_ADMIN = { bot: [...manifestBotScopes(), 'admin'] };

describe('user inventory', () => {
  let t: TestConnector;
  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: SEED, scopes: WITH_ADMIN }, label: 'inventory' });
    const { repos } = connectorView(t.connector);
    const save = (id: string, email: string, accountType: AccountType) =>
      repos.members.save({ id, name: id, email, emailKey: emailKey(email), accountType, status: 'activated', groups: [], source: 'api' }, new Date());
    await save('m-wanda', 'wanda@acme.test', 'workspace_admin');
    await save('m-sam', 'sam@acme.test', 'standard_member');
    await save('m-gus', 'gus@partner.test', 'standard_member');
    await repos.mappings.save({ memberId: 'm-wanda', slackUserId: ADMIN, source: 'auto', slackEmail: 'wanda@acme.test', active: true }, new Date());
    await repos.mappings.save({ memberId: 'm-sam', slackUserId: STANDARD, source: 'auto', slackEmail: 'sam@acme.test', active: true }, new Date());
    await repos.mappings.save({ memberId: 'm-gus', slackUserId: 'U0GUEST001', source: 'manual', slackEmail: 'gus@partner.test', active: true }, new Date());
    // A mapping whose member is gone is no mapped member.
    await repos.mappings.save({ memberId: 'm-vanished', slackUserId: 'U0GONE0001', source: 'auto', slackEmail: 'gone@acme.test', active: false }, new Date());
  });
  afterEach(() => t.stop());

  const settle = () => eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 10_000, 'listeners to finish');

  /** The Home as `user` sees it on the Members area, where an admin finds the inventory (one publish, as opening the tab). */
  async function homeOf(user: string): Promise<string> {
    await openHomeArea(t, user, 'members');
    return JSON.stringify(t.emulator.homeViewOf(user)?.blocks ?? []);
  }

  function pressExport(user: string) {
    return t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(user, {
        type: 'block_actions',
        container: { type: 'view', view_id: 'VHOME' },
        actions: [{ type: 'button', action_id: INVENTORY_IDS.exportCsv, block_id: 'inventory.actions', value: 'export', action_ts: '1' }],
      }),
    );
  }

  async function exportedRows(user: string): Promise<Map<string, Record<string, string>>> {
    const ack = await pressExport(user);
    expect(ack.payload ?? {}).toEqual({});
    const message = await eventually(() => t.emulator.messagesTo(user).find((m) => (m.files?.length ?? 0) > 0), 10_000, 'the CSV in the DM');
    const file = message.files![0]!;
    expect(file.name).toMatch(/^user-inventory-\d{4}-\d{2}-\d{2}\.csv$/);
    const download = await fetch(file.url_private_download, { headers: { authorization: `Bearer ${t.emulator.botToken}` } });
    const [header, ...records] = parseCsv(
      Buffer.from(await download.arrayBuffer())
        .subarray(3)
        .toString('utf8'),
    );
    expect(header).toEqual([...INVENTORY_CSV_HEADER]);
    return new Map(records.map((cells) => [cells[0]!, Object.fromEntries(INVENTORY_CSV_HEADER.map((name, i) => [name, cells[i] ?? '']))]));
  }

  it('shows an admin the counts by status, and no section to a standard member', async () => {
    const home = await homeOf(ADMIN);
    expect(home).toContain('*User inventory* (as Slack reports them): 8 users');
    expect(home).toContain('3 active · 2 guests · 2 bots · 1 deactivated');
    expect(home).toContain('2 admins or owners · 3 mapped to a member');
    // Billed: Wanda, Sam, Gus (multi-channel guest); not Olga (seeded false), Sia (single-channel), the deactivated, bots.
    expect(home).toContain('3 billing active, per Slack');
    expect(home).toContain(INVENTORY_IDS.exportCsv);
    expect(home).not.toContain('Not available from Slack');
    // The billing caveat is one click away: "About these columns" opens it in a modal.
    expect(home).not.toContain('Fair Billing Policy');
    await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(ADMIN, {
        type: 'block_actions',
        actions: [{ type: 'button', action_id: INVENTORY_IDS.aboutColumns, block_id: 'inventory.actions', value: 'about', action_ts: '1' }],
      }),
    );
    const about = await eventually(() => t.emulator.callsOf('views.open').at(-1), 10_000, 'the About these columns modal');
    expect(JSON.stringify(about.args)).toContain('not a real-time view');

    expect(await homeOf(STANDARD)).not.toContain('User inventory');

    // A second open within the counts' age shows the same counts without reading Slack again.
    const reads = t.emulator.callsOf('team.billableInfo').length;
    expect(await homeOf(ADMIN)).toContain('3 active · 2 guests · 2 bots · 1 deactivated');
    expect(t.emulator.callsOf('team.billableInfo')).toHaveLength(reads);
  });

  it('sends the export to the admin’s DM, every seeded user read back', async () => {
    const rows = await exportedRows(ADMIN);
    expect([...rows.keys()].sort()).toEqual([...SEED.users!.map((u) => u.id), BOT_USER].sort());
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
    expect(rows.get(ADMIN)).toEqual({
      'Slack user id': ADMIN,
      Name: 'Wanda Admin',
      Email: 'wanda@acme.test',
      Status: 'active',
      'Admin/owner': 'admin',
      'Mapped member id': 'm-wanda',
      'Last activity': iso(NOW - 3_600),
      'Billing active': 'true',
    });
    expect(rows.get('U0OWNER001')).toMatchObject({
      Status: 'active',
      'Admin/owner': 'primary_owner',
      'Mapped member id': '',
      'Last activity': 'none in the access logs',
      'Billing active': 'false',
    });
    expect(rows.get('U0GUEST001')).toMatchObject({
      Status: 'guest',
      'Mapped member id': 'm-gus',
      'Last activity': iso(NOW - 86_400),
      'Billing active': 'true',
    });
    expect(rows.get('U0SINGLE01')).toMatchObject({ Status: 'guest', 'Billing active': 'false' });
    expect(rows.get('U0GONE0001')).toMatchObject({ Status: 'deactivated', 'Mapped member id': '', 'Billing active': 'false' });
    expect(rows.get('U0ROBOT001')).toMatchObject({ Status: 'bot', Email: '', 'Billing active': 'not listed by team.billableInfo' });
    expect(rows.get(STANDARD)).toMatchObject({ Status: 'active', 'Admin/owner': '', 'Mapped member id': 'm-sam' });
  });

  it('shows Slack’s reason in the Home and the CSV when the plan refuses team.accessLogs', async () => {
    // A free workspace: every team.accessLogs call answers paid_only.
    t.emulator.injectFault('team.accessLogs', { error: 'paid_only', times: 100 });
    const home = await homeOf(ADMIN);
    expect(home).toContain('Not available from Slack');
    expect(home).toContain('*Last activity*: not available. Slack answered `paid_only`');
    expect(home).toContain('3 billing active, per Slack');

    const rows = await exportedRows(ADMIN);
    expect(rows.size).toBe(SEED.users!.length + 1);
    for (const row of rows.values()) expect(row['Last activity']).toBe('not available: Slack answered paid_only');
    expect(rows.get(ADMIN)?.['Billing active']).toBe('true');
  });

  it('shows Slack’s missing_scope answer when the token has only the manifest’s bot scopes, as a bot token on Slack has', async () => {
    t.emulator.state.scopes.bot = manifestBotScopes();
    const home = await homeOf(ADMIN);
    expect(home).toContain('Not available from Slack');
    expect(home).toContain('Slack answered `missing_scope`: `team.billableInfo` needs the `admin` scope (needed: `admin`)');
    expect(home).toContain('3 active · 2 guests · 2 bots · 1 deactivated');
  });

  it('refuses a standard member’s forged export, says so and sends no file', async () => {
    const ack = await pressExport(STANDARD);
    expect(ack.payload ?? {}).toEqual({});
    await settle();
    expect(t.emulator.callsOf('files.getUploadURLExternal')).toHaveLength(0);
    expect(t.emulator.callsOf('team.billableInfo')).toHaveLength(0);
    // The refusal is the only message, with no file.
    expect(t.emulator.messagesTo(STANDARD).map((m) => m.text)).toEqual([refusalText('inventory.view')]);
    expect([...t.emulator.state.files.values()]).toEqual([]);

    // The same press by the admin does send (the check can fail).
    await exportedRows(ADMIN);
  });
});
