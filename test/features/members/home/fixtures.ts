/**
 * Test data for the member screens: members, mappings and import previews, including the
 * longest values the directory accepts (names of 200 characters, emails of 254).
 */
import type { Mapping } from '../../../../src/features/mapping/mapping.types';
import type { MemberImportPreview } from '../../../../src/features/members/member-import.service';
import type { Member } from '../../../../src/features/members/member.types';

export const LONGEST_NAME = `Ñ${'a'.repeat(198)}é`;
/** 254 characters: 64-character local part, 189-character domain. */
export const LONGEST_EMAIL = `${'l'.repeat(64)}@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(63)}.io`.slice(0, 254);

export function member(overrides: Partial<Member> = {}): Member {
  const id = overrides.id ?? 'm-1';
  const email = overrides.email ?? `${id}@acme.test`;
  return {
    id,
    name: `Member ${id}`,
    email,
    emailKey: email.toLowerCase(),
    accountType: 'standard_member',
    status: 'activated',
    groups: [],
    source: 'api',
    createdAt: new Date('2025-01-02T03:04:05Z'),
    updatedAt: new Date('2025-02-03T04:05:06Z'),
    ...overrides,
  };
}

export function mapping(overrides: Partial<Mapping> = {}): Mapping {
  return {
    memberId: 'm-1',
    slackUserId: 'U0ADA00001',
    source: 'auto',
    active: true,
    slackEmail: 'ada@acme.test',
    createdAt: new Date('2025-01-02T03:04:05Z'),
    updatedAt: new Date('2025-01-02T03:04:05Z'),
    ...overrides,
  };
}

/** A preview with `count` rows in every category, each with the longest values. */
export function bigPreview(count: number): MemberImportPreview {
  const lines = Array.from({ length: count }, (_, i) => i + 2);
  return {
    newRows: lines.map((line) => ({
      line,
      memberId: `m-new-${line}`,
      name: LONGEST_NAME,
      email: LONGEST_EMAIL,
      emailKey: LONGEST_EMAIL,
      accountType: 'workspace_admin',
    })),
    updatedRows: lines.map((line) => ({
      line,
      memberId: `m-upd-${line}`,
      email: LONGEST_EMAIL,
      emailKey: LONGEST_EMAIL,
      name: LONGEST_NAME,
      accountType: 'security_admin',
      changes: { name: { before: LONGEST_NAME.toUpperCase(), after: LONGEST_NAME }, accountType: { before: 'standard_member', after: 'security_admin' } },
    })),
    unchangedRows: lines.map((line) => ({ line, memberId: `m-same-${line}`, email: LONGEST_EMAIL })),
    errorRows: lines.map((line) => ({ line, reason: 'invalid_email', message: `Line ${line}: “${'<&>'.repeat(300)}” is not a valid email address.` })),
    totalRows: count * 4,
  };
}

export function emptyPreview(): MemberImportPreview {
  return { newRows: [], updatedRows: [], unchangedRows: [], errorRows: [], totalRows: 0 };
}
