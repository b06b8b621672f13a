/**
 * A Slack user's place in the inventory, from users.list's flags, and the CSV line of a row.
 * Pure.
 */
import type { AdminRole, InventoryRow, InventoryStatus } from './inventory.types';

interface UserFlags {
  id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
}

/**
 * Deactivated (`deleted`) wins over everything; bots and app users (and Slackbot) are bots;
 * multi- and single-channel guests (`is_restricted`, `is_ultra_restricted`) are guests.
 */
export function classifyUser(user: UserFlags): { status: InventoryStatus; adminRole?: AdminRole } {
  const status: InventoryStatus = user.deleted
    ? 'deactivated'
    : user.is_bot || user.is_app_user || user.id === 'USLACKBOT'
      ? 'bot'
      : user.is_restricted || user.is_ultra_restricted
        ? 'guest'
        : 'active';
  const adminRole: AdminRole | undefined = user.is_primary_owner ? 'primary_owner' : user.is_owner ? 'owner' : user.is_admin ? 'admin' : undefined;
  return adminRole ? { status, adminRole } : { status };
}

export const INVENTORY_CSV_HEADER = ['Slack user id', 'Name', 'Email', 'Status', 'Admin/owner', 'Mapped member id', 'Last activity', 'Billing active'] as const;

/** A row's CSV cells, in {@link INVENTORY_CSV_HEADER}'s order: ISO dates, true/false, or the reason there is none. */
export function inventoryCsvRow(row: InventoryRow): string[] {
  return [
    row.slackUserId,
    row.name,
    row.email,
    row.status,
    row.adminRole ?? '',
    row.mappedMemberId ?? '',
    'value' in row.lastActivity ? new Date(row.lastActivity.value * 1000).toISOString() : row.lastActivity.unavailable,
    'value' in row.billingActive ? String(row.billingActive.value) : row.billingActive.unavailable,
  ];
}
