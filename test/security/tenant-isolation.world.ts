/**
 * The world the tenant isolation tests run in: one multi-tenant connector (OAuth, Socket
 * Mode) and three platform workspaces, each installed on its own Slack workspace of the
 * emulator, seeded with the SAME member ids, emails, Slack user ids and user group ids, so
 * that anything keyed by one of them alone (and not by the tenant too) shows up as a leak.
 * Each tenant also gets data of its own through its own API and Slack (applications, an
 * Ashby connection, an Ashby import that ran, a delivered notification, published Homes),
 * every name carrying the tenant's marker (`ACME-SECRET`, …), so that a reveal of one
 * tenant's data to another is a plain substring search.
 *
 * The snapshot reads every collection through the raw Db and keeps, per tenant, its
 * documents byte for byte (canonical EJSON): tenant collections by `tenantId`, global
 * collections by the owner rule below (a global collection without one fails the snapshot).
 */
import cron from 'node-cron';
import { BSON, type Db, type Document } from 'mongodb';
import { createAshbyEmulator, type AshbyEmulator } from '../../scripts/ashby-emulator';
import type { Seed, SeedUser, SlackTeamEmulator } from '../../scripts/slack-emulator';
import { ASHBY_CONNECTION_IDS as CONNECTION } from '../../src/features/ashby/connections/ids';
import { IMPORT_HOME_IDS, IMPORT_SETUP_BLOCKS, IMPORT_SETUP_IDS } from '../../src/features/ashby/imports/ids';
import { ALL_INDEXES } from '../../src/features/index-registry';
import { useSingleTenantScopeInTests } from '../../src/tenancy/tenant-scope';
import { SEEN_EVENTS_COLLECTION } from '../../src/slack/repeated-events';
import { eventually, type TestConnector } from '../support/connector';
import { recordListeners, sampleId, type RecordedListeners } from '../support/listener-recorder';
import { registerSuiteSecret } from '../support/suite-log';
import { AUTH, installLink, installThroughSlack, putJson, startOAuthConnector } from '../features/installs/oauth-fixture';

export const ASHBY_KEY = 'ashby_isolation_key_7c1e5a9b3d2f4e6a8b0c';
registerSuiteSecret('Ashby API key (tenant isolation)', ASHBY_KEY);

export interface TenantFixture {
  id: string;
  marker: string;
  baseUrl: string;
  team: { id: string; name: string; domain: string };
  /** The Slack user that exists in this team only (the others share every id). */
  onlyUser: string;
  /** The member that exists in this tenant only. */
  onlyMember: string;
}

const tenant = (id: string, teamId: string): TenantFixture => ({
  id,
  marker: `${id.toUpperCase()}-SECRET`,
  baseUrl: `https://${id}.pigment.test`,
  team: { id: teamId, name: `${id} Slack`, domain: id },
  onlyUser: `U0ONLY${id.toUpperCase().slice(0, 4)}`,
  onlyMember: `m-only-${id}`,
});

export const TENANTS: readonly TenantFixture[] = [tenant('acme', 'T0ACME0001'), tenant('globex', 'T0GLOBEX01'), tenant('initech', 'T0INITEC01')];

/** Slack users every team has, with the same ids and emails. */
export const ADMIN_USER = 'U0ADMIN001';
export const ADA_USER = 'U0000001';
export const BOB_USER = 'U0000002';
export const SHARED_USERS = [ADMIN_USER, ADA_USER, BOB_USER] as const;
export const USERGROUP = 'S0ENG00001';

/** Members every tenant has, with the same ids and emails. */
export const SHARED_MEMBERS = [
  { id: 'm-admin', email: 'root@example.com', accountType: 'primary_owner' },
  { id: 'm-1', email: 'ada@example.com', accountType: 'workspace_admin' },
  { id: 'm-2', email: 'bob@example.com', accountType: 'standard_member' },
] as const;

function seedOf(t: TenantFixture): Seed {
  const users: SeedUser[] = [
    { id: ADMIN_USER, name: 'root', real_name: `Root ${t.marker}`, is_admin: true, profile: { email: 'root@example.com' } },
    { id: ADA_USER, name: 'ada', real_name: `Ada ${t.marker}`, profile: { email: 'ada@example.com' } },
    { id: BOB_USER, name: 'bob', real_name: `Bob ${t.marker}`, profile: { email: 'bob@example.com' } },
    { id: t.onlyUser, name: `only-${t.id}`, real_name: `Only ${t.marker}`, profile: { email: `only-${t.id}@example.com` } },
  ];
  return {
    team: t.team,
    installed: false,
    users,
    usergroups: [{ id: USERGROUP, handle: 'eng', name: `Engineering ${t.marker}`, users: [ADA_USER, BOB_USER] }],
  } as Seed;
}

/** What each tenant holds after seeding: the ids the generated payloads point at. */
export interface Seeded {
  connectionId: string;
  importId: string;
}

export interface World {
  t: TestConnector;
  ashby: AshbyEmulator;
  listeners: RecordedListeners;
  /** Action ids of every block_actions listener (row patterns sampled with row 0). */
  actionIds: string[];
  /** Callback ids of every view_submission listener. */
  callbackIds: string[];
  /** Action ids of every block_suggestion (options) listener. */
  optionIds: string[];
  seeded: Map<string, Seeded>;
  team(tenantIndex: number): SlackTeamEmulator;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string }>;
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const ashby = await createAshbyEmulator({ keys: { [ASHBY_KEY]: { title: 'Isolation import' } } });
  ashby.applications.add({ candidateName: 'Hana Hired', email: 'hana@people.test', jobId: 'job-1', jobTitle: 'Engineer' });
  const [first, ...others] = TENANTS.map(seedOf);
  let t: TestConnector;
  try {
    t = await startOAuthConnector({
      seed: first!,
      teams: others,
      env: {
        ASHBY_API_URL: ashby.url,
        // A notification for a member nobody can reach is skipped at its first recheck
        // (TEST_TUNING rechecks after 1 s), not after a day: each run can wait for its tenant's queue to empty.
        NOTIFICATION_WAIT_HOURS: '0.0002',
        LOG_LEVEL: 'info',
      },
    });
  } catch (error) {
    await ashby.close();
    throw error;
  }
  // The recorder builds the features on a throwaway Bolt app with a single-tenant fallback
  // scope; the multi-tenant connector must run without one, so it is cleared again at once.
  const listeners = recordListeners(t.connector.store.db);
  useSingleTenantScopeInTests(undefined);
  const callbackIds = listeners.views.map((c) => sampleId(c, 'callback_id'));
  const actionIds = listeners.actions.map((c) => sampleId(c, 'action_id'));
  const optionIds = listeners.interactive.filter((entry) => entry.startsWith('options:')).map((entry) => entry.slice('options:'.length));

  const api: World['api'] = async (method, path, body) => {
    const response = await t.fetch(path, { method, headers: AUTH, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  };
  const world: World = {
    t,
    ashby,
    listeners,
    actionIds,
    callbackIds,
    optionIds,
    seeded: new Map(),
    team: (index) => t.emulator.team(TENANTS[index]!.team.id),
    api,
    stop: async () => {
      await t.stop();
      await ashby.close();
    },
  };
  try {
    for (const [index, fixture] of TENANTS.entries()) world.seeded.set(fixture.id, await seedTenant(world, index));
    // The scheduler's cron triggers run every tenant's jobs on their own (the resume jobs tick
    // every minute and write that tenant's ticks, leases and run reports): stopped, so that a
    // tenant's documents change only when something acts as that tenant. Jobs a click starts
    // ("Sync now", "Run now") still run; every node-cron task in this jest worker is this connector's.
    for (const task of cron.getTasks().values()) await task.stop();
    for (const fixture of TENANTS) await settleTenant(world, fixture.id);
  } catch (error) {
    await world.stop();
    throw error;
  }
  return world;
}

async function seedTenant(world: World, index: number): Promise<Seeded> {
  const { t, api } = world;
  const fixture = TENANTS[index]!;
  const base = `/api/v1/workspaces/${fixture.id}`;
  expect((await putJson(t, base, { name: `${fixture.marker} Inc`, baseUrl: fixture.baseUrl })).status).toBe(201);
  for (const member of [...SHARED_MEMBERS, { id: fixture.onlyMember, email: `only-${fixture.id}@example.com`, accountType: 'standard_member' }]) {
    const put = await api('PUT', `${base}/members/${member.id}`, {
      email: member.email,
      name: `${member.id} ${fixture.marker}`,
      accountType: member.accountType,
      status: 'activated',
      groups: [`Group ${fixture.marker}`],
    });
    expect(put.status).toBe(201);
  }
  const link = await installLink(t, fixture.id, 'm-admin');
  expect(link.status).toBe(201);
  const done = await installThroughSlack(t.emulator, link.url!, `${fixture.team.id}:${ADMIN_USER}`);
  expect(done.status).toBe(200);
  // The first matching: every member with a Slack user is connected.
  await eventually(
    async () => {
      const members = await Promise.all(
        ['m-admin', 'm-1', 'm-2', fixture.onlyMember].map(async (id) => (await api('GET', `${base}/members/${id}`)).json?.mapping?.status),
      );
      return members.every((status) => status === 'connected') ? true : undefined;
    },
    15_000,
    `${fixture.id}'s first matching`,
  );
  for (const [id, name] of [
    ['app-hc', `Headcount ${fixture.marker}`],
    ['app-fin', `Finance ${fixture.marker}`],
  ]) {
    expect((await api('PUT', `${base}/applications/${id}`, { name })).status).toBe(201);
  }
  const team = world.team(index);
  const settle = () => settleListeners(world);

  // An Ashby connection listing app-hc, as the admin adds it.
  const text = (value: string) => ({ type: 'plain_text_input', value });
  const option = (value: string) => ({ text: { type: 'plain_text', text: value }, value });
  await team.socket.sendInteractive(
    team.interactionPayload(ADMIN_USER, {
      type: 'view_submission',
      view: {
        id: `V0CONN${index}000`,
        type: 'modal',
        callback_id: CONNECTION.createView,
        hash: '1',
        state: {
          values: {
            [CONNECTION.name]: { [CONNECTION.name]: text(`Connection ${fixture.marker}`) },
            [CONNECTION.apiKey]: { [CONNECTION.apiKey]: text(ASHBY_KEY) },
            [CONNECTION.applications]: { [CONNECTION.applications]: { type: 'multi_static_select', selected_options: [option('app-hc')] } },
          },
        },
      },
    }),
  );
  await settle();
  const connection = await eventually(
    () =>
      rawDb(world)
        .collection('ashby_connections')
        .findOne({ tenantId: fixture.id })
        .then((doc) => doc ?? undefined),
    10_000,
    `${fixture.id}'s connection`,
  );

  // An import of app-hc, set up and run once.
  await team.socket.sendInteractive(
    team.interactionPayload(ADMIN_USER, {
      type: 'view_submission',
      view: {
        id: `V0IMPT${index}000`,
        type: 'modal',
        callback_id: IMPORT_SETUP_IDS.view,
        hash: '1',
        private_metadata: '',
        state: {
          values: {
            [IMPORT_SETUP_BLOCKS.application]: { [IMPORT_SETUP_IDS.application]: { type: 'static_select', selected_option: option('app-hc') } },
            [IMPORT_SETUP_BLOCKS.targetBlock]: { [IMPORT_SETUP_IDS.targetBlock]: text(`Hires ${fixture.marker}`) },
            [IMPORT_SETUP_BLOCKS.customFields]: { [IMPORT_SETUP_IDS.customFields]: { type: 'multi_static_select', selected_options: [] } },
            [IMPORT_SETUP_BLOCKS.createPendingMembers]: { [IMPORT_SETUP_IDS.createPendingMembers]: { type: 'checkboxes', selected_options: [] } },
          },
        },
      },
    }),
  );
  await settle();
  const imported = await eventually(
    () =>
      rawDb(world)
        .collection('ashby_imports')
        .findOne({ tenantId: fixture.id })
        .then((doc) => doc ?? undefined),
    10_000,
    `${fixture.id}'s import`,
  );
  const importId = stripTenant(imported._id, fixture.id);
  await team.socket.sendInteractive(
    team.interactionPayload(ADMIN_USER, {
      type: 'block_actions',
      container: { type: 'view', view_id: `VHOME${index}` },
      view: { id: `VHOME${index}`, type: 'home' },
      actions: [{ type: 'button', action_id: `${IMPORT_HOME_IDS.runNowPrefix}0`, block_id: 'x', value: importId }],
    }),
  );
  await settle();
  await eventually(
    () =>
      rawDb(world)
        .collection('ashby_import_rows')
        .findOne({ tenantId: fixture.id })
        .then((doc) => doc ?? undefined),
    10_000,
    `${fixture.id}'s imported rows`,
  );

  // A notification delivered to Ada, and every shared user's Home published.
  const posted = await api('POST', `${base}/notifications`, {
    id: 'n-1',
    type: 'conversation',
    subtype: 'comment',
    recipient: { memberId: 'm-1' },
    title: `Hello ${fixture.marker}`,
    body: `A comment from ${fixture.marker}`,
    url: `${fixture.baseUrl}/boards/1`,
    actor: { name: `Actor ${fixture.marker}` },
  });
  expect(posted.status).toBe(202);
  await eventually(async () => ((await api('GET', `${base}/notifications/n-1`)).json?.status === 'delivered' ? true : undefined), 10_000, 'n-1 delivered');
  for (const user of [...SHARED_USERS, fixture.onlyUser]) {
    await team.socket.sendEvent(team.events.appHomeOpened(user));
    await settle();
  }
  return { connectionId: String(connection._id), importId };
}

export function rawDb(world: World): Db {
  return world.t.connector.store.db;
}

function stripTenant(id: unknown, tenantId: string): string {
  const text = String(id);
  return text.startsWith(`${tenantId}/`) ? text.slice(tenantId.length + 1) : text;
}

/** Every listener finished (the connector acks first and works after). */
export async function settleListeners(world: World): Promise<void> {
  await eventually(() => (world.t.connector.slack.inFlight.size === 0 ? true : undefined), 15_000, 'listeners to finish');
}

/**
 * Everything a tenant's own actions started has finished: listeners, the member change
 * queue (through the connector's shutdown hooks, which only wait for it), the tenant's
 * notification queue and its due mark, and its jobs' leases; then its documents stay the
 * same for a moment.
 */
export async function settleTenant(world: World, tenantId: string): Promise<void> {
  const db = rawDb(world);
  await settleListeners(world);
  for (const waitForIdle of world.t.connector.deps.hooks.stopping) await waitForIdle();
  await eventually(
    async () => {
      const queued = await db.collection('notification_queue').countDocuments({ tenantId });
      const due = await db.collection('delivery_tenants').countDocuments({ _id: tenantId as never });
      const leases = await db.collection('leases').countDocuments({ tenantId, expiresAt: { $gt: new Date() } });
      return queued + due + leases === 0 && world.t.connector.slack.inFlight.size === 0 ? true : undefined;
    },
    20_000,
    `${tenantId}'s queue, due mark and leases`,
  );
  let last = JSON.stringify(await snapshot(world, [tenantId]));
  await eventually(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const now = JSON.stringify(await snapshot(world, [tenantId]));
      const quiet = now === last;
      last = now;
      return quiet ? true : undefined;
    },
    15_000,
    `${tenantId}'s documents to stay the same`,
  );
}

const GLOBAL_COLLECTIONS = new Set(ALL_INDEXES.filter((definition) => definition.global).map((definition) => definition.collection));

/**
 * Which tenant a document of a global collection belongs to. Install link uses and OAuth
 * state uses belong to their link's or state's tenant; seen Slack event ids and the store's
 * migration record belong to no tenant and are left out.
 */
function globalOwners(docs: Map<string, Document[]>): Map<string, (doc: Document) => string | undefined> {
  const linkOwner = new Map((docs.get('slack_install_links') ?? []).map((link) => [String(link._id), String(link.tenantId)]));
  const stateOwner = new Map(
    (docs.get('slack_oauth_states') ?? []).map((state) => [String(state._id), String(JSON.parse(state.installOptions?.metadata ?? '{}').tenantId)]),
  );
  return new Map<string, (doc: Document) => string | undefined>([
    ['platform_workspaces', (doc) => String(doc._id)],
    ['slack_installations', (doc) => String(doc.tenantId)],
    ['slack_install_links', (doc) => String(doc.tenantId)],
    ['slack_install_link_uses', (doc) => linkOwner.get(String(doc._id)) ?? 'unknown link'],
    ['slack_oauth_states', (doc) => String(JSON.parse(doc.installOptions?.metadata ?? '{}').tenantId)],
    ['slack_oauth_state_uses', (doc) => stateOwner.get(String(doc._id)) ?? 'unknown state'],
    ['delivery_tenants', (doc) => String(doc._id)],
    // A tenant's marks for the jobs that visit marked tenants only (src/platform/scheduler).
    ['tenant_job_markers', (doc) => String(doc.tenantId)],
    [SEEN_EVENTS_COLLECTION, () => undefined],
    // The deployment's record that no single-workspace data is left to move: no tenant's.
    ['store_migrations', () => undefined],
  ]);
}

/** Per tenant, per collection: the tenant's documents as canonical EJSON, sorted. */
export type Snapshot = Record<string, Record<string, string[]>>;

/**
 * The documents of `tenantIds`, byte for byte, from every collection of the database. Also
 * checks what makes tenant collections safe: every document names its tenant, and a string
 * `_id` carries that tenant's prefix.
 */
export async function snapshot(world: World, tenantIds: readonly string[]): Promise<Snapshot> {
  const db = rawDb(world);
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const docs = new Map<string, Document[]>();
  for (const name of names) docs.set(name, await db.collection(name).find({}).toArray());
  const owners = globalOwners(docs);
  const result: Snapshot = Object.fromEntries(tenantIds.map((id) => [id, {}]));
  for (const name of names) {
    const global = GLOBAL_COLLECTIONS.has(name);
    const owner = owners.get(name);
    if (global && !owner) throw new Error(`the global collection ${name} has no owner rule in tenant-isolation.world.ts: say whose documents it holds`);
    for (const doc of docs.get(name)!) {
      let tenantId: string | undefined;
      if (global) tenantId = owner!(doc);
      else {
        if (typeof doc.tenantId !== 'string') throw new Error(`a document of the tenant collection ${name} has no tenantId: ${BSON.EJSON.stringify(doc)}`);
        if (typeof doc._id === 'string' && !doc._id.startsWith(`${doc.tenantId}/`))
          throw new Error(`a document of ${name} has an _id outside its tenant's range: ${BSON.EJSON.stringify(doc)}`);
        tenantId = doc.tenantId;
      }
      const perTenant = tenantId === undefined ? undefined : result[tenantId];
      if (!perTenant) continue;
      (perTenant[name] ??= []).push(BSON.EJSON.stringify(doc, { relaxed: false }));
    }
  }
  for (const perTenant of Object.values(result)) for (const list of Object.values(perTenant)) list.sort();
  return result;
}

/** Everything the connector showed in a Slack workspace: Homes, modals and messages, as one string. */
export function slackOutput(team: SlackTeamEmulator): string {
  const { state } = team;
  return JSON.stringify({
    homes: [...state.homeViews.values()],
    views: [...state.views.values()],
    messages: [...state.messages.values()],
  });
}

/** Tenants other than `index`. */
export function othersOf(index: number): TenantFixture[] {
  return TENANTS.filter((_, i) => i !== index);
}
