/**
 * Who may be mapped automatically, and what a Slack user's state means for an existing
 * mapping. Pure: the mapping service applies these rules to Slack users and members it reads.
 *
 * - A Slack user is mappable when they are a full, active human member of the workspace with
 *   an email: never deleted (deactivated) users, bots or app users, Slack Connect strangers,
 *   or users without an email.
 * - Members match by normalised email (trimmed, lower case), and only members who are not
 *   deactivated are matched.
 * - A deactivated Slack user keeps their mapping, marked inactive; reactivated, it is active
 *   again. This applies to manual mappings too: the flag follows the Slack user, the choice of
 *   user stays the admin's.
 * - An automatic mapping exists because the emails were equal: when the Slack user's email
 *   changes, it no longer holds and the member is matched again. Manual mappings are never
 *   changed by automatic passes (the repository refuses with `manual_kept`).
 */
import type { Member, MemberStatus } from '../members/member.types';
import { emailKey } from '../members/member.types';
import type { Mapping, SlackUserSummary } from './mapping.types';

export type SkipReason = 'bot' | 'deleted' | 'stranger' | 'no_email';

export type Mappability = { ok: true; emailKey: string } | { ok: false; reason: SkipReason };

/**
 * Whether `user` may be mapped automatically, and by which email key. Reasons are checked
 * in this order, so a deleted bot counts as a bot: bot, deleted, stranger, no email.
 */
export function mappability(user: SlackUserSummary): Mappability {
  if (user.isBot) return { ok: false, reason: 'bot' };
  if (user.deleted) return { ok: false, reason: 'deleted' };
  if (user.isStranger) return { ok: false, reason: 'stranger' };
  const key = user.emailKey ?? (user.email ? normaliseEmail(user.email) : undefined);
  if (!key) return { ok: false, reason: 'no_email' };
  return { ok: true, emailKey: key };
}

/** The key emails are matched by: trimmed, lower case. */
export function normaliseEmail(email: string): string {
  return emailKey(email);
}

/** Members who are deactivated are never mapped automatically (existing mappings stay). */
export function isMemberMatchable(member: { status: MemberStatus }): boolean {
  return member.status !== 'deactivated';
}

/** What a Slack user's deleted flag asks of a mapping to them: nothing, or a change of `active`. */
export function activityChange(mapping: Pick<Mapping, 'active'>, user: Pick<SlackUserSummary, 'deleted'>): 'deactivate' | 'reactivate' | undefined {
  if (user.deleted && mapping.active) return 'deactivate';
  if (!user.deleted && !mapping.active) return 'reactivate';
  return undefined;
}

/**
 * True when an automatic mapping no longer holds because the Slack user's email changed
 * (or was removed). Manual mappings never go stale: the admin chose the user, not the email.
 */
export function isStaleAutoMapping(mapping: Pick<Mapping, 'source' | 'slackEmail'>, user: Pick<SlackUserSummary, 'email' | 'emailKey' | 'deleted'>): boolean {
  if (mapping.source !== 'auto' || user.deleted) return false;
  const current = user.emailKey ?? (user.email ? normaliseEmail(user.email) : undefined);
  return current !== normaliseEmail(mapping.slackEmail);
}

/**
 * True when a member's automatic mapping was made for another email than theirs (their email
 * changed in Pigment): it must be matched again.
 */
export function memberEmailMoved(mapping: Pick<Mapping, 'source' | 'slackEmail'>, member: Pick<Member, 'emailKey'>): boolean {
  return mapping.source === 'auto' && normaliseEmail(mapping.slackEmail) !== member.emailKey;
}

/**
 * Whether an automatic pass may replace a member's existing mapping with `user`: only an
 * automatic one, and only when it is inactive (the old Slack user was deactivated, e.g.
 * someone re-invited under a new account) or made for another email.
 */
export function autoMayReplace(
  existing: Pick<Mapping, 'source' | 'active' | 'slackEmail' | 'slackUserId'>,
  user: Pick<SlackUserSummary, 'id'>,
  memberEmailKey: string,
): boolean {
  if (existing.source !== 'auto' || existing.slackUserId === user.id) return false;
  return !existing.active || normaliseEmail(existing.slackEmail) !== memberEmailKey;
}
