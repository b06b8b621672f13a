/**
 * The member directory's vocabulary, as in shared/CONTRACT.md.
 */
export const ACCOUNT_TYPES = ['standard_member', 'workspace_admin', 'security_admin', 'primary_owner'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const MEMBER_STATUSES = ['pending', 'activated', 'deactivated'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** How a member entered the directory; provisioning never deactivates api/csv/manual ones. */
export const MEMBER_SOURCES = ['api', 'csv', 'provisioning'] as const;
export type MemberSource = (typeof MEMBER_SOURCES)[number];

export interface Member {
  id: string;
  name: string;
  /** As given (trimmed). */
  email: string;
  /** Trimmed and lower-cased: the key emails are compared and kept unique by. */
  emailKey: string;
  accountType: AccountType;
  status: MemberStatus;
  groups: string[];
  source: MemberSource;
  /** The profile picture, as the provisioning sync last read it from Slack. */
  avatarUrl?: string;
  createdAt: Date;
  updatedAt: Date;
}

export { emailKey } from '../../platform/email';

/** Human labels for account types (UI, CSV). */
export const ACCOUNT_TYPE_LABELS: Record<AccountType, string> = {
  standard_member: 'Standard member',
  workspace_admin: 'Workspace admin',
  security_admin: 'Security admin',
  primary_owner: 'Primary owner',
};
