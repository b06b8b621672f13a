/**
 * Property-based test of every Block Kit builder (issue 7): App Home sections, modals and
 * messages fed the longest and strangest inputs their models allow — names, emails, titles,
 * team names and error messages of emoji, right-to-left text, mrkdwn control characters,
 * mentions and 3,000-character words, and lists at and beyond their page sizes — give blocks
 * and views the Slack emulator's validator accepts for their surface, with no problem.
 *
 * Besides the emulator's checks, `inputProblems` checks two rules Slack applies to inputs that
 * the validator does not: an `initial_value` within the input's `max_length`, initial options
 * that are options of their element, and no text cut in the middle of a character.
 */
import type { KnownBlock } from '@slack/types';
import fc from 'fast-check';
import { validateBlocks, validateView } from '../../scripts/slack-emulator/block-kit';
import { importNotification } from '../../src/features/ashby/imports/import-notification';
import { renderHistoryModal } from '../../src/features/ashby/imports/import-history.view';
import { renderImportNotice, renderSetupModal, type SetupModalModel } from '../../src/features/ashby/imports/import-setup.view';
import { renderImportsSection, type ImportsNotice } from '../../src/features/ashby/imports/imports-section.view';
import type { AshbyImport, ImportRun } from '../../src/features/ashby/imports/import.types';
import { IMPORT_RUN_STATUSES } from '../../src/features/ashby/imports/import.types';
import {
  renderCreateModal,
  renderEditModal,
  renderConnectionNotice,
  renderRemoveModal,
  renderReplaceKeyModal,
} from '../../src/features/ashby/connections/connection-modals.view';
import { CONNECTIONS_PAGE_SIZE, renderConnectionsSection } from '../../src/features/ashby/connections/connections-section.view';
import type { AshbyConnection } from '../../src/features/ashby/connections/connection.types';
import { renderHome } from '../../src/features/home/home.view';
import { HOME_AREAS } from '../../src/features/home/home-areas';
import { escapeMrkdwn } from '../../src/slack/block-text';
import { renderOwnStatus } from '../../src/features/mapping/own-status.view';
import { renderInventorySection } from '../../src/features/inventory/inventory-section.view';
import type { InventorySummary, Refusal } from '../../src/features/inventory/inventory.types';
import { renderMappingCounts } from '../../src/features/mapping/mapping-home.view';
import { PERMISSIONS, type Permission } from '../../src/features/members/permissions';
import { renderRefusal } from '../../src/features/members/require-permission';
import { renderNoticeModal } from '../../src/slack/notice-modal';
import {
  REVIEW_PAGE_SIZE as MAPPING_PAGE_SIZE,
  renderReviewLoading,
  renderReviewMembers,
  type ReviewMembersModel,
  type ReviewRowModel,
  type ReviewState,
} from '../../src/features/mapping/manual/review-members.view';
import { renderConnectMember } from '../../src/features/mapping/manual/set-up-mapping.view';
import type { Mapping } from '../../src/features/mapping/mapping.types';
import {
  DIRECTORY_PAGE_SIZE,
  renderDetailsView,
  renderDirectoryView,
  renderEditView,
  renderSuccessorView,
  SUCCESSOR_LIMIT,
} from '../../src/features/members/home/member-details.view';
import {
  PREVIEW_LIMITS,
  renderInfoView,
  renderPreviewView,
  renderReadingView,
  renderResultView,
  renderUploadView,
  type Notice,
} from '../../src/features/members/home/member-import.view';
import { renderMembersSection } from '../../src/features/members/home/members-section.view';
import { ACCOUNT_TYPES, MEMBER_STATUSES, type Member } from '../../src/features/members/member.types';
import type { MemberImportPreview, MemberImportRowError } from '../../src/features/members/member-import.service';
import { buildNotificationMessage } from '../../src/features/notifications/messages';
import { renderNotificationsHome, type NotificationsHomeModel, type RecentNotification } from '../../src/features/notifications/home/notifications-home.view';
import { NOTIFICATION_STATUSES, NOTIFICATION_TYPES, SKIP_REASONS } from '../../src/features/notifications/notification.types';
import { renderConfigModal, renderConfigNotice } from '../../src/features/provisioning/home/config.view';
import type { UsergroupSummary } from '../../src/features/provisioning/home/config-groups';
import { HISTORY_RUNS_SHOWN, renderHistory } from '../../src/features/provisioning/home/history.view';
import { renderProvisioningPanel, type PanelModel, type PanelNotice } from '../../src/features/provisioning/home/panel.view';
import { REPORT_PAGE_SIZE, renderReportInfoView, renderReportView } from '../../src/features/provisioning/home/report.view';
import { REVIEW_PAGE_SIZE as DEACTIVATION_PAGE_SIZE, renderReviewModal, renderReviewNotice } from '../../src/features/provisioning/home/review.view';
import { SYNC_ACTION_KINDS, type FieldChange } from '../../src/features/provisioning/provisioning.types';
import { REPORT_OUTCOMES } from '../../src/features/provisioning/report.repository';
import { SYNC_RUN_STATUSES, type SyncActionLine, type SyncRun } from '../../src/features/provisioning/sync-run.repository';
import { buildWelcomeMessage } from '../../src/features/notifications/messages';
import { renderConnectionPanel } from '../../src/features/workspace/connection-panel.view';
import type { WorkspaceState } from '../../src/features/workspace/workspace.types';

const BASE = 'https://acme.pigment.test';
const RUNS = { numRuns: 60 } as const;

// ---------------------------------------------------------------------------------------------
// Strange text

/** Pieces strange text is made of: mentions, links, mrkdwn control characters, bidi marks, emoji, huge words. */
const piece = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '<!channel>',
      '<!here>',
      '<@U123>',
      '<#C1>',
      '<http://evil.test|Pigment>',
      '<!subteam^S1>',
      '&',
      '&amp;',
      '&lt;',
      '*',
      '_',
      '~',
      '`',
      '```',
      '>',
      '<',
      '\n',
      ' ',
      '\t',
      ':skull:',
      '\u202E',
      '\u200F',
      '\u200B',
      'مرحبا',
      'שלום',
      '👩🏽‍💻',
      '🇫🇷',
      'é',
      '\uFEFF',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.nat({ max: 3_000 }).map((n) => '&'.repeat(Math.min(n, 40)) + 'w'.repeat(n)) },
);

/** Text of at most `max` code points (at least `min` of them not blank). */
function text(max: number, min = 0): fc.Arbitrary<string> {
  return fc
    .array(piece, { maxLength: 25 })
    .map((parts) => Array.from(parts.join('')).slice(0, max).join(''))
    .filter((s) => s.trim().length >= min);
}

/** Text that is exactly as long as allowed, or longer. */
function longText(max: number): fc.Arbitrary<string> {
  const fill = fc.tuple(fc.constantFrom('', 'x'), fc.constantFrom('&', '<', '👩🏽‍💻', '😀', 'w', 'م'));
  // An odd prefix puts emoji across every UTF-16 boundary a cut by `.slice` could fall on.
  return fc.oneof(
    text(max),
    fill.map(([prefix, c]) =>
      Array.from(prefix + c.repeat(max))
        .slice(0, max)
        .join(''),
    ),
  );
}

const id = (max = 200) =>
  fc.oneof(
    fc.uuid(),
    text(max, 1),
    fc.nat({ max }).map((n) => `m-${'x'.repeat(n)}`.slice(0, max)),
  );
const slackUserId = fc.stringMatching(/^[UW][A-Z0-9]{8,10}$/);
const date = fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true });
const count = fc.oneof(fc.nat({ max: 30 }), fc.nat({ max: 2_000_000_000 }));
const email = fc.oneof(
  fc.emailAddress(),
  fc.tuple(text(120, 1), text(120, 1)).map(([local, domain]) => `${local.replace(/[\s@]/g, '')}x@${domain.replace(/[\s@]/g, '')}d`.slice(0, 254)),
  longText(254),
);

const member: fc.Arbitrary<Member> = fc.record({
  id: id(),
  name: longText(200).filter((s) => s.trim() !== ''),
  email,
  emailKey: fc.constant('k'),
  accountType: fc.constantFrom(...ACCOUNT_TYPES),
  status: fc.constantFrom(...MEMBER_STATUSES),
  groups: fc.array(text(200, 1), { maxLength: 500 }),
  source: fc.constantFrom('api' as const, 'csv' as const, 'provisioning' as const),
  createdAt: date,
  updatedAt: date,
});
const mapping: fc.Arbitrary<Mapping> = fc.record({
  memberId: id(),
  slackUserId,
  source: fc.constantFrom('auto' as const, 'manual' as const),
  active: fc.boolean(),
  slackEmail: email,
  createdAt: date,
  updatedAt: date,
});
const notice: fc.Arbitrary<Notice> = fc.record({ kind: fc.constantFrom('info' as const, 'error' as const), text: longText(3000) });

// ---------------------------------------------------------------------------------------------
// Checks

interface Problem {
  pointer: string;
  message: string;
}

/** Slack's input rules the emulator does not check. */
function inputProblems(blocks: unknown): Problem[] {
  const problems: Problem[] = [];
  const chars = (s: string) => Array.from(s).length;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  (blocks as Array<Record<string, unknown>>).forEach((block, i) => {
    const elements = [block['element'], block['accessory'], ...((block['elements'] as unknown[] | undefined) ?? [])];
    for (const el of elements as Array<Record<string, unknown> | undefined>) {
      if (!el || typeof el !== 'object') continue;
      const at = `/blocks/${i}/${String(el['action_id'])}`;
      if (typeof el['initial_value'] === 'string' && typeof el['max_length'] === 'number' && chars(el['initial_value']) > el['max_length']) {
        problems.push({ pointer: at, message: 'initial_value longer than max_length' });
      }
      const options = el['options'] as unknown[] | undefined;
      // External selects have no options: their initial options are whatever the app says.
      if (!options) continue;
      const initial = [...((el['initial_options'] as unknown[] | undefined) ?? []), ...(el['initial_option'] ? [el['initial_option']] : [])];
      for (const option of initial) if (!options.some((o) => same(o, option))) problems.push({ pointer: at, message: 'initial option is not an option' });
    }
  });
  return problems;
}

/** Half of a surrogate pair: text cut in the middle of an emoji, which Slack cannot show. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Strings of `value` holding half a character (JSON.stringify would hide them as `\\udXXX`). */
function brokenCharacters(value: unknown): string[] {
  const found: string[] = [];
  JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string' && LONE_SURROGATE.test(v)) found.push(v.slice(-20));
    return v;
  });
  return found;
}

function expectValidView(view: { type: string; blocks: unknown }): void {
  expect(validateView(view)).toEqual([]);
  expect(inputProblems(view.blocks)).toEqual([]);
  expect(brokenCharacters(view)).toEqual([]);
}

/** A Home section: valid on its own as the whole Home. */
function expectValidSection(blocks: KnownBlock[]): void {
  expectValidView({ type: 'home', blocks });
}

function expectValidMessage(message: { text: string; blocks: unknown }): void {
  expect(validateBlocks(message.blocks, 'message')).toEqual([]);
  expect(message.text.trim().length).toBeGreaterThan(0);
  expect(brokenCharacters(message)).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// App Home

const workspace = fc.record({
  teamId: fc.stringMatching(/^T[A-Z0-9]{8,10}$/),
  teamName: longText(3000).filter((s) => s !== ''),
  status: fc.constantFrom('pending' as const, 'live' as const, 'disconnected' as const),
  connectedAt: date,
  acknowledgedAt: fc.option(date, { nil: undefined }),
  acknowledgedBy: fc.option(fc.record({ slackUserId, memberId: id() }), { nil: undefined }),
});
const workspaceState: fc.Arbitrary<WorkspaceState> = fc.oneof(
  workspace.map((w) => ({ kind: 'attached' as const, workspace: w })),
  fc.record({ kind: fc.constant('mismatch' as const), workspace, tokenTeam: fc.record({ id: fc.stringMatching(/^T[A-Z0-9]{8,10}$/), name: longText(3000) }) }),
);

const recent: fc.Arbitrary<RecentNotification> = fc.record({
  id: id(),
  type: fc.constantFrom(...NOTIFICATION_TYPES),
  title: longText(150),
  status: fc.constantFrom(...NOTIFICATION_STATUSES),
  reason: fc.option(fc.oneof(fc.constantFrom(...SKIP_REASONS), longText(3000)), { nil: undefined }),
  createdAt: date,
});
const notificationsHome: fc.Arbitrary<NotificationsHomeModel> = fc.oneof(
  fc.constantFrom({ viewer: 'not_member' as const }, { viewer: 'not_allowed' as const }, { viewer: 'not_connected' as const }),
  fc.record({
    viewer: fc.constant('member' as const),
    preferences: fc.record({
      memberId: id(),
      slack: fc.record({ conversation: fc.boolean(), automation: fc.boolean(), scheduled_import: fc.boolean(), async_task: fc.boolean() }),
      updatedAt: fc.option(date, { nil: undefined }),
    }),
    recent: fc.array(recent, { maxLength: 15 }),
  }),
);

const refusal: fc.Arbitrary<Refusal> = fc.record({
  method: fc.constantFrom('team.accessLogs' as const, 'team.billableInfo' as const),
  error: fc.oneof(fc.constantFrom('paid_only', 'not_allowed_token_type', 'missing_scope'), longText(200)),
  needed: fc.option(longText(200), { nil: undefined }),
});
const inventorySummary: fc.Arbitrary<InventorySummary> = fc.record({
  users: count,
  byStatus: fc.record({ active: count, guest: count, bot: count, deactivated: count }),
  adminsAndOwners: count,
  mapped: count,
  billing: fc.oneof(
    fc.record({ available: fc.constant(true as const), active: fc.option(count, { nil: undefined }) }),
    fc.record({ available: fc.constant(false as const), refusal }),
  ),
  lastActivity: fc.oneof(fc.constant({ available: true as const }), fc.record({ available: fc.constant(false as const), refusal })),
  at: date,
});

// ---------------------------------------------------------------------------------------------
// Ashby

const connection: fc.Arbitrary<AshbyConnection> = fc.record({
  id: id(),
  name: longText(100),
  applicationIds: fc.array(id(150), { maxLength: 120 }),
  keyLast4: longText(4),
  status: fc.constantFrom('ok' as const, 'broken' as const),
  brokenReason: fc.option(longText(500), { nil: undefined }),
  brokenAt: fc.option(date, { nil: undefined }),
  createdBy: id(),
  createdAt: date,
  updatedBy: id(),
  updatedAt: date,
});
const application = fc.record({ id: id(150), name: longText(200) });
const customField = fc.record({ id: id(300), title: longText(500), objectType: longText(100), fieldType: longText(50) });

const importRun: fc.Arbitrary<ImportRun> = fc.record({
  id: id(),
  importId: id(),
  trigger: fc.constantFrom('schedule' as const, 'manual' as const),
  status: fc.constantFrom(...IMPORT_RUN_STATUSES),
  fullRead: fc.option(fc.boolean(), { nil: undefined }),
  counts: fc.record({ fetched: count, created: count, updated: count, unchanged: count, malformed: count, failed: count, membersCreated: count }),
  errors: fc.array(fc.record({ applicationId: fc.option(id(), { nil: undefined }), message: longText(500) }), { maxLength: 50 }),
  error: fc.option(longText(500), { nil: undefined }),
  startedAt: date,
  finishedAt: fc.option(date, { nil: undefined }),
});
const ashbyImport: fc.Arbitrary<AshbyImport> = fc.record({
  id: id(),
  applicationId: id(150),
  targetBlock: longText(100),
  customFields: fc.array(fc.record({ id: id(300), title: longText(500) }), { maxLength: 120 }),
  createPendingMembers: fc.boolean(),
  ownerMemberId: id(),
  syncToken: fc.option(longText(500), { nil: undefined }),
  createdAt: date,
  updatedAt: date,
});

// ---------------------------------------------------------------------------------------------
// Provisioning

const fieldChange: fc.Arbitrary<FieldChange> = fc.record({
  field: fc.constantFrom('name' as const, 'email' as const, 'avatarUrl' as const, 'status' as const, 'team' as const),
  before: fc.option(longText(3000), { nil: undefined }),
  after: fc.option(longText(3000), { nil: undefined }),
});
const syncCounts = fc.dictionary(fc.constantFrom(...SYNC_ACTION_KINDS), count) as fc.Arbitrary<SyncRun['counts']>;
const syncRun: fc.Arbitrary<SyncRun> = fc.record({
  id: id(),
  kind: fc.constantFrom('sync' as const, 'preview' as const),
  trigger: fc.constantFrom('schedule' as const, 'manual' as const),
  status: fc.constantFrom(...SYNC_RUN_STATUSES),
  startedAt: date,
  finishedAt: fc.option(date, { nil: undefined }),
  counts: syncCounts,
  usersRead: count,
  phase: fc.option(fc.constantFrom('reading' as const, 'applying' as const), { nil: undefined }),
  appliedThrough: fc.option(fc.integer({ min: -1, max: 1_000_000 }), { nil: undefined }),
  error: fc.option(longText(3000), { nil: undefined }),
});
const usergroup: fc.Arbitrary<UsergroupSummary> = fc.record({
  id: fc.stringMatching(/^S[A-Z0-9]{8,10}$/),
  handle: longText(100),
  name: longText(300),
  disabled: fc.boolean(),
});
const provisioningConfig = fc.record({
  scope: fc.constantFrom('everyone' as const, 'groups' as const),
  groupIds: fc.array(fc.stringMatching(/^S[A-Z0-9]{8,10}$/), { maxLength: 120 }),
  teamMapping: fc.record({ enabled: fc.boolean(), groupToTeam: fc.dictionary(fc.stringMatching(/^S[A-Z0-9]{8,10}$/), longText(100), { maxKeys: 120 }) }),
  includeGuests: fc.boolean(),
  inviteNewMembers: fc.boolean(),
  maxDeactivationShare: fc.integer({ min: 1, max: 100 }).map((n) => n / 100),
  updatedAt: date,
  updatedBy: id(),
});

// ---------------------------------------------------------------------------------------------

describe('App Home sections, property-based', () => {
  it('the Home frame keeps any attention items and any row of areas within the limits', () => {
    const area = fc.constantFrom(...HOME_AREAS);
    const item = fc.record({ area, text: longText(5000).map((t) => escapeMrkdwn(t)) });
    const section = fc.array(fc.constant<KnownBlock>({ type: 'divider' }), { maxLength: 120 });
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 30 }),
        fc.uniqueArray(area, { minLength: 1 }),
        fc.array(section, { maxLength: 8 }),
        (attention, available, sections) => {
          expectValidView(renderHome({ workspaceName: 'Acme', pigmentBaseUrl: BASE, sections, attention, areas: { available, selected: available[0]! } }));
        },
      ),
      RUNS,
    );
  });

  it('the Home frame keeps any team name and any number of full sections within the limits', () => {
    const section = fc.array(fc.constant<KnownBlock>({ type: 'divider' }), { maxLength: 120 });
    fc.assert(
      fc.property(longText(3000), fc.array(section, { maxLength: 8 }), (workspaceName, sections) => {
        expectValidView(renderHome({ workspaceName, pigmentBaseUrl: BASE, sections }));
      }),
      RUNS,
    );
  });

  it('own status: any member, connection and list of admins', () => {
    const admins = fc.array(fc.record({ name: longText(200), slackUserId: fc.option(slackUserId, { nil: undefined }) }), { maxLength: 30 });
    const connection = fc.option(fc.record({ active: fc.boolean(), source: fc.constantFrom('auto' as const, 'manual' as const) }), { nil: undefined });
    fc.assert(
      fc.property(fc.option(member, { nil: undefined }), connection, admins, (m, c, a) => {
        expectValidSection(renderOwnStatus({ ...(m ? { member: m } : {}), ...(c ? { connection: c } : {}), admins: a }));
      }),
      RUNS,
    );
  });

  it('workspace connection panel: any team names, for managers and others', () => {
    fc.assert(
      fc.property(fc.option(workspaceState, { nil: undefined }), fc.boolean(), (state, canManage) => {
        expectValidSection(renderConnectionPanel({ state, canManage }));
      }),
      RUNS,
    );
  });

  it('notifications home: any preferences and recent list (beyond the 10 shown), any stored reasons', () => {
    fc.assert(
      fc.property(notificationsHome, (model) => expectValidSection(renderNotificationsHome(model))),
      RUNS,
    );
  });

  it('mapping counts, members section and inventory: any counts and Slack refusals', () => {
    const mappingCounts = fc.option(fc.record({ connected: count, notConnected: count, inactive: count }), { nil: undefined });
    const statusCounts = fc.record({ pending: count, activated: count, deactivated: count });
    fc.assert(
      fc.property(
        mappingCounts,
        fc.option(date, { nil: undefined }),
        fc.boolean(),
        statusCounts,
        fc.option(inventorySummary, { nil: undefined }),
        fc.boolean(),
        (counts, asOf, canManage, statuses, summary, counting) => {
          expectValidSection(renderMappingCounts({ counts, ...(asOf ? { asOf } : {}) }));
          expectValidSection(renderMembersSection({ canManage, counts: statuses }));
          expectValidSection(renderInventorySection({ ...(summary ? { summary } : {}), counting }));
        },
      ),
      RUNS,
    );
  });

  it('Ashby connections section: any page of connections and access lists, any notice', () => {
    const model = fc.record({
      connections: fc.array(connection, { maxLength: CONNECTIONS_PAGE_SIZE + 3 }),
      names: fc.array(fc.tuple(id(150), longText(200)), { maxLength: 50 }),
      page: fc.nat({ max: 50 }),
      total: fc.nat({ max: 500 }),
      notice: fc.option(longText(3000), { nil: undefined }),
    });
    fc.assert(
      fc.property(model, ({ connections, names, page, total, notice }) => {
        const applicationNames = new Map([
          ...names,
          ...connections.flatMap((c) => c.applicationIds.map((a): [string, string] => [a, `${a}${'&'.repeat(200)}`])),
        ]);
        expectValidSection(
          renderConnectionsSection({ connections, applicationNames, page, total: Math.max(total, connections.length), ...(notice ? { notice } : {}) }),
        );
      }),
      RUNS,
    );
  });

  it('Ashby imports section: any imports (beyond the shown ones), last runs and notices', () => {
    const item = fc.record({ imp: ashbyImport, applicationName: longText(200), lastRun: fc.option(importRun, { nil: undefined }) });
    const importsNotice: fc.Arbitrary<ImportsNotice> = fc.oneof(
      fc.record({ kind: fc.constant('run_started' as const), targetBlock: longText(100) }),
      fc.record({ kind: fc.constant('run_finished' as const), targetBlock: longText(100), run: importRun }),
      fc.record({ kind: fc.constant('held_elsewhere' as const), targetBlock: longText(100) }),
      fc.constant({ kind: 'gone' as const }),
      fc.record({ kind: fc.constant('saved' as const), targetBlock: longText(100), created: fc.boolean() }),
      fc.record({ kind: fc.constant('failed' as const), error: longText(3000) }),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 20 }), fc.option(importsNotice, { nil: undefined }), fc.option(date, { nil: undefined }), (items, n, now) => {
        expectValidSection(
          renderImportsSection({
            items: items.map((i) => ({ imp: i.imp, applicationName: i.applicationName, ...(i.lastRun ? { lastRun: i.lastRun } : {}) })),
            ...(n ? { notice: n } : {}),
            ...(now ? { now } : {}),
          }),
        );
      }),
      RUNS,
    );
  });

  it('provisioning panel and sync history: any configuration, run, review and notice', () => {
    const panelNotice: fc.Arbitrary<PanelNotice> = fc.oneof(
      fc.constantFrom<PanelNotice>(
        { kind: 'sync_started' },
        { kind: 'preview_started' },
        { kind: 'held_elsewhere' },
        { kind: 'not_configured' },
        { kind: 'workspace_not_live' },
        { kind: 'cancelled' },
      ),
      fc
        .record({
          kind: fc.constant('finished' as const),
          what: fc.constantFrom('sync' as const, 'preview' as const, 'approval' as const),
          status: fc.constantFrom(...SYNC_RUN_STATUSES),
          counts: syncCounts,
          error: fc.option(longText(3000), { nil: undefined }),
        })
        .map(({ error, ...rest }): PanelNotice => ({ ...rest, ...(error ? { error } : {}) })),
      fc
        .record({ kind: fc.constant('not_in_review' as const), status: fc.option(fc.constantFrom(...SYNC_RUN_STATUSES), { nil: undefined }) })
        .map(({ status, kind }): PanelNotice => ({ kind, ...(status ? { status } : {}) })),
      fc.record({ kind: fc.constant('failed' as const), error: longText(3000) }),
    );
    const panel: fc.Arbitrary<PanelModel> = fc
      .record({
        config: fc.option(provisioningConfig, { nil: undefined }),
        groups: fc.option(fc.array(usergroup, { maxLength: 130 }), { nil: undefined }),
        pending: fc.boolean(),
        running: fc.option(syncRun, { nil: undefined }),
        review: fc.option(syncRun, { nil: undefined }),
        notice: fc.option(panelNotice, { nil: undefined }),
      })
      .map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as unknown as PanelModel);
    fc.assert(
      fc.property(panel, fc.array(syncRun, { maxLength: HISTORY_RUNS_SHOWN + 3 }), fc.option(date, { nil: undefined }), (model, runs, now) => {
        expectValidSection(renderProvisioningPanel(model));
        expectValidSection(renderHistory({ runs, ...(now ? { now } : {}) }));
      }),
      RUNS,
    );
  });
});

describe('member modals, property-based', () => {
  it('directory, details, edit and successor views: any members, beyond their page sizes', () => {
    const model = fc.record({
      text: longText(300),
      members: fc.array(member, { maxLength: DIRECTORY_PAGE_SIZE + 3 }),
      start: fc.option(fc.record({ name: longText(200), id: id() }), { nil: undefined }),
      hasMore: fc.boolean(),
      notice: fc.option(notice, { nil: undefined }),
      one: member,
      mapping: fc.option(mapping, { nil: undefined }),
      canManage: fc.boolean(),
      isSelf: fc.boolean(),
      accountTypes: fc.subarray([...ACCOUNT_TYPES]),
      owned: fc.array(fc.record({ kind: fc.constantFrom('ashby_import', 'ashby_connection', 'report_export'), count: count }), { maxLength: 5 }),
      candidates: fc.array(member, { maxLength: SUCCESSOR_LIMIT + 2 }),
    });
    fc.assert(
      fc.property(model, (m) => {
        const n = m.notice ? { notice: m.notice } : {};
        expectValidView(renderDirectoryView({ text: m.text, members: m.members, hasMore: m.hasMore, ...(m.start ? { start: m.start } : {}), ...n }));
        expectValidView(renderDetailsView({ member: m.one, canManage: m.canManage, isSelf: m.isSelf, ...(m.mapping ? { mapping: m.mapping } : {}), ...n }));
        expectValidView(renderEditView({ member: m.one, accountTypes: m.accountTypes, ...n }));
        expectValidView(renderSuccessorView({ member: m.one, owned: m.owned, text: m.text, candidates: m.candidates, ...n }));
      }),
      { numRuns: 30 },
    );
  });

  it('import upload, reading, preview and result views: any file name, rows and errors, beyond the limits', () => {
    const rowError: fc.Arbitrary<MemberImportRowError> = fc.record({
      line: fc.nat({ max: 100_000 }),
      reason: fc.constant('email_taken' as const),
      message: longText(3000),
    });
    const newRow = fc.record({
      line: fc.nat(),
      memberId: id(),
      name: longText(200),
      email,
      emailKey: fc.constant('k'),
      accountType: fc.constantFrom(...ACCOUNT_TYPES),
    });
    const updatedRow = fc.record({
      line: fc.nat(),
      memberId: id(),
      email,
      emailKey: fc.constant('k'),
      name: longText(200),
      accountType: fc.constantFrom(...ACCOUNT_TYPES),
      changes: fc.record(
        {
          name: fc.record({ before: longText(200), after: longText(200) }),
          accountType: fc.record({ before: fc.constantFrom(...ACCOUNT_TYPES), after: fc.constantFrom(...ACCOUNT_TYPES) }),
        },
        { requiredKeys: [] },
      ),
    });
    const preview: fc.Arbitrary<MemberImportPreview> = fc.record({
      newRows: fc.array(newRow, { maxLength: PREVIEW_LIMITS.newRows + 3 }),
      updatedRows: fc.array(updatedRow, { maxLength: PREVIEW_LIMITS.updatedRows + 3 }),
      unchangedRows: fc.array(fc.record({ line: fc.nat(), memberId: id(), email }), { maxLength: PREVIEW_LIMITS.unchangedRows + 3 }),
      errorRows: fc.array(rowError, { maxLength: PREVIEW_LIMITS.errorRows + 3 }),
      totalRows: count,
    });
    fc.assert(
      fc.property(
        fc.option(notice, { nil: undefined }),
        longText(1000),
        preview,
        fc.array(rowError, { maxLength: 45 }),
        longText(100),
        (n, fileName, p, failures, previewId) => {
          expectValidView(renderUploadView(n ? { notice: n } : {}));
          expectValidView(renderReadingView(fileName));
          expectValidView(renderInfoView({ title: fileName, text: fileName }));
          expectValidView(renderPreviewView({ previewId: previewId.trim() === '' ? 'p' : previewId, fileName, preview: p }));
          expectValidView(
            renderResultView({
              fileName,
              counts: { created: p.newRows.length, updated: p.updatedRows.length, unchanged: p.unchangedRows.length, failed: failures.length },
              failures,
            }),
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('manual mapping modals, property-based', () => {
  const reviewState: fc.Arbitrary<ReviewState> = fc
    .record({
      tab: fc.constantFrom('unconnected' as const, 'connected' as const),
      text: longText(100),
      page: fc.integer({ min: 1, max: 100_000 }),
      after: fc.option(id(), { nil: undefined }),
      trail: fc.array(fc.option(id(), { nil: null }), { maxLength: 60 }),
      next: fc.option(id(), { nil: undefined }),
    })
    .map((s) => ({ tab: s.tab, text: s.text, page: s.page, trail: s.trail, ...(s.after ? { after: s.after } : {}), ...(s.next ? { next: s.next } : {}) }));
  const row: fc.Arbitrary<ReviewRowModel> = fc
    .record({
      memberId: id(),
      name: longText(200),
      email,
      pending: fc.boolean(),
      connection: fc.option(fc.record({ slackUserId, source: fc.constantFrom('auto' as const, 'manual' as const), active: fc.boolean() }), { nil: undefined }),
    })
    .map(({ connection, ...r }) => ({ ...r, ...(connection ? { connection } : {}) }));

  it('review members: any page of rows (beyond the page size), any search, trail and notice', () => {
    const reviewNotice = fc.oneof(
      fc.record({ kind: fc.constant('connected' as const), name: longText(200), slackUserId }),
      fc.record({ kind: fc.constant('removed' as const), name: longText(200) }),
      fc.record({ kind: fc.constant('not_connected' as const), name: longText(200) }),
      fc.constant({ kind: 'member_unavailable' as const }),
    );
    const model: fc.Arbitrary<ReviewMembersModel> = fc
      .record({
        state: reviewState,
        rows: fc.array(row, { maxLength: MAPPING_PAGE_SIZE + 3 }),
        partial: fc.boolean(),
        notice: fc.option(reviewNotice, { nil: undefined }),
      })
      .map(({ notice: n, ...m }) => ({ ...m, ...(n ? { notice: n } : {}) }));
    fc.assert(
      fc.property(model, (m) => {
        expectValidView(renderReviewMembers(m));
        expectValidView(renderReviewLoading());
      }),
      { numRuns: 40 },
    );
  });

  it('set up / edit connection: any member, current connection and review state carried along', () => {
    const model = fc.record({
      mode: fc.constantFrom('set_up' as const, 'edit' as const),
      member: fc.record({ id: id(), name: longText(200), email }),
      current: fc.option(fc.record({ slackUserId, slackEmail: email, source: fc.constantFrom('auto' as const, 'manual' as const), active: fc.boolean() }), {
        nil: undefined,
      }),
      list: fc.option(fc.record({ viewId: fc.stringMatching(/^V[A-Z0-9]{8,12}$/), state: reviewState }), { nil: undefined }),
    });
    fc.assert(
      // A notice's title and text are the app's own words (with user text inside), never blank.
      fc.property(
        model,
        longText(3000).filter((s) => s.trim() !== ''),
        longText(3000).filter((s) => s.trim() !== ''),
        ({ current, list, ...m }, title, body) => {
          expectValidView(renderConnectMember({ ...m, ...(current ? { current } : {}), ...(list ? { list } : {}) }));
          expectValidView(renderNoticeModal({ title, text: body, callbackId: 'mapping.manual.notice' }));
          for (const permission of Object.keys(PERMISSIONS) as Permission[]) expectValidView(renderRefusal(permission));
        },
      ),
      RUNS,
    );
  });
});

describe('Ashby modals and messages, property-based', () => {
  it('connection modals: any name, access list, key ending and broken reason', () => {
    fc.assert(
      fc.property(
        connection,
        fc.array(application, { maxLength: 120 }),
        fc.option(longText(3000), { nil: undefined }),
        longText(3000),
        (c, selected, problem, noticeText) => {
          const names = new Map(selected.map((a) => [a.id, a.name]));
          expectValidView(renderCreateModal({ name: c.name, selected, ...(problem ? { problem } : {}) }));
          expectValidView(renderCreateModal());
          expectValidView(renderEditModal({ connection: c, selected }));
          expectValidView(renderReplaceKeyModal({ connection: c, ...(problem ? { problem } : {}) }));
          expectValidView(renderRemoveModal({ connection: c, applicationNames: names }));
          expectValidView(renderConnectionNotice(noticeText, noticeText));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('import setup: any applications and custom fields (beyond 100), any draft, source and import edited', () => {
    const source: fc.Arbitrary<NonNullable<SetupModalModel['source']>> = fc.oneof(
      fc.record({ kind: fc.constant('connected' as const), connectionName: longText(100), customFields: fc.array(customField, { maxLength: 120 }) }),
      fc.record({ kind: fc.constant('connected_fields_unread' as const), connectionName: longText(100), reason: longText(3000) }),
      fc.record({ kind: fc.constant('no_connection' as const), text: longText(3000) }),
    );
    const model = fc.record({
      editing: fc.option(ashbyImport, { nil: undefined }),
      applications: fc.array(application, { maxLength: 120 }),
      pick: fc.option(fc.nat(), { nil: undefined }),
      source: fc.option(source, { nil: undefined }),
      draft: fc.option(
        fc.record(
          {
            targetBlock: longText(3000),
            customFields: fc.array(fc.record({ id: id(300), title: longText(500) }), { maxLength: 120 }),
            createPendingMembers: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        { nil: undefined },
      ),
      reuseFields: fc.boolean(),
    });
    fc.assert(
      fc.property(model, ({ editing, applications, pick, source: s, draft, reuseFields }) => {
        const applicationId = pick !== undefined && applications.length > 0 ? applications[pick % applications.length]!.id : undefined;
        // Chosen fields that Ashby still reports, as after a reload.
        const chosen = reuseFields && s?.kind === 'connected' ? { customFields: s.customFields.map((f) => ({ id: f.id, title: f.title })) } : {};
        const m: SetupModalModel = {
          applications,
          ...(editing ? { editing } : {}),
          ...(applicationId ? { applicationId } : {}),
          ...(s ? { source: s } : {}),
          ...(draft || reuseFields ? { draft: { ...draft, ...chosen } } : {}),
        };
        expectValidView(renderSetupModal(m));
        expectValidView(renderImportNotice(s?.kind === 'no_connection' ? s.text : 'x', s?.kind === 'no_connection' ? s.text : undefined));
      }),
      { numRuns: 40 },
    );
  });

  it('import history: any runs (beyond the shown ones) and their problems', () => {
    fc.assert(
      fc.property(
        ashbyImport,
        longText(200),
        fc.array(importRun, { maxLength: 23 }),
        fc.option(date, { nil: undefined }),
        (imp, applicationName, runs, now) => {
          expectValidView(renderHistoryModal({ imp, applicationName, runs, ...(now ? { now } : {}) }));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("an import's notification to its owner is a valid DM", () => {
    fc.assert(
      fc.property(ashbyImport, importRun, longText(200), (imp, run, applicationName) => {
        const request = importNotification({ imp, run, applicationName, pigmentBaseUrl: BASE });
        const message = buildNotificationMessage({ ...request, createdAt: new Date('2026-01-01T00:00:00Z') }, { pigmentBaseUrl: BASE });
        expectValidMessage(message);
      }),
      RUNS,
    );
  });
});

describe('provisioning modals and messages, property-based', () => {
  it('configuration modal: any saved configuration and user groups (beyond 100)', () => {
    fc.assert(
      fc.property(
        fc.option(provisioningConfig, { nil: undefined }),
        fc.option(fc.array(usergroup, { maxLength: 130 }), { nil: undefined }),
        longText(3000),
        (config, groups, noticeText) => {
          expectValidView(renderConfigModal({ ...(config ? { config } : {}), ...(groups ? { groups } : {}) }));
          expectValidView(renderConfigNotice(noticeText));
        },
      ),
      RUNS,
    );
  });

  it('report view: any run and page of lines (beyond the page size), any filter and notice', () => {
    const line = fc.record({
      kind: fc.constantFrom(...SYNC_ACTION_KINDS),
      memberId: id(),
      slackUserId: fc.option(slackUserId, { nil: undefined }),
      memberName: fc.option(longText(200), { nil: undefined }),
      memberEmail: fc.option(email, { nil: undefined }),
      changes: fc.array(fieldChange, { maxLength: 8 }),
      detail: fc.option(longText(3000), { nil: undefined }),
      outcome: fc.constantFrom('planned' as const, 'applied' as const, 'failed' as const),
    });
    const filter = fc.record(
      {
        kind: fc.constantFrom(...SYNC_ACTION_KINDS),
        outcome: fc.constantFrom(...REPORT_OUTCOMES),
        field: fc.constantFrom('name' as const, 'email' as const, 'avatarUrl' as const, 'status' as const, 'team' as const),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        syncRun,
        fc.array(line, { maxLength: REPORT_PAGE_SIZE + 3 }),
        filter,
        fc.boolean(),
        fc.boolean(),
        fc.option(longText(3000), { nil: undefined }),
        (run, raw, f, hasPrevious, hasNext, n) => {
          const lines: SyncActionLine[] = raw.map(
            (l, seq) => Object.fromEntries(Object.entries({ ...l, runId: run.id, seq }).filter(([, v]) => v !== undefined)) as unknown as SyncActionLine,
          );
          expectValidView(renderReportView({ run, filter: f, lines, hasPrevious, hasNext, ...(n ? { notice: n } : {}) }));
          expectValidView(renderReportInfoView(n ?? 'x'));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('planned deactivations: any page of rows (beyond the page size)', () => {
    const reviewRow = fc.record({ memberId: id(), name: longText(200), email, slackUserId, detail: longText(3000) }, { requiredKeys: ['memberId'] });
    fc.assert(
      fc.property(
        id(100),
        fc.nat({ max: 10_000 }),
        fc.array(reviewRow, { maxLength: DEACTIVATION_PAGE_SIZE + 3 }),
        count,
        fc.boolean(),
        longText(3000),
        (runId, page, rows, total, hasNext, noticeText) => {
          expectValidView(renderReviewModal({ runId: runId.trim() === '' ? 'r' : runId, page, rows, total, hasNext }));
          expectValidView(renderReviewNotice(noticeText));
        },
      ),
      RUNS,
    );
  });

  it('welcome DM: any name Slack may give', () => {
    fc.assert(
      fc.property(id(), fc.oneof(longText(3000), fc.constant('')), (memberId, name) => {
        expectValidMessage(buildWelcomeMessage({ id: `welcome:${memberId}`, recipientName: name }, { pigmentBaseUrl: BASE }));
      }),
      RUNS,
    );
  });
});

describe('the App Home as composed, property-based', () => {
  it('every section at its fullest, together, stays within the Home limits', () => {
    const parts = fc.record({
      teamName: longText(3000),
      state: workspaceState,
      notifications: notificationsHome,
      summary: inventorySummary,
      connections: fc.array(connection, { minLength: CONNECTIONS_PAGE_SIZE, maxLength: CONNECTIONS_PAGE_SIZE }),
      runs: fc.array(syncRun, { minLength: HISTORY_RUNS_SHOWN, maxLength: HISTORY_RUNS_SHOWN }),
      imports: fc.array(fc.record({ imp: ashbyImport, applicationName: longText(200) }), { minLength: 16, maxLength: 16 }),
    });
    fc.assert(
      fc.property(parts, (p) => {
        const sections = [
          renderConnectionPanel({ state: p.state, canManage: true }),
          renderOwnStatus({ admins: [] }),
          renderNotificationsHome(p.notifications),
          renderMappingCounts({ counts: { connected: 1, notConnected: 2, inactive: 3 } }),
          renderMembersSection({ canManage: true, counts: { pending: 1, activated: 1, deactivated: 1 } }),
          renderInventorySection({ summary: p.summary }),
          renderProvisioningPanel({ pending: true }),
          renderHistory({ runs: p.runs }),
          renderConnectionsSection({ connections: p.connections, applicationNames: new Map(), page: 0, total: 50 }),
          renderImportsSection({ items: p.imports }),
        ];
        expectValidView(renderHome({ workspaceName: p.teamName, pigmentBaseUrl: BASE, sections }));
      }),
      { numRuns: 15 },
    );
  });
});
