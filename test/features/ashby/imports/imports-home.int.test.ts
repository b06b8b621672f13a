/**
 * "Ashby imports" in the App Home and the rows API, end to end: the real connector driven
 * through the Slack emulator (an admin sets an import up in the modal, runs it now and opens
 * its history; a standard member forges the same payloads) and the HTTP API paging the rows.
 */
import { openHomeArea } from '../../../support/home-areas';
import type { SlackView } from '../../../../scripts/slack-emulator/state';
import { IMPORTS_JOB, importLeaseName } from '../../../../src/features/ashby/imports';
import { IMPORT_HOME_IDS, IMPORT_SETUP_BLOCKS as BLOCKS, IMPORT_SETUP_IDS as IDS } from '../../../../src/features/ashby/imports/ids';
import { LeaseRepository } from '../../../../src/platform/scheduler/lease.repository';
import { eventually } from '../../../support/connector';
import { HEADERS, OWNER, runImport, STANDARD, startImportsWorld, type ImportsWorld } from './imports-fixture';
import { connectorView } from '../../../support/store-repos';

type Block = Record<string, any>;

describe('Ashby imports in the App Home and over HTTP', () => {
  let world: ImportsWorld;

  beforeEach(async () => {
    world = await startImportsWorld('ashbyhome');
    world.ashby.departments.add({ id: 'dep-eng', name: 'Engineering' });
    world.ashby.customFields.add({ id: 'cf-level', title: 'Level' });
  });
  afterEach(() => world.stop());

  const t = () => world.t;
  const settle = () => eventually(() => (t().connector.slack.inFlight.size === 0 ? true : undefined), 10_000, 'listeners to finish');
  const homeText = (user: string) => JSON.stringify((t().emulator.homeViewOf(user)?.blocks ?? []) as unknown[]);

  function hire(name: string) {
    const application = world.ashby.applications.add({
      candidateName: name,
      email: `${name.toLowerCase()}@people.test`,
      jobId: 'job-1',
      jobTitle: 'Engineer',
      departmentId: 'dep-eng',
      customFields: { 'cf-level': 'L4' },
    });
    world.ashby.offers.add({ applicationId: application.id, versions: [{ startDate: '2026-04-01', salary: { currencyCode: 'EUR', value: 80_000 } }] });
    return application;
  }

  async function click(user: string, actionId: string, value?: string) {
    await t().emulator.socket.sendInteractive(
      t().emulator.interactionPayload(user, {
        type: 'block_actions',
        container: { type: 'view', view_id: 'V0HOME0001' },
        view: { id: 'V0HOME0001', type: 'home' },
        actions: [{ type: 'button', action_id: actionId, block_id: 'x', action_ts: '1', ...(value ? { value } : {}) }],
      }),
    );
    await settle();
  }

  function stateValues(fields: { applicationId?: string; targetBlock?: string; customFields?: Array<{ id: string; title: string }>; pending?: boolean }) {
    return {
      [BLOCKS.application]: {
        [IDS.application]: {
          type: 'static_select',
          selected_option: fields.applicationId ? { value: fields.applicationId, text: { type: 'plain_text', text: 'app' } } : null,
        },
      },
      [BLOCKS.targetBlock]: { [IDS.targetBlock]: { type: 'plain_text_input', value: fields.targetBlock ?? null } },
      [BLOCKS.customFields]: {
        [IDS.customFields]: {
          type: 'multi_static_select',
          selected_options: (fields.customFields ?? []).map((f) => ({ value: f.id, text: { type: 'plain_text', text: f.title } })),
        },
      },
      [BLOCKS.createPendingMembers]: { [IDS.createPendingMembers]: { type: 'checkboxes', selected_options: fields.pending ? [{ value: 'on' }] : [] } },
    };
  }

  async function submit(user: string, values: unknown, privateMetadata = '') {
    const ack = await t().emulator.socket.sendInteractive(
      t().emulator.interactionPayload(user, {
        type: 'view_submission',
        view: { id: 'V0SETUP001', type: 'modal', callback_id: IDS.view, private_metadata: privateMetadata, state: { values }, hash: '1' },
      }),
    );
    await settle();
    return ack.payload as Record<string, unknown> | undefined;
  }

  it('an admin sets an import up in the modal, runs it now and opens its history', async () => {
    hire('Ada');
    // The imports are in the admin's Ashby area.
    await openHomeArea(t(), OWNER, 'ashby');
    await click(OWNER, IMPORT_HOME_IDS.newImport);
    const modal = await eventually(
      () =>
        t()
          .emulator.modalStackOf(OWNER)
          .find((v: SlackView) => v.callback_id === IDS.view),
      8_000,
      'the setup modal',
    );
    expect(JSON.stringify(modal.blocks)).toContain('Headcount');

    // Choosing the application reloads the modal with the connection and Ashby's custom fields.
    await t().emulator.socket.sendInteractive(
      t().emulator.interactionPayload(OWNER, {
        type: 'block_actions',
        view: {
          id: modal.id,
          type: 'modal',
          callback_id: IDS.view,
          private_metadata: modal.private_metadata ?? '',
          state: { values: stateValues({ applicationId: 'app-headcount', targetBlock: 'New hires' }) },
          hash: '1',
        },
        actions: [
          {
            type: 'static_select',
            action_id: IDS.application,
            block_id: BLOCKS.application,
            selected_option: { value: 'app-headcount', text: { type: 'plain_text', text: 'Headcount' } },
            action_ts: '1',
          },
        ],
      }),
    );
    await settle();
    const reloaded = await eventually(
      () => {
        const view = t()
          .emulator.modalStackOf(OWNER)
          .find((v: SlackView) => v.id === modal.id);
        return view && (view.blocks as Block[]).some((b) => b.block_id === BLOCKS.customFields) ? view : undefined;
      },
      8_000,
      'the custom fields',
    );
    expect(JSON.stringify(reloaded.blocks)).toContain('Uses the Ashby connection *Ashby connection*');
    expect(JSON.stringify(reloaded.blocks)).toContain('"value":"cf-level"');

    // No connection lists Finance: said inline, nothing saved.
    expect(await submit(OWNER, stateValues({ applicationId: 'app-finance', targetBlock: 'New hires' }))).toEqual({
      response_action: 'errors',
      errors: { [BLOCKS.application]: "Add Finance to an Ashby connection's access list first." },
    });
    expect(await submit(OWNER, stateValues({ applicationId: 'app-headcount', targetBlock: ' ' }))).toMatchObject({
      response_action: 'errors',
      errors: { [BLOCKS.targetBlock]: expect.any(String) },
    });
    expect(await world.feature.imports.listAll()).toEqual([]);

    await submit(
      OWNER,
      stateValues({ applicationId: 'app-headcount', targetBlock: 'New hires', customFields: [{ id: 'cf-level', title: 'Level (Application)' }] }),
    );
    const [created] = await world.feature.imports.listAll();
    expect(created).toMatchObject({
      applicationId: 'app-headcount',
      targetBlock: 'New hires',
      customFields: [{ id: 'cf-level', title: 'Level' }],
      ownerMemberId: 'm-owner',
      createPendingMembers: false,
    });
    expect(homeText(OWNER)).toContain('New hires');

    await click(OWNER, `${IMPORT_HOME_IDS.runNowPrefix}0`, created!.id);
    const [run] = await world.feature.runs.latest(created!.id, 1);
    expect(run).toMatchObject({ status: 'completed', trigger: 'manual', counts: { created: 1 } });
    expect(homeText(OWNER)).toContain('Completed');
    const rows = await world.feature.rows.page(created!.id, undefined, 10);
    expect(rows[0]?.customFields).toEqual({ 'cf-level': 'L4' });

    await click(OWNER, `${IMPORT_HOME_IDS.historyPrefix}0`, created!.id);
    const history = await eventually(
      () =>
        t()
          .emulator.modalStackOf(OWNER)
          .find((v: SlackView) => v.callback_id === IDS.history),
      8_000,
      'the history modal',
    );
    expect(JSON.stringify(history.blocks)).toContain('Run now');
  });

  it("refuses a standard member's forged Run now, edit and submission, changing nothing", async () => {
    hire('Ada');
    const imp = await world.feature.imports.create(
      { applicationId: 'app-headcount', targetBlock: 'New hires', customFields: [], createPendingMembers: false },
      'm-owner',
      new Date(),
    );

    await click(STANDARD, `${IMPORT_HOME_IDS.runNowPrefix}0`, imp.id);
    await click(STANDARD, `${IMPORT_HOME_IDS.editPrefix}0`, imp.id);
    expect(await world.feature.runs.latest(imp.id, 5)).toEqual([]);
    expect(t().emulator.modalStackOf(STANDARD)).toEqual([]);
    expect(JSON.stringify(t().emulator.messagesTo(STANDARD))).toContain('Only Workspace Admins and Primary Owners can manage Ashby connections and imports.');

    const ack = await submit(
      STANDARD,
      stateValues({ applicationId: 'app-headcount', targetBlock: 'Hijacked', pending: true }),
      JSON.stringify({ importId: imp.id }),
    );
    expect(ack).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(ack)).toContain('Only Workspace Admins and Primary Owners');
    expect(await world.feature.imports.findById(imp.id)).toEqual(imp);
    await submit(STANDARD, stateValues({ applicationId: 'app-headcount', targetBlock: 'Another' }));
    expect(await world.feature.imports.listAll()).toHaveLength(1);
    expect(world.ashby.calls()).toEqual([]);
  });

  it('pages the rows over HTTP, with 404 for an unknown import and 400 for a bad limit or cursor', async () => {
    const ids = ['Ada', 'Bob', 'Carol', 'Dan', 'Eve'].map((name) => hire(name).id).sort();
    const imp = await world.feature.imports.create(
      { applicationId: 'app-headcount', targetBlock: 'New hires', customFields: [], createPendingMembers: false },
      'm-owner',
      new Date(),
    );
    expect((await runImport(world, imp.id)).counts.created).toBe(5);

    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const response = await t().fetch(`/api/v1/workspaces/default/imports/${imp.id}/rows?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { headers: HEADERS });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { rows: Array<{ applicationId: string; employeeName: string; salary: number }>; nextCursor: string | null };
      expect(body.rows.length).toBeLessThanOrEqual(2);
      seen.push(...body.rows.map((r) => r.applicationId));
      cursor = body.nextCursor;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);

    const all = (await (await t().fetch(`/api/v1/workspaces/default/imports/${imp.id}/rows`, { headers: HEADERS })).json()) as {
      rows: unknown[];
      nextCursor: null;
    };
    expect(all.rows).toHaveLength(5);
    expect(all.rows[0]).toEqual(
      expect.objectContaining({
        employeeName: expect.any(String),
        department: 'Engineering',
        salary: 80_000,
        salaryCurrency: 'EUR',
        targetStartDate: '2026-04-01',
      }),
    );
    expect(all.nextCursor).toBeNull();

    expect((await t().fetch('/api/v1/workspaces/default/imports/imp-unknown/rows', { headers: HEADERS })).status).toBe(404);
    for (const query of ['limit=0', 'limit=abc', 'limit=1001', 'cursor=!!', 'cursor=Zm9v_', 'other=1']) {
      const response = await t().fetch(`/api/v1/workspaces/default/imports/${imp.id}/rows?${query}`, { headers: HEADERS });
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
    }
    expect((await t().fetch(`/api/v1/workspaces/default/imports/${imp.id}/rows`)).status).toBe(401);
  });
});

describe('the scheduled import job', () => {
  let world: ImportsWorld;

  beforeEach(async () => {
    world = await startImportsWorld('ashbyjob');
  });
  afterEach(() => world.stop());

  it('runs every import on IMPORT_CRON, skipping one another process is running', async () => {
    const features = connectorView(world.t.connector);
    world.ashby.applications.add({ candidateName: 'Ada', email: 'ada@people.test' });
    const create = (targetBlock: string) =>
      world.feature.imports.create({ applicationId: 'app-headcount', targetBlock, customFields: [], createPendingMembers: false }, 'm-owner', new Date());
    const free = await create('First');
    const busy = await create('Second');
    expect(features.scheduler.plannedJobs()).toContainEqual({ name: IMPORTS_JOB, expression: features.config.schedules.imports });

    // Another process holds the second import's lease: it is running there.
    const leases = new LeaseRepository(features.db);
    expect(await leases.acquire(importLeaseName(busy.id), 'another-process', 60_000, new Date())).toBe(true);
    const outcome = await features.scheduler.runPlannedNow(IMPORTS_JOB, 'manual');
    expect(outcome).toMatchObject({ ran: true, status: 'completed', report: { imports: 2, ran: 1, skipped: 1, failed: 0 } });
    expect(await world.feature.runs.latest(free.id, 5)).toEqual([
      expect.objectContaining({ status: 'completed', counts: expect.objectContaining({ created: 1 }) }),
    ]);
    expect(await world.feature.runs.latest(busy.id, 5)).toEqual([]);
  });
});
