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

/** Account types as a refusal names them, in the table's order. */
const ROLE_NAMES: Record<AccountType, string> = {
  standard_member: 'members',
  workspace_admin: 'Workspace Admins',
  security_admin: 'Security Admins',
  primary_owner: 'Primary Owners',
};

/** What a refusal says each permission is for: "You cannot …" and "Only … can …". */
const REFUSAL_WORDS: Record<Permission, { cannot: string; can: string }> = {
  'workspace.manage': { cannot: 'set up the Slack connection', can: 'acknowledge the Slack workspace and see its connection panel' },
  'mapping.manage': { cannot: 'manage connections', can: 'review members and set up, edit or remove their Slack connections' },
  'members.manage': { cannot: 'manage members', can: 'import, edit, deactivate or reactivate members' },
  'provisioning.manage': { cannot: 'manage provisioning', can: 'configure and run the provisioning sync and open or export its reports' },
  'inventory.view': { cannot: 'see the user inventory', can: 'see and export the user inventory' },
  'ashby.manage': { cannot: 'manage Ashby', can: 'manage Ashby connections and imports' },
  'preferences.own': { cannot: 'change notification settings', can: 'change their own notification settings' },
};

/**
 * The one refusal text for `permission` (mrkdwn), its roles read from the table above so
 * the words never disagree with the check: the same in a DM, a modal and a submission's answer.
 */
export function refusalText(permission: Permission): string {
  const roles = (PERMISSIONS[permission] as readonly AccountType[]).map((type) => ROLE_NAMES[type]);
  const who = roles.length > 1 ? `${roles.slice(0, -1).join(', ')} and ${roles[roles.length - 1]}` : roles[0];
  const words = REFUSAL_WORDS[permission];
  return `:no_entry: *You cannot ${words.cannot}.* Only ${who} can ${words.can}. Nothing was changed.`;
}
