/**
 * Manual mapping: the rules behind "Review members", "Set up", "Edit" and "Remove" in the App
 * Home. No Bolt here: listeners authorise, call these methods and render the results.
 *
 * Every change is written to the audit log with who did it, when, and the mapping before and
 * after. Expected outcomes are results with a small string reason; only bugs and
 * infrastructure failures throw.
 */
import { z } from 'zod';
import type { Clock } from '../../../platform/clock';
import type { SlackDirectory } from '../../../slack/slack-directory';
import { slackErrorCode } from '../../../slack/slack-error';
import type { AuditLog } from '../../audit';
import type { Actor } from '../../members/actor.service';
import type { MemberDirectory } from '../../members/member-directory';
import type { Member, MemberStatus } from '../../members/member.types';
import { isAllowed } from '../../members/permissions';
import type { MappingRepository } from '../mapping.repository';
import type { Mapping, SlackUserSummary } from '../mapping.types';

/** Which members a review page lists. */
export type ReviewTab = 'unconnected' | 'connected';

/** Members that take part in mapping: deactivated ones are never listed. */
const LISTED_STATUSES: MemberStatus[] = ['pending', 'activated'];

/** How many members one query reads at first; doubled while filtering leaves the page short. */
const FIRST_BATCH = 50;
const MAX_BATCH = 1_000;

export interface ReviewRow {
  member: Member;
  mapping?: Mapping;
}

export interface ReviewPage {
  rows: ReviewRow[];
  /** The member id the next page starts after; undefined when this is the last page. */
  nextAfter?: string;
  /**
   * The time budget ran out before the page was full: `rows` holds what was found, and
   * `nextAfter` continues the scan where it stopped.
   */
  partial: boolean;
}

export interface ReviewQuery {
  tab: ReviewTab;
  /** Text to find in names and emails; empty for everyone. */
  text: string;
  /** The member id this page starts after (the last row of the previous page). */
  after?: string;
  limit: number;
  /** Stop scanning after about this long (ms) and return a partial page. */
  budgetMs: number;
}

export type ConnectMode = 'set_up' | 'edit';

export type ConnectFailure =
  | {
      ok: false;
      reason:
        | 'not_allowed'
        | 'member_unavailable'
        | 'invalid_email'
        | 'slack_timeout'
        | 'email_not_found'
        | 'slack_user_deleted'
        | 'slack_user_bot'
        | 'slack_user_stranger';
    }
  | { ok: false; reason: 'slack_user_taken'; takenBy: { id: string; name: string; email: string } }
  /** Slack answered an error, or could not be reached (`code` 'unreachable', `error` the cause, for the log). */
  | { ok: false; reason: 'slack_error'; code: string; error: unknown };

export type ConnectResult = { ok: true; member: Member; mapping: Mapping; before?: Mapping; slackUser: SlackUserSummary } | ConnectFailure;

export type RemoveResult =
  | { ok: true; member: Member | undefined; removed: Mapping }
  | { ok: false; reason: 'not_allowed' }
  | { ok: false; reason: 'not_connected'; member: Member | undefined };

export interface ManualMappingServiceDeps {
  members: MemberDirectory;
  mappings: MappingRepository;
  audit: AuditLog;
  directory: Pick<SlackDirectory, 'lookupByEmail'>;
  clock: Clock;
}

const EMAIL = z.email().max(254);

export class ManualMappingService {
  constructor(private readonly deps: ManualMappingServiceDeps) {}

  /**
   * One page of members, ordered by name: those with no mapping (`unconnected`) or those with
   * one (`connected`). Members are read with `searchPage` and filtered batch by batch, in
   * growing batches, until the page is full or the directory ends, so a page is short only on
   * the last page or when the time budget runs out. One row past the page is looked for, so
   * "Next" is offered only when there is a next page.
   */
  async listPage(query: ReviewQuery): Promise<ReviewPage> {
    const startedAt = Date.now();
    const start = query.after ? await this.deps.members.findById(query.after) : undefined;
    let cursor = start ? { name: start.name, id: start.id } : undefined;
    const rows: ReviewRow[] = [];
    let batchSize = Math.max(FIRST_BATCH, query.limit * 2);
    for (;;) {
      const batch = await this.deps.members.searchPage({ text: query.text, statuses: LISTED_STATUSES, after: cursor, limit: batchSize });
      const mappings = new Map((await this.deps.mappings.findByMembers(batch.map((m) => m.id))).map((m) => [m.memberId, m]));
      for (const member of batch) {
        const mapping = mappings.get(member.id);
        if ((query.tab === 'connected') !== (mapping !== undefined)) continue;
        if (rows.length === query.limit) return { rows, nextAfter: rows[rows.length - 1]!.member.id, partial: false };
        rows.push(mapping ? { member, mapping } : { member });
      }
      const last = batch[batch.length - 1];
      if (batch.length < batchSize || !last) return { rows, partial: false };
      cursor = { name: last.name, id: last.id };
      if (Date.now() - startedAt >= query.budgetMs) {
        // A full page whose successor was not confirmed yet still offers "Next": it may be empty.
        return rows.length === query.limit
          ? { rows, nextAfter: rows[rows.length - 1]!.member.id, partial: false }
          : { rows, nextAfter: last.id, partial: true };
      }
      batchSize = Math.min(batchSize * 2, MAX_BATCH);
    }
  }

  /** The member and their mapping, for the Set up / Edit modal. */
  async memberWithMapping(memberId: string): Promise<{ member: Member; mapping?: Mapping } | undefined> {
    const member = await this.deps.members.findById(memberId);
    if (!member || member.status === 'deactivated') return undefined;
    const mapping = await this.deps.mappings.findByMember(memberId);
    return mapping ? { member, mapping } : { member };
  }

  /**
   * Connects `memberId` to the Slack user with `email`, as a manual mapping (replacing any
   * mapping the member had). The Slack lookup is bounded by `lookupTimeoutMs` so the caller can
   * answer Slack within its 3 seconds: past it the result is `slack_timeout` and nothing is
   * written.
   */
  async connect(actor: Actor, input: { memberId: string; email: string }, options: { lookupTimeoutMs: number }): Promise<ConnectResult> {
    if (!isAllowed(actor.member, 'mapping.manage')) return { ok: false, reason: 'not_allowed' };
    const email = input.email.trim();
    if (!EMAIL.safeParse(email).success) return { ok: false, reason: 'invalid_email' };
    const target = await this.memberWithMapping(input.memberId);
    if (!target) return { ok: false, reason: 'member_unavailable' };

    const lookup = await withTimeout(this.deps.directory.lookupByEmail(email), options.lookupTimeoutMs);
    if (lookup.kind === 'timeout') return { ok: false, reason: 'slack_timeout' };
    if (lookup.kind === 'error') {
      return { ok: false, reason: 'slack_error', code: slackErrorCode(lookup.error) ?? 'unreachable', error: lookup.error };
    }
    const user = lookup.value;
    if (!user) return { ok: false, reason: 'email_not_found' };
    if (user.deleted) return { ok: false, reason: 'slack_user_deleted' };
    if (user.isBot) return { ok: false, reason: 'slack_user_bot' };
    if (user.isStranger) return { ok: false, reason: 'slack_user_stranger' };

    const holder = await this.deps.mappings.findBySlackUser(user.id);
    if (holder && holder.memberId !== input.memberId) return this.taken(holder.memberId);

    const now = this.deps.clock.now();
    const saved = await this.deps.mappings.save(
      { memberId: input.memberId, slackUserId: user.id, source: 'manual', slackEmail: user.email ?? email, active: true },
      now,
    );
    if (!saved.ok) {
      // Only a race gets here: another member took this Slack user in the meantime.
      if (saved.reason === 'slack_user_taken' && saved.takenBy) return this.taken(saved.takenBy);
      throw new Error(`unexpected mapping save result for a manual mapping: ${saved.reason}`);
    }
    if (saved.outcome !== 'unchanged') {
      await this.deps.audit.record({
        at: now,
        actor: auditActor(actor),
        action: target.mapping ? 'mapping.edit' : 'mapping.set_up',
        target: { type: 'mapping', id: input.memberId },
        ...(target.mapping ? { before: target.mapping } : {}),
        after: saved.mapping,
      });
    }
    return { ok: true, member: target.member, mapping: saved.mapping, ...(target.mapping ? { before: target.mapping } : {}), slackUser: user };
  }

  /** Removes the member's mapping (whatever its source) and audits it. */
  async remove(actor: Actor, memberId: string): Promise<RemoveResult> {
    if (!isAllowed(actor.member, 'mapping.manage')) return { ok: false, reason: 'not_allowed' };
    // Remembered, so automatic matching does not connect them again behind the admin's back.
    const removed = await this.deps.mappings.removeByAdmin(memberId, this.deps.clock.now());
    if (!removed) return { ok: false, reason: 'not_connected', member: await this.deps.members.findById(memberId) };
    const now = this.deps.clock.now();
    await this.deps.audit.record({ at: now, actor: auditActor(actor), action: 'mapping.remove', target: { type: 'mapping', id: memberId }, before: removed });
    return { ok: true, member: await this.deps.members.findById(memberId), removed };
  }

  private async taken(memberId: string): Promise<ConnectFailure> {
    const other = await this.deps.members.findById(memberId);
    return { ok: false, reason: 'slack_user_taken', takenBy: { id: memberId, name: other?.name ?? memberId, email: other?.email ?? '' } };
  }
}

function auditActor(actor: Actor): { slackUserId: string; memberId?: string } {
  return actor.member ? { slackUserId: actor.slackUserId, memberId: actor.member.id } : { slackUserId: actor.slackUserId };
}

type Settled<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

/**
 * Waits for `promise` at most `ms`. A late answer is dropped (its rejection too, so it is not
 * reported as unhandled); the call itself cannot be cancelled.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(
    (value): Settled<T> => ({ kind: 'value', value }),
    (error: unknown): Settled<T> => ({ kind: 'error', error }),
  );
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), ms);
  });
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
