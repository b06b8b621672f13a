/** Emails are compared trimmed and case-insensitively: the key members and Slack users are matched on. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
