/**
 * Who may do what, by account type (issue 3's table). Checked on the server for every
 * action, at the moment it runs, never from what a view showed.
 */
import type { AccountType, Member } from './member.types';

export const PERMISSIONS = {
  /** Acknowledge the connection and see its panel. */
  'workspace.manage': ['security_admin', 'primary_owner'],
  /** Review unmapped members; set up, edit and remove mappings by hand. */
  'mapping.manage': ['security_admin', 'primary_owner'],
  /** Import members; edit, deactivate and reactivate them. */
  'members.manage': ['workspace_admin', 'security_admin', 'primary_owner'],
  /** Provisioning: configuration, Sync now, sync history, reports and their export. */
  'provisioning.manage': ['security_admin', 'primary_owner'],
  /** The user inventory: its Home section and CSV export. */
  'inventory.view': ['workspace_admin', 'security_admin', 'primary_owner'],
  /** Ashby connections: add, edit, replace the key, remove (issue 6). */
  'ashby.manage': ['workspace_admin', 'primary_owner'],
  /** One's own notification settings. */
  'preferences.own': ['standard_member', 'workspace_admin', 'security_admin', 'primary_owner'],
} as const satisfies Record<string, readonly AccountType[]>;

export type Permission = keyof typeof PERMISSIONS;

/** True when `member` exists, is not deactivated, and has an account type allowed `permission`. */
export function isAllowed(member: Member | undefined, permission: Permission): boolean {
  if (!member || member.status === 'deactivated') return false;
  return (PERMISSIONS[permission] as readonly AccountType[]).includes(member.accountType);
}
