/**
 * Ashby import runs end to end: the real Ashby client against the Ashby emulator (Basic auth,
 * paging, sync tokens, faults), the real connection service with its encrypted key, the rows
 * in the store, and the owner's notification delivered as a DM through the Slack emulator.
 */
import { notificationIdOf } from '../../../../src/features/ashby/imports/import-notification';
import { encryptSecret } from '../../../../src/platform/secrets';
import { pendingMemberId, type AshbyImport } from '../../../../src/features/ashby/imports';
import { API_KEY, deliveredNotification, OWNER, runImport, startImportsWorld, type ImportsWorld } from './imports-fixture';
import { storeRepos } from '../../../support/store-repos';
import { RESUME_IMPORTS_JOB } from '../../../../src/features/ashby/imports';
import { addIdleInstalledTenant, markedFor, visitsOf } from '../../../support/idle-tenant';
import { ABANDONED_RUN_ERROR } from '../../../../src/features/ashby/imports/import-run.repository';

describe('Ashby import runs', () => {
  let world: ImportsWorld;

  beforeEach(async () => {
    world = await startImportsWorld('ashbyimport');
    const { ashby } = world;
    ashby.departments.add({ id: 'dep-eng', name: 'Engineering' });
    ashby.departments.add({ id: 'dep-ops', name: 'Operations' });
    ashby.customFields.add({ id: 'cf-level', title: 'Level' });
    ashby.customFields.add({ id: 'cf-remote', title: 'Remote', fieldType: 'Boolean' });
  });
  afterEach(() => world.stop());

  const now = () => new Date();

  async function newImport(fields: Partial<Pick<AshbyImport, 'customFields' | 'createPendingMembers' | 'applicationId'>> = {}): Promise<AshbyImport> {
    return world.feature.imports.create(
      {
        applicationId: fields.applicationId ?? 'app-headcount',
        targetBlock: 'New hires',
        customFields: fields.customFields ?? [],
        createPendingMembers: fields.createPendingMembers ?? false,
      },
      'm-owner',
      now(),
    );
  }

  function hire(
    name: string,
    fields: { email?: string; departmentId?: string; customFields?: Record<string, unknown>; startDate?: string; salary?: number } = {},
  ) {
    const application = world.ashby.applications.add({
      candidateName: name,
      email: fields.email ?? `${name.toLowerCase().replace(/\s+/g, '.')}@people.test`,
      jobId: 'job-1',
      jobTitle: 'Engineer',
      departmentId: fields.departmentId ?? 'dep-eng',
      ...(fields.customFields ? { customFields: fields.customFields } : {}),
    });
    world.ashby.offers.add({
      applicationId: application.id,
      versions: [
        { startDate: '2026-01-01', salary: { currencyCode: 'EUR', value: 1 } },
        { startDate: fields.startDate ?? '2026-04-01', salary: { currencyCode: 'EUR', value: fields.salary ?? 90_000 } },
      ],
    });
    return application;
  }

  const run = (importId: string) => runImport(world, importId);
  const rows = (importId: string) => world.feature.rows.page(importId, undefined, 1_000);
  const callsTo = (endpoint: string) => world.ashby.calls().filter((c) => c.endpoint === endpoint);

  it('imports every hired application on a first run, with the latest offer and the department name, and tells the owner in a DM', async () => {
    const ada = hire('Ada Lovelace', { startDate: '2026-05-04', salary: 120_000 });
    const bob = hire('Bob Byte', { departmentId: 'dep-ops' });
    world.ashby.applications.add({ candidateName: 'Still Interviewing', status: 'Active' });
    const imp = await newImport();

    const finished = await run(imp.id);
    expect(finished).toMatchObject({
      status: 'completed',
      fullRead: true,
      counts: { fetched: 2, created: 2, updated: 0, unchanged: 0, malformed: 0, failed: 0 },
    });
    expect(await rows(imp.id)).toEqual(
      [
        {
          applicationId: ada.id,
          employeeName: 'Ada Lovelace',
          department: 'Engineering',
          jobId: 'job-1',
          jobTitle: 'Engineer',
          targetStartDate: '2026-05-04',
          actualStartDate: null,
          salary: 120_000,
          salaryCurrency: 'EUR',
          customFields: {},
        },
        {
          applicationId: bob.id,
          employeeName: 'Bob Byte',
          department: 'Operations',
          jobId: 'job-1',
          jobTitle: 'Engineer',
          targetStartDate: '2026-04-01',
          actualStartDate: null,
          salary: 90_000,
          salaryCurrency: 'EUR',
          customFields: {},
        },
      ].sort((a, b) => a.applicationId.localeCompare(b.applicationId)),
    );
    // Ashby was asked for hires only, with the key as the Basic auth user name.
    const reads = callsTo('application.list');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => (c.body as Record<string, unknown>)['status'] === 'Hired' && c.key === API_KEY && c.password === '')).toBe(true);
    expect(await world.feature.imports.findById(imp.id)).toMatchObject({ syncToken: expect.any(String) });

    const notification = await deliveredNotification(world, notificationIdOf(finished));
    expect(notification).toMatchObject({
      status: 'delivered',
      type: 'scheduled_import',
      subtype: 'completed',
      recipient: { memberId: 'm-owner' },
      url: `https://acme.pigment.test/imports/${imp.id}`,
    });
    const dm = world.t.emulator.messagesTo(OWNER).find((m) => JSON.stringify(m).includes(notificationIdOf(finished)));
    expect(JSON.stringify(dm)).toContain('Ashby import into New hires (Headcount) completed');
    expect(JSON.stringify(dm)).toContain('2 hires read from Ashby');
  });

  it('runs again by itself an import whose process died mid-run, closing the abandoned run (issue 17)', async () => {
    hire('Ada Lovelace');
    const imp = await newImport();
    const { scheduler } = world.t.connector.deps;
    expect(scheduler.plannedJobs()).toContainEqual({ name: RESUME_IMPORTS_JOB, expression: '30 * * * * *' });
    // Nothing left running: the job runs no import.
    expect(await scheduler.runPlannedNow(RESUME_IMPORTS_JOB, 'event')).toMatchObject({ ran: true, report: { interrupted: 0, resumed: 0 } });
    expect(await world.feature.runs.latest(imp.id, 5)).toEqual([]);

    // What a process killed mid-run leaves: a run marked running, its lease expired.
    const dead = await world.feature.runs.start(imp.id, 'schedule', new Date());
    expect(await scheduler.runPlannedNow(RESUME_IMPORTS_JOB, 'event')).toMatchObject({ ran: true, report: { interrupted: 1, resumed: 1, stillRunning: 0 } });
    const [latest, abandoned] = await world.feature.runs.latest(imp.id, 5);
    expect(abandoned).toMatchObject({ id: dead.id, status: 'failed', error: ABANDONED_RUN_ERROR });
    expect(latest).toMatchObject({ status: 'completed', counts: { created: 1 } });
    expect(await rows(imp.id)).toEqual([expect.objectContaining({ employeeName: 'Ada Lovelace' })]);
  });

  it('is found by the resume tick through the mark its run left on the tenant; an installed tenant with nothing running is not visited', async () => {
    hire('Ada Lovelace');
    const imp = await newImport();
    const connector = world.t.connector;
    await addIdleInstalledTenant(connector);
    const tenant = connector.config.defaultWorkspaceId;
    // An import marks its tenant before its run is marked running.
    expect(await markedFor(connector, RESUME_IMPORTS_JOB)).toEqual([]);
    await run(imp.id);
    expect(await markedFor(connector, RESUME_IMPORTS_JOB)).toEqual([tenant]);

    // What a process killed mid-run leaves: a run marked running, its lease expired.
    const dead = await world.feature.runs.start(imp.id, 'schedule', new Date());
    await connector.deps.scheduler.runPlannedTick(RESUME_IMPORTS_JOB, new Date('2026-12-01T10:00:30Z'));
    const [latest, abandoned] = await world.feature.runs.latest(imp.id, 5);
    expect(abandoned).toMatchObject({ id: dead.id, status: 'failed', error: ABANDONED_RUN_ERROR });
    expect(latest).toMatchObject({ status: 'completed' });
    // The idle tenant's installation is live, yet the tick took nothing there: no tick, no report.
    expect(await visitsOf(connector, RESUME_IMPORTS_JOB)).toEqual([tenant]);
  });

  it('reads only what changed on the next run (the sync token), and a re-run never duplicates rows', async () => {
    const ada = hire('Ada Lovelace');
    hire('Bob Byte');
    const imp = await newImport();
    await run(imp.id);
    const token = (await world.feature.imports.findById(imp.id))!.syncToken;

    world.ashby.clearCalls();
    world.ashby.applications.update(ada.id, { jobTitle: 'Staff Engineer' });
    const carol = hire('Carol Code');
    const second = await run(imp.id);
    expect(callsTo('application.list')[0]!.body).toMatchObject({ status: 'Hired', syncToken: token });
    expect(second).toMatchObject({ status: 'completed', fullRead: false, counts: { fetched: 2, created: 1, updated: 1, unchanged: 0 } });

    const third = await run(imp.id);
    expect(third.counts).toMatchObject({ fetched: 0, created: 0, updated: 0 });
    const stored = await rows(imp.id);
    expect(stored).toHaveLength(3);
    expect(stored.find((r) => r.applicationId === ada.id)?.jobTitle).toBe('Staff Engineer');
    expect(stored.map((r) => r.applicationId)).toContain(carol.id);
    expect(await world.t.connector.store.db.collection('ashby_import_rows').countDocuments({ importId: imp.id })).toBe(3);
  });

  it('reads everything again when Ashby no longer accepts the sync token, without duplicating', async () => {
    hire('Ada Lovelace');
    hire('Bob Byte');
    const imp = await newImport();
    await run(imp.id);
    world.ashby.syncTokens.expireAll();
    const again = await run(imp.id);
    expect(again).toMatchObject({ status: 'completed', fullRead: true, counts: { fetched: 2, created: 0, updated: 0, unchanged: 2 } });
    expect(await rows(imp.id)).toHaveLength(2);
  });

  it('copies the chosen custom fields into the rows, and only those', async () => {
    const ada = hire('Ada Lovelace', { customFields: { 'cf-level': 'L5', 'cf-remote': true } });
    const bob = hire('Bob Byte', { customFields: { 'cf-remote': false } });
    const imp = await newImport({ customFields: [{ id: 'cf-level', title: 'Level' }] });
    await run(imp.id);
    const stored = await rows(imp.id);
    expect(stored.find((r) => r.applicationId === ada.id)?.customFields).toEqual({ 'cf-level': 'L5' });
    expect(stored.find((r) => r.applicationId === bob.id)?.customFields).toEqual({ 'cf-level': null });
  });

  it('reports a malformed record in the run and imports the others', async () => {
    const ada = hire('Ada Lovelace');
    const badId = world.ashby.applications.addMalformed({ id: 'app-broken', status: 'Hired', candidate: 'not an object' }, { id: 'app-broken' });
    const imp = await newImport();
    const finished = await run(imp.id);
    expect(finished).toMatchObject({ status: 'completed_with_errors', counts: { fetched: 2, created: 1, malformed: 1 } });
    expect(finished.errors).toEqual([{ applicationId: badId, message: expect.stringContaining('Malformed record') }]);
    expect((await rows(imp.id)).map((r) => r.applicationId)).toEqual([ada.id]);
    expect((await world.feature.runs.latest(imp.id, 5))[0]).toMatchObject({ id: finished.id, status: 'completed_with_errors' });
    const notification = await deliveredNotification(world, notificationIdOf(finished));
    expect(notification.title).toContain('completed with errors');
    expect(notification.body).toContain('1 malformed');
  });

  it('retries a 429 (Retry-After) and completes', async () => {
    hire('Ada Lovelace');
    const imp = await newImport();
    world.ashby.failNext({ status: 429, retryAfterS: 1, endpoint: 'application.list' });
    const finished = await run(imp.id);
    expect(finished).toMatchObject({ status: 'completed', counts: { created: 1 } });
    expect(callsTo('application.list').map((c) => c.status)).toEqual([429, 200]);
  });

  it('marks the connection broken when the key was revoked, fails the run and tells the owner', async () => {
    hire('Ada Lovelace');
    const imp = await newImport();
    await run(imp.id);
    const token = (await world.feature.imports.findById(imp.id))!.syncToken;
    world.ashby.keys.revoke(API_KEY);
    const failed = await run(imp.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('marked broken');
    expect(failed.error).not.toContain(API_KEY);
    expect(await world.connections.get(world.connectionId)).toMatchObject({ status: 'broken' });
    // A failed run keeps the old token.
    expect((await world.feature.imports.findById(imp.id))!.syncToken).toBe(token);
    const notification = await deliveredNotification(world, notificationIdOf(failed));
    expect(notification).toMatchObject({ status: 'delivered', subtype: 'failed' });
    expect(notification.body).toContain('Ashby refused the API key');
    const dm = world.t.emulator.messagesTo(OWNER).find((m) => JSON.stringify(m).includes(notificationIdOf(failed)));
    expect(JSON.stringify(dm)).toContain('failed');
    expect(world.t.logs.join('\n')).not.toContain(API_KEY);
  });

  it('fails clearly and marks the connection broken when the stored key no longer decrypts (ENCRYPTION_KEY changed)', async () => {
    hire('Ada Lovelace');
    const imp = await newImport();
    // As if the key had been encrypted with another ENCRYPTION_KEY.
    await world.t.connector.deps.db
      .collection('ashby_connections')
      .updateOne({ _id: world.connectionId as never }, { $set: { key: encryptSecret(API_KEY, Buffer.alloc(32, 7)) } });
    const failed = await run(imp.id);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.error).toContain('cannot be decrypted with the current ENCRYPTION_KEY');
    expect(await world.connections.get(world.connectionId)).toMatchObject({ status: 'broken' });
    expect(world.ashby.calls()).toHaveLength(0);
  });

  it("fails with the platform's words when no connection lists the application", async () => {
    const imp = await newImport({ applicationId: 'app-finance' });
    const failed = await run(imp.id);
    expect(failed).toMatchObject({ status: 'failed', error: "Add Finance to an Ashby connection's access list first." });
    expect(world.ashby.calls()).toHaveLength(0);
  });

  it('creates pending members for hires nobody has in the directory, when the import says so', async () => {
    const ada = hire('Ada Lovelace', { email: 'ada@people.test' });
    const olga = hire('Olga Owner', { email: 'OLGA@acme.test' });
    const off = await newImport();
    await run(off.id);
    expect(await storeRepos(world.t.connector.store.db).members.findByEmailKey('ada@people.test')).toBeUndefined();

    const on = await newImport({ createPendingMembers: true });
    const finished = await run(on.id);
    expect(finished.counts.membersCreated).toBe(1);
    expect(await storeRepos(world.t.connector.store.db).members.findByEmailKey('ada@people.test')).toMatchObject({
      id: pendingMemberId(ada.id),
      name: 'Ada Lovelace',
      status: 'pending',
      accountType: 'standard_member',
    });
    // Olga already is a member: nobody new for her.
    expect(await storeRepos(world.t.connector.store.db).members.findById(pendingMemberId(olga.id))).toBeUndefined();
    const again = await runImport(world, on.id, 'schedule');
    expect(again.counts.membersCreated).toBe(0);
  });
});
