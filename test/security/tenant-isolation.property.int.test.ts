/**
 * Tenant isolation (the issue: "Isolation is the first property"): no API call, Slack event or
 * interaction of one tenant ever reads, changes or reveals another's data.
 *
 * Three platform workspaces on one connector, each installed through OAuth on its own Slack
 * workspace of the emulator, with the same member ids, emails, Slack user ids and user group
 * id in all three (see tenant-isolation.world.ts: real Slack user ids are unique, the overlap
 * makes the test stronger: anything keyed by a Slack user id or a member id alone collides).
 *
 * - Targeted cases: a user of one team pressing buttons of, and submitting, a view of another
 *   team; an event for a team with no installation; a notification to one tenant for a member
 *   who exists only in another; another tenant's resources asked for by id; per-user state of
 *   the listeners (Home paging, a running export) for a Slack user id both teams have.
 * - A property: fast-check generates runs of operations acting as one tenant (every HTTP route
 *   of CONTRACT.md under its /api/v1/workspaces/<id>/…, valid and hostile bodies; block_actions
 *   for every recorded action_id, view_submission for every callback_id, block_suggestion for
 *   every options listener, the events the app subscribes to, sent through that tenant's team as
 *   one of its users, sometimes carrying another team's view). After each run every other
 *   tenant's documents, in every collection, are byte for byte what they were before, and
 *   nothing the run answered over HTTP or showed in the tenant's Slack names another tenant's
 *   data. app_uninstalled and tokens_revoked are left out (they end the tenant's installation,
 *   and test/features/installs covers them side by side).
 *
 * Background work that runs on its own is paused: the scheduler's cron triggers (see
 * startWorld). Work a run starts (deliveries, matching, a sync or an import a click starts) is
 * waited for before the others are compared (settleTenant), so nothing is ignored in the
 * comparison but the seen-event ids, which belong to no tenant.
 */
import fc from 'fast-check';
import { HOME_IDS } from '../../src/features/home/ids';
import { INVENTORY_IDS } from '../../src/features/inventory/ids';
import { MEMBERS_HOME_IDS as MEMBERS } from '../../src/features/members/home/ids';
import { MANUAL_MAPPING_BLOCKS, MANUAL_MAPPING_IDS } from '../../src/features/mapping/manual/ids';
import { ASHBY_CONNECTION_IDS as CONNECTION } from '../../src/features/ashby/connections/ids';
import { IMPORT_SETUP_BLOCKS, IMPORT_SETUP_IDS } from '../../src/features/ashby/imports/ids';
import { PROVISIONING_CONFIG_BLOCKS, PROVISIONING_CONFIG_IDS } from '../../src/features/provisioning/home/config-ids';
import type { SlackView } from '../../scripts/slack-emulator';
import { eventually } from '../support/connector';
import { Browser } from '../features/installs/oauth-fixture';
import {
  ADA_USER,
  ADMIN_USER,
  ASHBY_KEY,
  BOB_USER,
  othersOf,
  settleListeners,
  settleTenant,
  slackOutput,
  snapshot,
  startWorld,
  TENANTS,
  USERGROUP,
  type Snapshot,
  type World,
} from './tenant-isolation.world';

const ids = TENANTS.map((tenant) => tenant.id);

/** `snapshot` of every tenant but `index`. */
async function othersSnapshot(world: World, index: number): Promise<Snapshot> {
  return snapshot(
    world,
    othersOf(index).map((tenant) => tenant.id),
  );
}

/** Where any of the other tenants' markers appears in `text`. */
function revealed(text: string, index: number): string[] {
  return othersOf(index).flatMap((tenant) => {
    const at = text.indexOf(tenant.marker);
    return at < 0 ? [] : [`${tenant.marker}: …${text.slice(Math.max(0, at - 200), at + 60)}…`];
  });
}

// ---------------------------------------------------------------------------------------------
// Operations acting as one tenant. Strings may hold `{self.…}` and `{other.…}` placeholders,
// filled in when the operation runs: the acting tenant's or another tenant's ids (never another
// tenant's marker, so whatever a run writes or shows of another tenant's data is a leak).

interface Context {
  self: number;
  other: number;
  /** A counter for fresh idempotency keys. */
  fresh: () => number;
}

function fill(template: string, ctx: Context, world: World): string {
  const self = TENANTS[ctx.self]!;
  const other = TENANTS[ctx.other]!;
  const values: Record<string, string> = {
    'self.id': self.id,
    'self.marker': self.marker,
    'self.baseUrl': self.baseUrl,
    'self.onlyMember': self.onlyMember,
    'self.onlyUser': self.onlyUser,
    'self.connection': world.seeded.get(self.id)!.connectionId,
    'self.import': world.seeded.get(self.id)!.importId,
    'other.id': other.id,
    'other.baseUrl': other.baseUrl,
    'other.onlyMember': other.onlyMember,
    'other.onlyUser': other.onlyUser,
    'other.connection': world.seeded.get(other.id)!.connectionId,
    'other.import': world.seeded.get(other.id)!.importId,
    fresh: String(ctx.fresh()),
  };
  return template.replace(/\{(self\.\w+|other\.\w+|fresh)\}/g, (_, key: string) => values[key]!);
}

/** Fills every string inside `value`. */
function fillDeep(value: unknown, ctx: Context, world: World): unknown {
  if (typeof value === 'string') return fill(value, ctx, world);
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, ctx, world));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, ctx, world)]));
  return value;
}

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>({ $ne: null }, { $gt: '' }, { $regex: '.*' }, [{ $ne: null }], null, [], {}, true, 0, -1, '', '__proto__', 'x'.repeat(3_000)),
  fc.string({ maxLength: 20 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A valid body with each field kept (mostly), swapped for a hostile value or dropped, and maybe an extra field. */
function mutated(valid: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const fields = Object.fromEntries(
    Object.entries(valid).map(([key, value]) => [
      key,
      fc.oneof({ weight: 12, arbitrary: value }, { weight: 1, arbitrary: hostile }, { weight: 1, arbitrary: fc.constant(undefined) }),
    ]),
  );
  const extra = fc.oneof(
    { weight: 5, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('$set', 'tenantId', 'extra'), hostile) },
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.record(fields), extra).map(([body, more]) => (more ? { ...body, [more[0]]: more[1] } : body)) },
    { weight: 1, arbitrary: hostile },
  );
}

const memberId = fc.constantFrom('m-1', 'm-2', '{self.onlyMember}', '{other.onlyMember}', 'm-new-{fresh}', 'm-admin');
/** Member ids an operation may change: not the acting tenant's admin, whom the Slack operations act as. */
const changeableMemberId = fc.constantFrom('m-1', 'm-2', '{self.onlyMember}', '{other.onlyMember}', 'm-new-{fresh}');
const email = fc.constantFrom(
  'root@example.com',
  'ada@example.com',
  'bob@example.com',
  'only-{self.id}@example.com',
  'only-{other.id}@example.com',
  'new-{fresh}@example.com',
);
const accountType = fc.constantFrom('standard_member', 'workspace_admin', 'security_admin', 'primary_owner');
const notificationId = fc.constantFrom('n-1', 'n-2', 'n-{other.id}-only', 'n-fresh-{fresh}');
/** Mostly the admin (a Primary Owner: every screen is open to them), sometimes members who may not, or a stranger. */
const slackUser = fc.oneof(
  { weight: 4, arbitrary: fc.constant(ADMIN_USER) },
  { weight: 1, arbitrary: fc.constantFrom(ADA_USER, BOB_USER, '{self.onlyUser}', '{other.onlyUser}') },
);
const buttonValue = fc.constantFrom(
  'm-1',
  'm-2',
  'm-admin',
  '{self.onlyMember}',
  '{other.onlyMember}',
  '{self.connection}',
  '{other.connection}',
  '{self.import}',
  '{other.import}',
  '0',
  '1',
  '',
  'conversation',
  'garbage',
);
const metadata = fc.oneof(
  fc.constantFrom(
    undefined,
    '',
    'not json',
    '{}',
    '{"memberId":"m-2"}',
    '{"memberId":"{other.onlyMember}"}',
    '{"memberId":"{self.onlyMember}","mode":"set_up"}',
    '{"memberId":"{other.onlyMember}","mode":"edit"}',
    '{"connectionId":"{self.connection}"}',
    '{"connectionId":"{other.connection}"}',
    '{"importId":"{self.import}"}',
    '{"importId":"{other.import}"}',
    '{"text":"","next":"{other.onlyMember}"}',
    '{"tab":"unconnected","text":"","page":0,"trail":[]}',
  ),
  hostile.map((v) => JSON.stringify(v)),
);

type HttpOp = { kind: 'http'; method: string; path: string; body?: unknown };
type InstallOp = { kind: 'install_page'; memberId: string };
type ActionOp = {
  kind: 'action';
  user: string;
  actionId: string;
  value: string;
  /** `auto`: where the emulator finds the element; `home`: the Home; a number: one of another team's views. */
  source: 'auto' | 'home' | number;
};
type SubmitOp = { kind: 'submit'; user: string; callbackId: string; values: unknown; metadata: string | undefined; foreign: number | undefined };
type OptionsOp = { kind: 'options'; user: string; actionId: string; query: string };
type EventOp =
  | { kind: 'app_home_opened'; user: string }
  | { kind: 'team_join'; user: string; email: string }
  | { kind: 'user_change'; user: string; email: string }
  | { kind: 'subteam'; created: boolean; users: string[] };
type Op = HttpOp | InstallOp | ActionOp | SubmitOp | OptionsOp | EventOp;

const T = '/api/v1/workspaces/{self.id}';

const httpOp: fc.Arbitrary<HttpOp> = fc.oneof(
  fc
    .record({
      id: changeableMemberId,
      body: mutated({
        email,
        name: fc.constantFrom('Name {self.marker}', 'Ada'),
        accountType,
        status: fc.constantFrom('pending', 'activated', 'deactivated'),
        groups: fc.constantFrom(['Group {self.marker}'], []),
      }),
    })
    .map(({ id, body }) => ({ kind: 'http' as const, method: 'PUT', path: `${T}/members/${id}`, body })),
  fc
    .record({
      email: fc.option(email),
      status: fc.option(fc.constantFrom('activated', 'deactivated', 'pending', 'bogus')),
      limit: fc.option(fc.constantFrom('1', '2', '200', '0', 'x')),
    })
    .map((q) => {
      // Not URL-encoded: the placeholders are filled in first (and no value holds `&`, `=` or a space).
      const query = Object.entries(q).flatMap(([k, v]) => (v === null ? [] : [`${k}=${v}`]));
      return { kind: 'http' as const, method: 'GET', path: `${T}/members?${query.join('&')}` };
    }),
  memberId.map((id) => ({ kind: 'http' as const, method: 'GET', path: `${T}/members/${id}` })),
  fc
    .record({
      id: changeableMemberId,
      body: mutated({ slack: fc.record({ conversation: fc.boolean(), automation: fc.boolean() }, { requiredKeys: [] }) }),
    })
    .map(({ id, body }) => ({ kind: 'http' as const, method: 'PUT', path: `${T}/members/${id}/preferences`, body })),
  mutated({
    id: notificationId,
    type: fc.constantFrom('conversation', 'automation', 'scheduled_import', 'async_task'),
    subtype: fc.constantFrom('comment', 'mention', 'completed'),
    recipient: fc.oneof(
      memberId.map((m) => ({ memberId: m })),
      email.map((e) => ({ email: e })),
    ),
    title: fc.constantFrom('Title {self.marker}', 'A title'),
    body: fc.constantFrom('Body *{self.marker}*', ''),
    url: fc.constantFrom('{self.baseUrl}/boards/2', '{other.baseUrl}/boards/2', 'https://evil.test/x'),
  }).map((body) => ({ kind: 'http' as const, method: 'POST', path: `${T}/notifications`, body })),
  notificationId.map((id) => ({ kind: 'http' as const, method: 'GET', path: `${T}/notifications/${id}` })),
  fc
    .record({
      id: fc.constantFrom('app-hc', 'app-fin', 'app-new-{fresh}'),
      body: mutated({ name: fc.constantFrom('App {self.marker}', 'Renamed {self.marker}', '') }),
    })
    .map(({ id, body }) => ({ kind: 'http' as const, method: 'PUT', path: `${T}/applications/${id}`, body })),
  fc
    .record({ id: fc.constantFrom('{self.import}', '{other.import}', 'imp-missing'), limit: fc.constantFrom('', '?limit=1', '?cursor=x') })
    .map(({ id, limit }) => ({ kind: 'http' as const, method: 'GET', path: `${T}/imports/${id}/rows${limit}` })),
  fc.constant({ kind: 'http' as const, method: 'GET', path: `${T}/slack` }),
  mutated({ memberId }).map((body) => ({ kind: 'http' as const, method: 'POST', path: `${T}/slack/install-links`, body })),
  mutated({
    name: fc.constantFrom('{self.marker} Inc', 'Renamed {self.marker}'),
    baseUrl: fc.constantFrom('{self.baseUrl}', '{other.baseUrl}', 'not a url'),
  }).map((body) => ({ kind: 'http' as const, method: 'PUT', path: T, body })),
);

const text = (value: unknown) => ({ type: 'plain_text_input', value });
const select = (value: unknown) => ({ type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'x' }, value } });
const multi = (values: unknown[]) => ({
  type: 'multi_static_select',
  selected_options: values.map((value) => ({ text: { type: 'plain_text', text: 'x' }, value })),
});
const typed = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Typed {self.marker}', 'ada@example.com', 'only-{other.id}@example.com', 'm-2', '{other.onlyMember}') },
  { weight: 1, arbitrary: hostile },
);
/** Whose ids a submission's metadata names: the acting tenant's, or (with another team's view, as that team would) the other's. */
const whose = fc.constantFrom('self', 'other');

/**
 * Submissions each modal would send: values that its listener accepts (mostly) and metadata
 * naming records that exist, in the acting tenant or in another; these are the writes.
 */
type Submission = [callbackId: string, values: unknown, metadata: string | undefined];
const plausibleSubmission: fc.Arbitrary<Submission> = fc.oneof(
  fc
    .tuple(fc.constantFrom('m-1', 'm-2', '{self.onlyMember}', '{other.onlyMember}'), typed, accountType)
    .map(
      ([member, name, type]): Submission => [
        MEMBERS.editView,
        { [MEMBERS.nameBlock]: { [MEMBERS.name]: text(name) }, [MEMBERS.accountTypeBlock]: { [MEMBERS.accountType]: select(type) } },
        JSON.stringify({ memberId: member }),
      ],
    ),
  fc
    .tuple(fc.constantFrom('m-1', 'm-2', '{other.onlyMember}'), changeableMemberId)
    .map(
      ([member, successor]): Submission => [
        MEMBERS.successorView,
        { [MEMBERS.successorBlock]: { [MEMBERS.successor]: select(successor) } },
        JSON.stringify({ memberId: member, text: '' }),
      ],
    ),
  fc
    .tuple(fc.constantFrom('m-1', 'm-2', '{self.onlyMember}', '{other.onlyMember}'), fc.constantFrom('set_up', 'edit'), fc.oneof(email, typed))
    .map(
      ([member, mode, address]): Submission => [
        MANUAL_MAPPING_IDS.connectView,
        { [MANUAL_MAPPING_BLOCKS.email]: { [MANUAL_MAPPING_IDS.emailInput]: text(address) } },
        JSON.stringify({ memberId: member, mode }),
      ],
    ),
  fc.tuple(whose, fc.constantFrom(CONNECTION.editView, CONNECTION.removeView, CONNECTION.replaceKeyView), typed, fc.subarray(['app-hc', 'app-fin'])).map(
    ([owner, callbackId, name, apps]): Submission => [
      callbackId,
      {
        [CONNECTION.name]: { [CONNECTION.name]: text(name) },
        [CONNECTION.apiKey]: { [CONNECTION.apiKey]: text(ASHBY_KEY) },
        [CONNECTION.applications]: { [CONNECTION.applications]: multi(apps) },
      },
      JSON.stringify({ connectionId: `{${owner}.connection}` }),
    ],
  ),
  fc.tuple(typed, fc.constantFrom(ASHBY_KEY, 'wrong-key'), fc.subarray(['app-hc', 'app-fin'])).map(
    ([name, key, apps]): Submission => [
      CONNECTION.createView,
      {
        [CONNECTION.name]: { [CONNECTION.name]: text(name) },
        [CONNECTION.apiKey]: { [CONNECTION.apiKey]: text(key) },
        [CONNECTION.applications]: { [CONNECTION.applications]: multi(apps) },
      },
      undefined,
    ],
  ),
  fc.tuple(fc.option(whose, { nil: undefined }), fc.constantFrom('app-hc', 'app-fin'), typed, fc.boolean()).map(
    ([owner, app, target, pending]): Submission => [
      IMPORT_SETUP_IDS.view,
      {
        [IMPORT_SETUP_BLOCKS.application]: { [IMPORT_SETUP_IDS.application]: select(app) },
        [IMPORT_SETUP_BLOCKS.targetBlock]: { [IMPORT_SETUP_IDS.targetBlock]: text(target) },
        [IMPORT_SETUP_BLOCKS.customFields]: { [IMPORT_SETUP_IDS.customFields]: multi([]) },
        [IMPORT_SETUP_BLOCKS.createPendingMembers]: {
          [IMPORT_SETUP_IDS.createPendingMembers]: { type: 'checkboxes', selected_options: pending ? [{ value: 'on' }] : [] },
        },
      },
      owner ? JSON.stringify({ importId: `{${owner}.import}` }) : '',
    ],
  ),
  fc.tuple(fc.constantFrom('everyone', 'groups'), fc.constantFrom('10', '100', 'x')).map(
    ([scope, share]): Submission => [
      PROVISIONING_CONFIG_IDS.view,
      {
        [PROVISIONING_CONFIG_BLOCKS.scope]: { [PROVISIONING_CONFIG_IDS.scope]: select(scope) },
        [PROVISIONING_CONFIG_BLOCKS.groups]: { [PROVISIONING_CONFIG_IDS.groups]: multi([USERGROUP]) },
        [PROVISIONING_CONFIG_BLOCKS.share]: { [PROVISIONING_CONFIG_IDS.share]: { type: 'number_input', value: share } },
      },
      undefined,
    ],
  ),
  fc.tuple(fc.constantFrom(MEMBERS.directoryView, MANUAL_MAPPING_IDS.reviewView), typed).map(
    ([callbackId, search]): Submission => [
      callbackId,
      {
        [MEMBERS.searchBlock]: { [MEMBERS.search]: text(search) },
        [MANUAL_MAPPING_BLOCKS.search]: { [MANUAL_MAPPING_IDS.search]: text(search) },
      },
      undefined,
    ],
  ),
);

function slackOps(world: World): fc.Arbitrary<Op> {
  const action: fc.Arbitrary<ActionOp> = fc.record({
    kind: fc.constant('action' as const),
    user: slackUser,
    actionId: fc.constantFrom(...world.actionIds),
    value: buttonValue,
    source: fc.oneof({ weight: 3, arbitrary: fc.constantFrom<'auto' | 'home'>('auto', 'home') }, { weight: 1, arbitrary: fc.nat() }),
  });
  // Any listener's callback id with any values and metadata, or a submission its modal would send.
  const submission = fc.oneof(
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...world.callbackIds), fc.dictionary(fc.string({ maxLength: 10 }), hostile, { maxKeys: 2 }), metadata) },
    { weight: 3, arbitrary: plausibleSubmission },
  );
  const submit: fc.Arbitrary<SubmitOp> = fc
    .record({ user: slackUser, submission, foreign: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }) })
    .map(({ user, submission: [callbackId, values, meta], foreign }) => ({ kind: 'submit' as const, user, callbackId, values, metadata: meta, foreign }));
  const options: fc.Arbitrary<OptionsOp> = fc.record({
    kind: fc.constant('options' as const),
    user: slackUser,
    actionId: fc.constantFrom(...world.optionIds),
    query: fc.constantFrom('', 'app', 'eng', '{self.marker}'),
  });
  const event: fc.Arbitrary<EventOp> = fc.oneof(
    fc.record({ kind: fc.constant('app_home_opened' as const), user: slackUser }),
    fc.record({ kind: fc.constant('team_join' as const), user: fc.constantFrom('U0NEW{fresh}', '{other.onlyUser}'), email }),
    fc.record({ kind: fc.constant('user_change' as const), user: fc.constantFrom(ADA_USER, BOB_USER, '{self.onlyUser}'), email }),
    fc.record({ kind: fc.constant('subteam' as const), created: fc.boolean(), users: fc.subarray([ADMIN_USER, ADA_USER, BOB_USER, '{self.onlyUser}']) }),
  );
  return fc.oneof(
    { weight: 5, arbitrary: action },
    { weight: 3, arbitrary: submit },
    { weight: 1, arbitrary: options },
    { weight: 2, arbitrary: event },
    { weight: 4, arbitrary: httpOp },
    {
      weight: 1,
      arbitrary: mutated({ memberId }).map((body) => ({
        kind: 'install_page' as const,
        memberId: typeof body === 'object' && body && 'memberId' in body ? String((body as { memberId: unknown }).memberId) : 'm-admin',
      })),
    },
  );
}

/** Views another team's emulator holds (Homes and modals), for payloads that carry one. */
function foreignView(world: World, ctx: Context, pick: number): SlackView | undefined {
  const { state } = world.team(ctx.other);
  const views = [...state.views.values(), ...state.homeViews.values()];
  return views.length === 0 ? undefined : views[pick % views.length];
}

/** What the operations came to (`http 2xx`, `submit errors`, …), to check the runs were not all refusals. */
const outcomes = new Map<string, number>();
const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

/** Runs one operation as tenant `ctx.self`; returns what it answered over HTTP (for the reveal check). */
async function runOp(world: World, ctx: Context, op: Op): Promise<string> {
  const team = world.team(ctx.self);
  const f = (text: string) => fill(text, ctx, world);
  switch (op.kind) {
    case 'http': {
      const answer = await world.api(op.method, f(op.path), op.body === undefined ? undefined : fillDeep(op.body, ctx, world));
      expect({ path: op.path, serverError: answer.status >= 500 }).toEqual({ path: op.path, serverError: false });
      count(`http ${op.method} ${Math.floor(answer.status / 100)}xx`);
      return answer.text;
    }
    case 'install_page': {
      const link = await world.api('POST', f(`${T}/slack/install-links`), { memberId: f(op.memberId) });
      if (link.status !== 201) return link.text;
      const browser = new Browser();
      const page = await browser.open(link.json.url);
      const ack = await browser.submit(link.json.url, { acknowledge: 'yes' });
      return `${link.text}${page.html}${ack.html}`;
    }
    case 'action': {
      const user = f(op.user);
      const action = { type: 'button', action_id: op.actionId, block_id: 'x', value: f(op.value), selected_option: { value: f(op.value) } };
      const fields: Record<string, unknown> = { type: 'block_actions', actions: [action] };
      if (op.source === 'home') Object.assign(fields, { container: { type: 'view', view_id: `VHOME${user}` }, view: { id: `VHOME${user}`, type: 'home' } });
      if (typeof op.source === 'number') {
        const view = foreignView(world, ctx, op.source);
        if (view) Object.assign(fields, { container: { type: 'view', view_id: view.id }, view });
      }
      await team.socket.sendInteractive(team.interactionPayload(user, fields as { type: string }));
      break;
    }
    case 'submit': {
      const user = f(op.user);
      const foreign = op.foreign === undefined ? undefined : foreignView(world, ctx, op.foreign);
      const view = {
        ...(foreign ?? { id: `V0PROP${ctx.fresh()}`, type: 'modal', hash: '1' }),
        callback_id: op.callbackId,
        state: { values: fillDeep(op.values, ctx, world) },
        ...(op.metadata === undefined ? {} : { private_metadata: f(op.metadata) }),
      };
      const ack = await team.socket.sendInteractive(team.interactionPayload(user, { type: 'view_submission', view }));
      const answer = ack.payload as { response_action?: string; view?: { callback_id?: string } } | undefined;
      count(`submit ${foreign ? 'foreign ' : ''}${answer?.response_action ?? 'closed'}${answer?.view?.callback_id === 'permission.refused' ? ' refused' : ''}`);
      break;
    }
    case 'options': {
      const payload = team.interactionPayload(f(op.user), {
        type: 'block_suggestion',
        action_id: op.actionId,
        block_id: 'x',
        value: f(op.query),
        view: { id: `V0OPTS${ctx.fresh()}`, type: 'modal', callback_id: 'x', private_metadata: '' },
      });
      const ack = await team.socket.sendInteractive(payload);
      await settleListeners(world);
      return JSON.stringify(ack.payload ?? null);
    }
    case 'app_home_opened': {
      const user = f(op.user);
      const event = team.state.users.has(user) ? team.events.appHomeOpened(user) : { type: 'app_home_opened', user, channel: 'D0NOBODY01', tab: 'home' };
      await team.socket.sendEvent(event);
      break;
    }
    case 'team_join': {
      const user = f(op.user);
      team.addUser({ id: user, name: user.toLowerCase(), profile: { email: f(op.email) } });
      await team.socket.sendEvent(team.events.teamJoin(user));
      break;
    }
    case 'user_change': {
      const user = f(op.user);
      team.updateUser(user, { profile: { email: f(op.email) } });
      await team.socket.sendEvent(team.events.userChange(user));
      break;
    }
    case 'subteam': {
      const group = team.state.usergroups.get(USERGROUP)!;
      group.users = op.users.map(f);
      await team.socket.sendEvent(op.created ? team.events.subteamCreated(USERGROUP) : team.events.subteamUpdated(USERGROUP));
      break;
    }
  }
  await settleListeners(world);
  return '';
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

  it('ignores and logs an event or interaction for a team with no installation, writing nothing', async () => {
    const logsBefore = world.t.logs.length;
    await changesNothingOutside(undefined, async () => {
      const user = { id: ADA_USER, team_id: 'T0NOBODY01', name: 'ada', profile: { email: 'ada@example.com' }, deleted: false };
      const callback = world.t.emulator.socket.eventCallback({ type: 'user_change', user });
      const forged = { ...callback, team_id: 'T0NOBODY01', authorizations: [{ team_id: 'T0NOBODY01', user_id: 'U0BOT', is_bot: true, enterprise_id: null }] };
      expect(await world.t.emulator.socket.sendEventCallback(forged, { maxRetries: 0 })).toBeDefined();
      const joined = world.t.emulator.socket.eventCallback({ type: 'team_join', user });
      await world.t.emulator.socket.sendEventCallback({ ...joined, team_id: 'T0NOBODY01', authorizations: forged.authorizations }, { maxRetries: 0 });
      const press = world
        .team(0)
        .interactionPayload(ADMIN_USER, { type: 'block_actions', actions: [{ type: 'button', action_id: HOME_IDS.openInPigment, block_id: 'x' }] });
      await world.t.emulator.socket.sendInteractive({
        ...press,
        team: { id: 'T0NOBODY01', domain: 'nobody' },
        user: { id: ADMIN_USER, team_id: 'T0NOBODY01' },
      });
      await settleListeners(world);
    });
    const ignored = world.t.logs.slice(logsBefore).filter((line) => line.includes('T0NOBODY01'));
    expect(ignored.length).toBeGreaterThanOrEqual(3);
  });

  it('never delivers a notification to one tenant for a member who exists only in another, and enqueues nothing there', async () => {
    const [acme, globex] = TENANTS;
    const dmsBefore = TENANTS.map((_, i) => world.team(i).messagesTo(globex!.onlyUser).length);
    await changesNothingOutside(0, async () => {
      for (const [id, recipient] of [
        ['n-cross-member', { memberId: globex!.onlyMember }],
        ['n-cross-email', { email: `only-${globex!.id}@example.com` }],
      ] as const) {
        const posted = await world.api('POST', `/api/v1/workspaces/${acme!.id}/notifications`, {
          id,
          type: 'conversation',
          subtype: 'comment',
          recipient,
          title: 'For someone elsewhere',
          url: `${acme!.baseUrl}/boards/9`,
        });
        expect(posted.status).toBe(202);
        const finished = await eventually(
          async () => {
            const status = (await world.api('GET', `/api/v1/workspaces/${acme!.id}/notifications/${id}`)).json;
            return status?.status === 'skipped' || status?.status === 'delivered' || status?.status === 'failed' ? status : undefined;
          },
          15_000,
          `${id} finished`,
        );
        expect(finished).toMatchObject({ status: 'skipped', reason: 'not_connected' });
        // Globex knows nothing of it.
        expect((await world.api('GET', `/api/v1/workspaces/${globex!.id}/notifications/${id}`)).status).toBe(404);
      }
    });
    expect(TENANTS.map((_, i) => world.team(i).messagesTo(globex!.onlyUser).length)).toEqual(dmsBefore);
  });

  it("answers 404 for another tenant's resources asked for by id, never their data", async () => {
    const [acme, globex] = TENANTS;
    const posted = await world.api('POST', `/api/v1/workspaces/${globex!.id}/notifications`, {
      id: 'n-globex-only',
      type: 'automation',
      subtype: 'completed',
      recipient: { memberId: 'm-1' },
      title: `Only ${globex!.marker}`,
      url: `${globex!.baseUrl}/boards/3`,
    });
    expect(posted.status).toBe(202);
    await settleTenant(world, globex!.id);
    const globexImport = world.seeded.get(globex!.id)!.importId;
    await changesNothingOutside(0, async () => {
      const asAcme = (path: string) => world.api('GET', `/api/v1/workspaces/${acme!.id}${path}`);
      const answers = {
        member: await asAcme(`/members/${globex!.onlyMember}`),
        notification: await asAcme('/notifications/n-globex-only'),
        rows: await asAcme(`/imports/${globexImport}/rows`),
        byEmail: await asAcme(`/members?email=only-${globex!.id}%40example.com`),
      };
      expect({
        member: answers.member.status,
        notification: answers.notification.status,
        rows: answers.rows.status,
        byEmail: [answers.byEmail.status, answers.byEmail.json?.members],
      }).toEqual({ member: 404, notification: 404, rows: 404, byEmail: [200, []] });
      // The shared ids answer with Acme's own data only.
      const shared = await asAcme('/members/m-1');
      expect(shared.status).toBe(200);
      expect(shared.text).toContain(acme!.marker);
      for (const answer of [...Object.values(answers), shared]) expect(revealed(answer.text, 0)).toEqual([]);
    });
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
    // The connections are in the admin's Ashby area: open it once in Globex (remembered there only).
    await globex.socket.sendInteractive(
      globex.interactionPayload(ADMIN_USER, {
        type: 'block_actions',
        actions: [{ type: 'button', action_id: HOME_IDS.area('ashby'), block_id: 'home.areas', value: 'ashby' }],
      }),
    );
    await settleListeners(world);
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

  it('property: any run of API calls, interactions and events as one tenant leaves every other tenant byte for byte unchanged and unrevealed', async () => {
    let counter = 0;
    const tally = new Map<string, number>();
    let runsThatWrote = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: TENANTS.length - 1 }),
        fc.constantFrom(1, 2),
        fc.array(slackOps(world), { minLength: 1, maxLength: 10 }),
        async (self, offset, ops) => {
          const ctx: Context = { self, other: (self + offset) % TENANTS.length, fresh: () => (counter += 1) };
          const before = await othersSnapshot(world, self);
          const ownBefore = JSON.stringify(await snapshot(world, [TENANTS[self]!.id]));
          let answered = '';
          for (const op of ops) {
            tally.set(op.kind, (tally.get(op.kind) ?? 0) + 1);
            answered += await runOp(world, ctx, op);
          }
          await settleTenant(world, TENANTS[self]!.id);
          expect(await othersSnapshot(world, self)).toEqual(before);
          expect(revealed(answered, self)).toEqual([]);
          expect(revealed(slackOutput(world.team(self)), self)).toEqual([]);
          if (JSON.stringify(await snapshot(world, [TENANTS[self]!.id])) !== ownBefore) runsThatWrote += 1;
        },
      ),
      // Each run costs a second or two: a failure is reported as found, not shrunk for minutes.
      { numRuns: 30, endOnFailure: true },
    );
    // Not vacuous: every kind of operation ran, and runs did write to their own tenant.
    expect([...tally.keys()].sort()).toEqual(
      ['action', 'app_home_opened', 'http', 'install_page', 'options', 'submit', 'subteam', 'team_join', 'user_change'].sort(),
    );
    expect(runsThatWrote).toBeGreaterThan(5);
    // Writes were accepted as well as refused, over HTTP and from Slack, and other teams' views were tried.
    for (const outcome of ['http PUT 2xx', 'http PUT 4xx', 'http GET 2xx', 'http GET 4xx', 'submit errors', 'submit update', 'submit foreign closed'])
      expect([outcome, (outcomes.get(outcome) ?? 0) > 0]).toEqual([outcome, true]);
    expect((await world.t.fetch('/healthz')).status).toBe(200);
  }, 150_000);
});
