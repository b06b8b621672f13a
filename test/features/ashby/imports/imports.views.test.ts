import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import { IMPORT_SETUP_BLOCKS, IMPORT_SETUP_IDS } from '../../../../src/features/ashby/imports/ids';
import { renderHistoryModal } from '../../../../src/features/ashby/imports/import-history.view';
import { importNotification } from '../../../../src/features/ashby/imports/import-notification';
import { parseSetupSubmission, readSetupState, renderSetupModal } from '../../../../src/features/ashby/imports/import-setup.view';
import { emptyCounts, type AshbyImport, type ImportRun } from '../../../../src/features/ashby/imports/import.types';
import { IMPORTS_SHOWN, renderImportsSection } from '../../../../src/features/ashby/imports/imports-section.view';

const imp = (id: string, fields: Partial<AshbyImport> = {}): AshbyImport => ({
  id,
  applicationId: 'app-1',
  targetBlock: 'New hires',
  customFields: [],
  createPendingMembers: false,
  ownerMemberId: 'm-owner',
  createdAt: new Date('2026-03-01T00:00:00Z'),
  updatedAt: new Date('2026-03-01T00:00:00Z'),
  ...fields,
});

const run = (fields: Partial<ImportRun> = {}): ImportRun => ({
  id: 'run-1',
  importId: 'imp-1',
  trigger: 'schedule',
  status: 'completed',
  fullRead: true,
  counts: { ...emptyCounts(), fetched: 5, created: 3, updated: 1, unchanged: 1 },
  errors: [],
  startedAt: new Date('2026-03-04T09:30:00Z'),
  finishedAt: new Date('2026-03-04T09:31:00Z'),
  ...fields,
});

type Block = {
  type: string;
  text?: { text: string };
  elements?: Array<{ action_id?: string; value?: string; text?: unknown }>;
  accessory?: { action_id: string };
};

describe('the Ashby imports Home section', () => {
  it('shows an empty state with New import', () => {
    const blocks = renderImportsSection({ items: [] }) as Block[];
    expect(validateView({ type: 'home', blocks })).toEqual([]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.text!.text).toContain('No import yet');
    expect(blocks[0]!.accessory!.action_id).toBe('ashby.imports.new');
  });

  it('lists imports with their last run and unique Run now / History / Edit buttons', () => {
    const blocks = renderImportsSection({
      items: [
        {
          imp: imp('imp-1', { targetBlock: 'Hires <Q1> & co' }),
          applicationName: 'Headcount',
          lastRun: run({ counts: { ...emptyCounts(), fetched: 3, created: 2, malformed: 1 }, status: 'completed_with_errors' }),
        },
        { imp: imp('imp-2'), applicationName: 'Finance', lastRun: run({ status: 'failed', error: "Add Finance to an Ashby connection's access list first." }) },
        { imp: imp('imp-3'), applicationName: 'Other' },
      ],
    }) as Block[];
    expect(validateView({ type: 'home', blocks })).toEqual([]);
    expect(blocks[1]!.text!.text).toContain('*Hires &lt;Q1&gt; &amp; co* · Headcount');
    expect(blocks[1]!.text!.text).toContain(':warning: Completed with errors');
    expect(blocks[1]!.text!.text).toContain('2 new · 0 updated · 0 unchanged · 1 malformed');
    expect(blocks[3]!.text!.text).toContain("Add Finance to an Ashby connection's access list first.");
    expect(blocks[5]!.text!.text).toContain('Not run yet');
    expect(blocks[2]!.elements!.map((e) => [e.action_id, e.value])).toEqual([
      ['ashby.imports.run_now:0', 'imp-1'],
      ['ashby.imports.history:0', 'imp-1'],
      ['ashby.imports.edit:0', 'imp-1'],
    ]);
  });

  it('says an import whose process died was interrupted and runs again by itself, not that it is running', () => {
    const blocks = renderImportsSection({
      items: [
        { imp: imp('imp-1'), applicationName: 'Headcount', lastRun: run({ status: 'running' }), interrupted: true },
        { imp: imp('imp-2'), applicationName: 'Finance', lastRun: run({ status: 'running' }) },
      ],
    }) as Block[];
    expect(validateView({ type: 'home', blocks })).toEqual([]);
    expect(blocks[1]!.text!.text).toContain('Interrupted (its connector process stopped); it runs again by itself');
    expect(blocks[1]!.text!.text).not.toContain('Running');
    expect(blocks[3]!.text!.text).toContain(':arrows_counterclockwise: Running');
  });

  it('shows at most IMPORTS_SHOWN imports and says how many there are', () => {
    const items = Array.from({ length: IMPORTS_SHOWN + 5 }, (_, i) => ({
      imp: imp(`imp-${i}`, { targetBlock: 'x'.repeat(500) }),
      applicationName: 'y'.repeat(500),
      lastRun: run({ status: 'failed', error: 'e'.repeat(5_000) }),
    }));
    const blocks = renderImportsSection({ items }) as Block[];
    expect(validateView({ type: 'home', blocks })).toEqual([]);
    expect(blocks).toHaveLength(1 + IMPORTS_SHOWN * 2);
    expect(blocks[0]!.text!.text).toContain(`The first ${IMPORTS_SHOWN} of ${IMPORTS_SHOWN + 5}`);
  });
});

describe('the import setup modal', () => {
  const applications = [
    { id: 'app-1', name: 'Headcount' },
    { id: 'app-2', name: 'Finance' },
  ];

  it('offers the registered applications, and says how to register one when there is none', () => {
    const view = renderSetupModal({ applications });
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain('"value":"app-2"');
    const empty = renderSetupModal({ applications: [] });
    expect(validateView(empty)).toEqual([]);
    expect(empty.submit).toBeUndefined();
    expect(JSON.stringify(empty.blocks)).toContain('PUT /api/v1/workspaces/:workspaceId/applications/:applicationId');
  });

  it("says to add the application to a connection's access list when none lists it", () => {
    const view = renderSetupModal({
      applications,
      applicationId: 'app-2',
      source: { kind: 'no_connection', text: "Add Finance to an Ashby connection's access list first." },
    });
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain("Add Finance to an Ashby connection's access list first.");
    expect(view.blocks.some((b) => b.block_id === IMPORT_SETUP_BLOCKS.customFields)).toBe(false);
  });

  it("offers Ashby's custom fields (at most 100) and keeps what was chosen", () => {
    const customFields = Array.from({ length: 130 }, (_, i) => ({
      id: `cf-${i}`,
      title: `Field ${i} ${'z'.repeat(100)}`,
      objectType: 'Application',
      fieldType: 'String',
    }));
    const view = renderSetupModal({
      editing: imp('imp-1', { customFields: [{ id: 'cf-3', title: 'Field 3' }], createPendingMembers: true }),
      applications,
      applicationId: 'app-1',
      source: { kind: 'connected', connectionName: 'Ashby connection', customFields },
    });
    expect(validateView(view)).toEqual([]);
    expect(view.submit).toBeDefined();
    expect(JSON.parse(view.private_metadata!)).toEqual({ importId: 'imp-1' });
    const select = view.blocks.find((b) => b.block_id === IMPORT_SETUP_BLOCKS.customFields) as unknown as {
      element: { options: unknown[]; initial_options: Array<{ value: string }> };
    };
    expect(select.element.options).toHaveLength(100);
    expect(select.element.initial_options.map((o) => o.value)).toEqual(['cf-3']);
  });

  it('reads a submission into settings, or names the blocks to fix', () => {
    const values = {
      [IMPORT_SETUP_BLOCKS.application]: { [IMPORT_SETUP_IDS.application]: { selected_option: { value: 'app-1', text: { text: 'Headcount' } } } },
      [IMPORT_SETUP_BLOCKS.targetBlock]: { [IMPORT_SETUP_IDS.targetBlock]: { value: '  New   hires ' } },
      [IMPORT_SETUP_BLOCKS.customFields]: { [IMPORT_SETUP_IDS.customFields]: { selected_options: [{ value: 'cf-1', text: { text: 'Level (Application)' } }] } },
      [IMPORT_SETUP_BLOCKS.createPendingMembers]: { [IMPORT_SETUP_IDS.createPendingMembers]: { selected_options: [{ value: 'on' }] } },
    };
    expect(parseSetupSubmission(values)).toEqual({
      ok: true,
      settings: { applicationId: 'app-1', targetBlock: 'New hires', customFields: [{ id: 'cf-1', title: 'Level' }], createPendingMembers: true },
    });
    expect(parseSetupSubmission({})).toEqual({
      ok: false,
      errors: { application: 'Choose an application.', target_block: 'Enter the name of the block to import into.' },
    });
    expect(readSetupState({ [IMPORT_SETUP_BLOCKS.application]: { [IMPORT_SETUP_IDS.application]: { selected_option: null } } })).toEqual({
      customFields: [],
      createPendingMembers: false,
    });
  });
});

describe('the run history modal', () => {
  it('lists runs with counts, problems and errors within Slack limits', () => {
    const runs = Array.from({ length: 30 }, (_, i) =>
      run({
        id: `run-${i}`,
        status: i % 2 === 0 ? 'completed_with_errors' : 'failed',
        error: i % 2 === 0 ? undefined : 'x'.repeat(3_000),
        counts: { ...emptyCounts(), fetched: 10, malformed: 8 },
        errors: Array.from({ length: 8 }, (_, j) => ({ applicationId: `a-${j}`, message: `Malformed record from Ashby: ${'m'.repeat(600)}` })),
      }),
    );
    const view = renderHistoryModal({ imp: imp('imp-1'), applicationName: 'Headcount', runs });
    expect(validateView(view)).toEqual([]);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('…and 3 more.');
    expect(text).toContain(':x: Failed');
  });

  it('has an empty state', () => {
    const view = renderHistoryModal({ imp: imp('imp-1'), applicationName: 'Headcount', runs: [] });
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain('No run yet');
  });
});

describe('the owner notification', () => {
  it('is a scheduled_import completed notification with counts and a link to the import', () => {
    const request = importNotification({ imp: imp('imp-1'), run: run(), applicationName: 'Headcount', pigmentBaseUrl: 'https://pigment.test' });
    expect(request).toEqual({
      id: 'ashby-import-run-1',
      type: 'scheduled_import',
      subtype: 'completed',
      recipient: { memberId: 'm-owner' },
      title: 'Ashby import into New hires (Headcount) completed',
      body: '5 hires read from Ashby: 3 new, 1 updated, 1 unchanged.',
      url: 'https://pigment.test/imports/imp-1',
    });
  });

  it('says why a run failed, within the pipeline limits', () => {
    const request = importNotification({
      imp: imp('imp-1', { targetBlock: 'b'.repeat(300) }),
      run: run({ status: 'failed', error: 'e'.repeat(3_000) }),
      applicationName: 'Headcount',
      pigmentBaseUrl: 'https://pigment.test',
    });
    expect(request.subtype).toBe('failed');
    expect(Array.from(request.title).length).toBeLessThanOrEqual(150);
    expect(Array.from(request.body).length).toBeLessThanOrEqual(2_000);
    expect(request.body.startsWith('eee')).toBe(true);
  });
});
