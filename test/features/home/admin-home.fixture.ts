/**
 * A Primary Owner's Home (every admin permission) as the features render it, from their real views with a plausible
 * day's data: a live workspace, 7 members not connected, a configured sync with five runs, the
 * inventory, two Ashby connections and two imports, and the admin's own settings with five
 * recent notifications. Each section carries the area its feature registers it in (the
 * integration test checks that wiring on the real connector).
 */
import type { KnownBlock } from '@slack/types';
import type { AttentionItem, HomeSectionOutput } from '../../../src/features/home';
import type { HomeArea } from '../../../src/features/home/home-areas';
import type { RenderedSection } from '../../../src/features/home/home-sections';
import { connectionsAttention, renderConnectionsSection } from '../../../src/features/ashby/connections/connections-section.view';
import type { AshbyConnection } from '../../../src/features/ashby/connections/connection.types';
import { renderImportsSection } from '../../../src/features/ashby/imports/imports-section.view';
import type { AshbyImport } from '../../../src/features/ashby/imports/import.types';
import { renderInventorySection } from '../../../src/features/inventory/inventory-section.view';
import { mappingAttention, renderMappingCounts } from '../../../src/features/mapping/mapping-home.view';
import { renderOwnStatus } from '../../../src/features/mapping/own-status.view';
import type { Member } from '../../../src/features/members/member.types';
import { renderMembersSection } from '../../../src/features/members/home/members-section.view';
import { renderNotificationsHome, type RecentNotification } from '../../../src/features/notifications/home/notifications-home.view';
import { defaultSlackPreferences } from '../../../src/features/notifications/notification.types';
import { provisioningAttention, renderProvisioningPanel, type PanelModel } from '../../../src/features/provisioning/home/panel.view';
import { renderHistory } from '../../../src/features/provisioning/home/history.view';
import type { SyncRun } from '../../../src/features/provisioning/sync-run.repository';
import { connectionAttention, renderConnectionPanel } from '../../../src/features/workspace/connection-panel.view';
import type { WorkspaceState } from '../../../src/features/workspace/workspace.types';

export const AT = new Date('2026-03-04T09:30:00Z');

export const ADMIN: Member = {
  id: 'm-ada',
  name: 'Ada Admin',
  email: 'ada@acme.test',
  emailKey: 'ada@acme.test',
  accountType: 'primary_owner',
  status: 'activated',
  groups: [],
  source: 'api',
  createdAt: AT,
  updatedAt: AT,
};

export function workspaceState(status: 'pending' | 'live' | 'disconnected' = 'live'): WorkspaceState {
  return {
    kind: 'attached',
    workspace: {
      teamId: 'T0ACME0001',
      teamName: 'Acme',
      status,
      connectedAt: AT,
      ...(status === 'live' ? { acknowledgedAt: AT, acknowledgedBy: { slackUserId: 'U0ADA00001', memberId: 'm-ada' } } : {}),
    },
  };
}

const run = (i: number, fields: Partial<SyncRun> = {}): SyncRun => ({
  id: `run-${i}`,
  kind: 'sync',
  trigger: i === 0 ? 'manual' : 'schedule',
  status: 'completed',
  startedAt: new Date(AT.getTime() - i * 86_400_000),
  finishedAt: new Date(AT.getTime() - i * 86_400_000 + 60_000),
  counts: { created: 2, updated: 5 },
  usersRead: 120,
  ...fields,
});

export function connection(i: number, fields: Partial<AshbyConnection> = {}): AshbyConnection {
  return {
    id: `conn-${i}`,
    name: `Ashby ${i}`,
    applicationIds: ['app-hc'],
    keyLast4: `k${i}00`,
    status: 'ok',
    createdBy: 'm-ada',
    createdAt: AT,
    updatedBy: 'm-ada',
    updatedAt: AT,
    ...fields,
  };
}

const anImport = (i: number): AshbyImport => ({
  id: `imp-${i}`,
  applicationId: 'app-hc',
  targetBlock: `New hires ${i}`,
  customFields: [],
  createPendingMembers: false,
  ownerMemberId: 'm-ada',
  createdAt: AT,
  updatedAt: AT,
});

const recent = (i: number): RecentNotification => ({
  id: `n-${i}`,
  type: 'conversation',
  title: `Comment ${i}`,
  status: 'delivered',
  createdAt: new Date(AT.getTime() - i * 60_000),
});

export interface AdminHomeData {
  state: WorkspaceState;
  notConnected: number;
  panel: PanelModel;
  connections: AshbyConnection[];
}

export const TYPICAL: AdminHomeData = {
  state: workspaceState('live'),
  notConnected: 7,
  panel: {
    pending: false,
    config: {
      scope: 'everyone',
      groupIds: [],
      teamMapping: { enabled: false, groupToTeam: {} },
      includeGuests: false,
      inviteNewMembers: false,
      maxDeactivationShare: 0.1,
      updatedAt: AT,
      updatedBy: 'm-ada',
    },
  },
  connections: [connection(1), connection(2)],
};

function section(name: string, area: HomeArea, out: KnownBlock[] | HomeSectionOutput): RenderedSection {
  const { blocks, attention = [] as AttentionItem[] } = Array.isArray(out) ? { blocks: out } : out;
  return { name, area, blocks, attention };
}

/** The sections in their registration order (workspace 10 … Ashby imports 51). */
export function adminSections(data: Partial<AdminHomeData> = {}): RenderedSection[] {
  const d = { ...TYPICAL, ...data };
  const connectionModel = { state: d.state, canManage: true };
  const counts = { counts: { connected: 112, notConnected: d.notConnected, inactive: 2 } };
  return [
    section('workspace.connection', 'overview', { blocks: renderConnectionPanel(connectionModel), attention: connectionAttention(connectionModel) }),
    section('home.own_status', 'notifications', renderOwnStatus({ member: ADMIN, connection: { active: true, source: 'auto' }, admins: [] })),
    section(
      'notifications.home',
      'notifications',
      renderNotificationsHome({ viewer: 'member', preferences: { memberId: 'm-ada', slack: defaultSlackPreferences() }, recent: [0, 1, 2, 3, 4].map(recent) }),
    ),
    section('mapping.counts', 'overview', { blocks: renderMappingCounts(counts), attention: mappingAttention(counts) }),
    section('members.directory', 'members', renderMembersSection({ canManage: true, counts: { pending: 3, activated: 121, deactivated: 4 } })),
    section('provisioning.panel', 'sync', { blocks: renderProvisioningPanel(d.panel), attention: provisioningAttention(d.panel) }),
    section('provisioning.history', 'sync', renderHistory({ runs: [0, 1, 2, 3, 4].map((i) => run(i)), now: AT })),
    section(
      'inventory',
      'members',
      renderInventorySection({
        summary: {
          users: 130,
          byStatus: { active: 118, guest: 6, bot: 3, deactivated: 3 },
          adminsAndOwners: 4,
          mapped: 112,
          billing: { available: true, active: 110 },
          lastActivity: { available: true },
          at: AT,
        },
      }),
    ),
    section('ashby.connections', 'ashby', {
      blocks: renderConnectionsSection({
        connections: d.connections,
        applicationNames: new Map([['app-hc', 'Headcount']]),
        page: 0,
        total: d.connections.length,
      }),
      attention: connectionsAttention(d.connections),
    }),
    section('ashby.imports', 'ashby', renderImportsSection({ items: [1, 2].map((i) => ({ imp: anImport(i), applicationName: 'Headcount' })), now: AT })),
  ];
}

/** A standard member's sections: their own connection, settings and recent notifications; the admin panels render nothing. */
export function memberSections(): RenderedSection[] {
  const member: Member = { ...ADMIN, id: 'm-sam', name: 'Sam', accountType: 'standard_member' };
  return [
    section('workspace.connection', 'overview', renderConnectionPanel({ state: workspaceState('live'), canManage: false })),
    section('home.own_status', 'notifications', renderOwnStatus({ member, connection: { active: true, source: 'auto' }, admins: [] })),
    section(
      'notifications.home',
      'notifications',
      renderNotificationsHome({ viewer: 'member', preferences: { memberId: 'm-sam', slack: defaultSlackPreferences() }, recent: [0, 1, 2, 3, 4].map(recent) }),
    ),
    ...['mapping.counts', 'members.directory', 'provisioning.panel', 'provisioning.history', 'inventory', 'ashby.connections', 'ashby.imports'].map((name) =>
      section(name, name.startsWith('ashby') ? 'ashby' : name.startsWith('provisioning') ? 'sync' : name === 'mapping.counts' ? 'overview' : 'members', []),
    ),
  ];
}
