/**
 * Bulk member import from a CSV file (`Name, Email, Account Type`), shared by the command
 * line (`npm run members:import`) and the App Home upload modal: first a preview that compares
 * every row with the directory and writes nothing, then, once confirmed, the writes.
 *
 * Rows are matched to members by normalised email: a known email updates that member's name
 * and account type; an unknown one creates a pending member with a new id. Rows with errors
 * are skipped and the rest applied; a file that cannot be read at all writes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { AuditLog } from '../audit';
import type { Actor } from './actor.service';
import { parseMemberCsv, type MemberCsvFileError, type MemberCsvRowErrorReason } from './member-csv.parser';
import type { MemberRepository } from './member.repository';
import { ACCOUNT_TYPE_LABELS, type AccountType, type Member } from './member.types';
import { notifyMemberChanged, type MemberChangedHook } from './member-changed';
import { canManageMember } from './members.service';
import { isAllowed } from './permissions';

export interface NewMemberRow {
  line: number;
  /** Generated at preview time (`m-<uuid>`), so applying the same preview twice creates nobody twice. */
  memberId: string;
  name: string;
  email: string;
  emailKey: string;
  accountType: AccountType;
}

export interface UpdatedMemberRow {
  line: number;
  memberId: string;
  email: string;
  emailKey: string;
  name: string;
  accountType: AccountType;
  /** Only the fields that change. */
  changes: { name?: { before: string; after: string }; accountType?: { before: AccountType; after: AccountType } };
}

export interface UnchangedMemberRow {
  line: number;
  memberId: string;
  email: string;
}

export type MemberImportRowErrorReason =
  | MemberCsvRowErrorReason
  /** Another member took the email between preview and apply. */
  | 'email_taken'
  /** The member was changed or removed between preview and apply. */
  | 'changed_since_preview'
  /** The row would give, or change, an account type above the importer's own. */
  | 'above_own_rank';

export interface MemberImportRowError {
  line: number;
  reason: MemberImportRowErrorReason;
  /** Human sentence starting with "Line N:". */
  message: string;
}

export interface MemberImportPreview {
  newRows: NewMemberRow[];
  updatedRows: UpdatedMemberRow[];
  unchangedRows: UnchangedMemberRow[];
  errorRows: MemberImportRowError[];
  /** Data rows in the file (good and bad). */
  totalRows: number;
}

export type MemberImportPreviewResult = { ok: true; preview: MemberImportPreview } | { ok: false; error: MemberCsvFileError };

/** The command line: a trusted local operator with access to the database itself. */
export interface LocalOperator {
  cli: true;
  /** Who ran it, for the audit log (e.g. the OS user). */
  name?: string;
}

export type ImportActor = Actor | LocalOperator;

export interface MemberImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** Error rows of the preview plus rows refused while applying. */
  failed: number;
}

export type MemberImportApplyResult =
  | { ok: true; importId: string; counts: MemberImportCounts; failures: MemberImportRowError[] }
  | { ok: false; reason: 'not_allowed' };

export interface MemberImportServiceDeps {
  members: MemberRepository;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Read at apply time, so hooks registered later are called too. */
  memberChanged: readonly MemberChangedHook[];
}

/** Emails looked up per query while previewing. */
const LOOKUP_CHUNK = 1_000;
/** Rows written at once while applying (each row is its own write; rows never share an email). */
const WRITE_CONCURRENCY = 8;

export class MemberImportService {
  constructor(private readonly deps: MemberImportServiceDeps) {}

  /**
   * Reads the file and compares it with the directory; writes nothing. With `actor` (a Slack
   * admin), rows they may not apply (account types above their own) are listed as errors.
   */
  async preview(file: Buffer | string, actor?: ImportActor): Promise<MemberImportPreviewResult> {
    const parsed = parseMemberCsv(file);
    if (!parsed.ok) return { ok: false, error: parsed.error };

    const existing = new Map<string, Member>();
    for (let i = 0; i < parsed.rows.length; i += LOOKUP_CHUNK) {
      const keys = parsed.rows.slice(i, i + LOOKUP_CHUNK).map((row) => row.emailKey);
      for (const member of await this.deps.members.findByEmailKeys(keys)) existing.set(member.emailKey, member);
    }

    const preview: MemberImportPreview = {
      newRows: [],
      updatedRows: [],
      unchangedRows: [],
      errorRows: parsed.errors.map(({ line, reason, message }) => ({ line, reason, message })),
      totalRows: parsed.rows.length + parsed.errors.length,
    };
    for (const row of parsed.rows) {
      const member = existing.get(row.emailKey);
      if (!member) {
        const refusal = rankRefusal(actor, row.line, row.accountType, undefined);
        if (refusal) preview.errorRows.push(refusal);
        else
          preview.newRows.push({
            line: row.line,
            memberId: `m-${randomUUID()}`,
            name: row.name,
            email: row.email,
            emailKey: row.emailKey,
            accountType: row.accountType,
          });
        continue;
      }
      // An empty Account Type cell keeps an existing member's type: it must never demote an admin.
      const accountType = row.accountTypeGiven ? row.accountType : member.accountType;
      const changes: UpdatedMemberRow['changes'] = {};
      if (member.name !== row.name) changes.name = { before: member.name, after: row.name };
      if (member.accountType !== accountType) changes.accountType = { before: member.accountType, after: accountType };
      if (!changes.name && !changes.accountType) {
        preview.unchangedRows.push({ line: row.line, memberId: member.id, email: member.email });
        continue;
      }
      const refusal = rankRefusal(actor, row.line, accountType, member.accountType);
      if (refusal) preview.errorRows.push(refusal);
      else
        preview.updatedRows.push({ line: row.line, memberId: member.id, email: member.email, emailKey: member.emailKey, name: row.name, accountType, changes });
    }
    preview.errorRows.sort((a, b) => a.line - b.line);
    return { ok: true, preview };
  }

  /**
   * Writes a preview: creates the new members (pending, source csv), updates the changed
   * ones, and records one audit entry with the counts. A Slack actor must be allowed
   * `members.manage` at this moment, and rows above their own rank are refused again here.
   * Rows that changed in the directory since the preview are skipped, not overwritten.
   */
  async apply(preview: MemberImportPreview, actor: ImportActor): Promise<MemberImportApplyResult> {
    if (!isLocalOperator(actor) && !isAllowed(actor.member, 'members.manage')) return { ok: false, reason: 'not_allowed' };
    const importId = randomUUID();
    const counts: MemberImportCounts = { created: 0, updated: 0, unchanged: preview.unchangedRows.length, failed: preview.errorRows.length };
    const failures: MemberImportRowError[] = [];
    const fail = (error: MemberImportRowError) => {
      failures.push(error);
      counts.failed += 1;
    };

    await forEachConcurrently(preview.newRows, WRITE_CONCURRENCY, async (row) => {
      const refusal = rankRefusal(actor, row.line, row.accountType, undefined);
      if (refusal) return fail(refusal);
      const result = await this.deps.members.save(
        {
          id: row.memberId,
          name: row.name,
          email: row.email,
          emailKey: row.emailKey,
          accountType: row.accountType,
          status: 'pending',
          groups: [],
          source: 'csv',
        },
        this.deps.clock.now(),
      );
      if (!result.ok)
        return fail({
          line: row.line,
          reason: 'email_taken',
          message: `Line ${row.line}: ${row.email} now belongs to another member (${result.takenBy}); the row was skipped.`,
        });
      if (result.outcome === 'created') {
        counts.created += 1;
        notifyMemberChanged(this.deps.memberChanged, this.deps.logger, result.member, undefined);
      } else if (result.outcome === 'updated') {
        counts.updated += 1;
      } else {
        counts.unchanged += 1;
      }
    });

    await forEachConcurrently(preview.updatedRows, WRITE_CONCURRENCY, async (row) => {
      const current = await this.deps.members.findById(row.memberId);
      if (!current || current.emailKey !== row.emailKey || !matchesBefore(current, row.changes)) {
        return fail({
          line: row.line,
          reason: 'changed_since_preview',
          message: `Line ${row.line}: ${row.email} changed in the directory since the preview; the row was skipped. Import the file again to see the new differences.`,
        });
      }
      const refusal = rankRefusal(actor, row.line, row.accountType, current.accountType);
      if (refusal) return fail(refusal);
      // Only name and account type come from the file: status and groups stay as stored.
      const result = await this.deps.members.save(
        { id: current.id, name: row.name, email: current.email, emailKey: current.emailKey, accountType: row.accountType, source: current.source },
        this.deps.clock.now(),
      );
      if (!result.ok)
        return fail({
          line: row.line,
          reason: 'email_taken',
          message: `Line ${row.line}: ${row.email} belongs to another member (${result.takenBy}); the row was skipped.`,
        });
      if (result.outcome === 'unchanged') counts.unchanged += 1;
      else counts.updated += 1;
    });

    failures.sort((a, b) => a.line - b.line);
    const at = this.deps.clock.now();
    await this.deps.audit.record({
      at,
      actor: isLocalOperator(actor)
        ? { slackUserId: actor.name ? `cli:${actor.name}` : 'cli' }
        : actor.member
          ? { slackUserId: actor.slackUserId, memberId: actor.member.id }
          : { slackUserId: actor.slackUserId },
      action: 'member.import',
      target: { type: 'import', id: importId },
      after: { ...counts, totalRows: preview.totalRows },
    });
    this.deps.logger.info({ importId, ...counts, by: isLocalOperator(actor) ? 'cli' : actor.slackUserId }, 'member import applied');
    return { ok: true, importId, counts, failures };
  }
}

export function isLocalOperator(actor: ImportActor): actor is LocalOperator {
  return (actor as LocalOperator).cli === true;
}

/** An error row when a Slack actor may not give `accountType` (or touch a member of type `current`). */
function rankRefusal(
  actor: ImportActor | undefined,
  line: number,
  accountType: AccountType,
  current: AccountType | undefined,
): MemberImportRowError | undefined {
  if (!actor || isLocalOperator(actor)) return undefined;
  if (canManageMember(actor.member, accountType) && (current === undefined || canManageMember(actor.member, current))) return undefined;
  const type = ACCOUNT_TYPE_LABELS[current !== undefined && !canManageMember(actor.member, current) ? current : accountType];
  return { line, reason: 'above_own_rank', message: `Line ${line}: only an admin of at least the same rank can import a ${type}; the row was skipped.` };
}

/** True when the member still has the values the preview compared against. */
function matchesBefore(member: Member, changes: UpdatedMemberRow['changes']): boolean {
  if (changes.name && member.name !== changes.name.before) return false;
  if (changes.accountType && member.accountType !== changes.accountType.before) return false;
  return true;
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
