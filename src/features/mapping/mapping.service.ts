/**
 * Automatic mapping of members to Slack users by email: the full pass over `users.list`, the
 * pass that looks unmapped members up one by one, the scheduled pass that picks the cheaper
 * of the two, and the one-off matches for a member that changed and a Slack user that joined
 * or changed. Rules in `mapping-rules.ts`, the choice of pass in `mapping-strategy.ts`.
 *
 * Nothing runs unless the workspace is live. Manual mappings are never replaced.
 *
 * Memory: a pass holds the members it may still map (email key → member id) and the existing
 * mappings by Slack user (to mark deactivated/reactivated users and notice changed emails
 * without one query per page: FerretDB 1.24 scans the whole collection for an `$in`). Slack
 * users are streamed a page at a time, at most FULL_PASS_READ_AHEAD_PAGES pages held.
 */
import { readAhead } from '../../platform/read-ahead';
import { withinBudget } from '../../platform/within-budget';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { SlackDirectory } from '../../slack/slack-directory';
import type { MemberDirectory } from '../members/member-directory';
import type { Member } from '../members/member.types';
import type { MappingRepository } from './mapping.repository';
import {
  activityChange,
  autoMayReplace,
  isMemberMatchable,
  isStaleAutoMapping,
  mappability,
  memberEmailMoved,
  normaliseEmail,
  type SkipReason,
} from './mapping-rules';
import { chooseStrategy, type StrategyChoice } from './mapping-strategy';
import type { Mapping, MappingSource, SlackUserSummary } from './mapping.types';
import type { RawSlackUser } from '../../slack/slack-directory';
import { PerTenant } from '../../tenancy/per-tenant';
import type { CountTotals } from './mapping-counts.repository';

export interface MappingServiceDeps {
  members: MemberDirectory;
  mappings: MappingRepository;
  directory: Pick<SlackDirectory, 'listUsers' | 'lookupByEmail' | 'summarise' | 'teamId'>;
  workspace: { isLive(): Promise<boolean>; refresh(): Promise<unknown> };
  clock: Clock;
  logger: Logger;
}

export interface MappingCounts {
  /** Members (not deactivated) mapped to an active Slack user. */
  connected: number;
  /** Members (not deactivated) without a mapping. */
  notConnected: number;
  /** Members (not deactivated) whose Slack user is deactivated: mapping kept, nothing delivered. */
  inactive: number;
}

export interface SkippedCounts {
  bots: number;
  deleted: number;
  strangers: number;
  noEmail: number;
}

/**
 * What a full pass did. Every Slack user seen lands in exactly one of created, remapped,
 * reactivated, deactivated, unchanged, unmatched, conflicts and skipped.
 */
export interface FullPassReport {
  [key: string]: unknown;
  ran: true;
  kind: 'full';
  slackUsers: number;
  pages: number;
  /** users.list calls answered (429s waited out by the directory are not counted). */
  calls: number;
  /** Members that could be matched when the pass started. */
  candidates: number;
  created: number;
  /** An automatic mapping moved to another Slack user (the old one deactivated, or emails changed). */
  remapped: number;
  reactivated: number;
  deactivated: number;
  /** Mapped users whose mapping stayed as it was. */
  unchanged: number;
  /** Mappable users whose email matches no member that may be mapped. */
  unmatched: number;
  /** Matches refused: the member or the Slack user got a mapping meanwhile, or an admin removed that connection by hand. */
  conflicts: number;
  skipped: SkippedCounts;
  /** Automatic mappings removed because the Slack user's email no longer matches (not a bucket). */
  released: number;
  /** Time spent reading members and mappings before the first Slack call, and in all. */
  readMs: number;
  totalMs: number;
}

export interface LookupPassReport {
  [key: string]: unknown;
  ran: true;
  kind: 'lookups';
  /** Members looked up. */
  members: number;
  /** users.lookupByEmail calls answered. */
  calls: number;
  created: number;
  remapped: number;
  /** The member's inactive mapping's own Slack user was found active again. */
  reactivated: number;
  notFound: number;
  conflicts: number;
  skipped: SkippedCounts;
  readMs: number;
  totalMs: number;
}

/** A pass that did not run: the workspace is not live, or this process is already running one. */
export type PassNotRun = { [key: string]: unknown; ran: false; reason: 'not_live' | 'already_running' };

export type ScheduledPassReport =
  | PassNotRun
  | ((FullPassReport | LookupPassReport) & { strategy: Pick<StrategyChoice, 'kind' | 'reason' | 'full' | 'lookups'> });

export type MapMemberResult =
  | { ok: true; outcome: 'created' | 'updated' | 'unchanged' | 'released'; mapping?: Mapping }
  | { ok: false; reason: 'not_live' | 'member_deactivated' | 'manual_kept' | 'removed_by_admin' | 'not_found' | 'slack_user_taken' | SkipReason };

export type SlackUserResult =
  | { ok: true; outcome: 'created' | 'updated' | 'deactivated' | 'reactivated' | 'remapped' | 'unchanged'; mapping?: Mapping }
  | { ok: false; reason: 'not_live' | 'no_member' | 'already_mapped' | 'manual_kept' | 'removed_by_admin' | 'slack_user_taken' | SkipReason };

/** A mapping as a pass holds it: what the per-user checks need, nothing more. */
interface HeldMapping {
  memberId: string;
  source: MappingSource;
  active: boolean;
  slackEmail: string;
  /** Its member is not deactivated (the mapping is in the Home's counts). */
  counted: boolean;
}

/** What a pass starts from, read once from the store. */
interface PassSnapshot {
  /** Members that may be matched, by email key: unmapped ones, and automatic mappings that may move. */
  candidates: Map<string, string>;
  /** Members among the candidates that already have an automatic mapping (replaced, not inserted). */
  replaceable: Set<string>;
  /** Existing mappings by Slack user. */
  bySlackUser: Map<string, HeldMapping>;
  /** The Home's counts as read (stored as the counts' new base). */
  totals: CountTotals;
  startedAt: Date;
  readMs: number;
}

/**
 * Pages of Slack users a full pass may read ahead of its processing (200 users each: at most
 * 4,000 users held). The read of the store's members and mappings comes first and takes
 * seconds at 100,000 members; meanwhile Slack's rate-limit bucket, full, would waste its
 * refill. Enough pages to take it below full during that read keeps every token in use
 * (measured at 100,000 users: 20 pages, wall ÷ floor 1.01 and 34 MB extra at peak; 50 pages,
 * the same 1.01 and 137 MB).
 */
export const FULL_PASS_READ_AHEAD_PAGES = 20;

const NO_SKIPS = (): SkippedCounts => ({ bots: 0, deleted: 0, strangers: 0, noEmail: 0 });
const SKIP_FIELD: Record<SkipReason, keyof SkippedCounts> = { bot: 'bots', deleted: 'deleted', stranger: 'strangers', no_email: 'noEmail' };

export class MappingService {
  private readonly logger: Logger;
  /** Per tenant (see PerTenant). */
  private readonly perTenant = new PerTenant<{
    running?: Promise<unknown> | undefined;
    counting?: Promise<MappingCounts> | undefined;
  }>(() => ({}));
  private get tenantState(): {
    running?: Promise<unknown> | undefined;
    counting?: Promise<MappingCounts> | undefined;
  } {
    return this.perTenant.get();
  }

  constructor(private readonly deps: MappingServiceDeps) {
    this.logger = deps.logger.child({ feature: 'mapping' });
  }

  /** The pass the scheduler runs: full or lookups, whichever the rate limits make cheaper. */
  async runScheduledPass(): Promise<ScheduledPassReport> {
    return this.exclusive(() => this.scheduledPass());
  }

  /** Pages through every Slack user; see {@link FullPassReport}. Records the Slack user count. */
  async runFullPass(): Promise<FullPassReport | PassNotRun> {
    return this.exclusive(async () => {
      // Slack's pages start while the store is read: the rate limits, not that read, set the pace.
      const pages = readAhead(this.deps.directory.listUsers(), FULL_PASS_READ_AHEAD_PAGES);
      try {
        return await this.fullPass(await this.readSnapshot(), pages);
      } finally {
        await pages.close();
      }
    });
  }

  /** Looks every unmapped member up by email (`users.lookupByEmail`). */
  async runIncremental(): Promise<LookupPassReport | PassNotRun> {
    return this.exclusive(async () => this.lookupPass(await this.readSnapshot()));
  }

  /** Resolves when no pass runs in this process. */
  async whenIdle(): Promise<void> {
    while (this.tenantState.running) await this.tenantState.running.catch(() => undefined);
  }

  private async exclusive<T>(pass: () => Promise<T>): Promise<T | PassNotRun> {
    // Checked and taken before any await, so two calls can never both start a pass.
    if (this.tenantState.running) return { ran: false, reason: 'already_running' };
    const run = (async (): Promise<T | PassNotRun> => {
      // Another process may have acknowledged or disconnected the workspace: read it afresh.
      await this.deps.workspace.refresh();
      if (!(await this.deps.workspace.isLive())) return { ran: false, reason: 'not_live' };
      return pass();
    })();
    this.tenantState.running = run;
    try {
      return await run;
    } finally {
      this.tenantState.running = undefined;
    }
  }

  private async scheduledPass(): Promise<ScheduledPassReport> {
    const snapshot = await this.readSnapshot();
    const last = await this.deps.mappings.lastFullPass();
    const choice = chooseStrategy({ slackUserCount: last?.slackUsers, unmappedCount: snapshot.candidates.size });
    this.logger.info({ strategy: choice.kind, reason: choice.reason, full: choice.full, lookups: choice.lookups }, 'mapping pass chosen');
    const report = choice.kind === 'full' ? await this.fullPass(snapshot, readAhead(this.deps.directory.listUsers(), 1)) : await this.lookupPass(snapshot);
    const { kind, reason, full, lookups } = choice;
    return { ...report, strategy: { kind, reason, full, lookups } };
  }

  /**
   * Maps one member at once (created, email changed, reactivated): looks their email up in
   * Slack. An automatic mapping made for their old email moves to the user with the new one,
   * or is removed when no Slack user has it (`released`). A manual mapping is left alone.
   */
  async mapMember(member: Member): Promise<MapMemberResult> {
    if (!(await this.deps.workspace.isLive())) return { ok: false, reason: 'not_live' };
    if (!isMemberMatchable(member)) return { ok: false, reason: 'member_deactivated' };
    const existing = await this.deps.mappings.findByMember(member.id);
    if (existing?.source === 'manual') return { ok: false, reason: 'manual_kept' };
    const moved = existing !== undefined && memberEmailMoved(existing, member);
    if (existing && !moved && existing.active) return { ok: true, outcome: 'unchanged', mapping: existing };

    const user = await this.deps.directory.lookupByEmail(member.email);
    const check = user ? mappability(user) : undefined;
    if (!user || !check?.ok) {
      if (existing && moved) {
        const released = await this.deps.mappings.removeAuto(member.id, existing.slackUserId, { memberCounted: true });
        if (released) {
          this.logger.info(
            { memberId: member.id, slackUserId: existing.slackUserId },
            'automatic mapping removed: the member email changed and no Slack user has the new one',
          );
          return { ok: true, outcome: 'released' };
        }
      }
      return { ok: false, reason: check && !check.ok ? check.reason : 'not_found' };
    }
    const saved = await this.deps.mappings.save(
      { memberId: member.id, slackUserId: user.id, source: 'auto', slackEmail: user.email ?? member.email, active: true },
      this.deps.clock.now(),
      { memberCounted: true },
    );
    if (!saved.ok) return { ok: false, reason: saved.reason };
    if (saved.outcome !== 'unchanged') this.logger.info({ memberId: member.id, slackUserId: user.id, outcome: saved.outcome }, 'member mapped by email');
    return { ok: true, outcome: saved.outcome, mapping: saved.mapping };
  }

  /**
   * A Slack user joined (`team_join`) or changed (`user_change`): deactivated → their mapping
   * is marked inactive; reactivated → active again; email changed → their automatic mapping
   * moves to the member with the new email (and the previous member is looked up again); a
   * new user → mapped to the member with their email.
   */
  async onSlackUser(raw: RawSlackUser): Promise<SlackUserResult> {
    if (!(await this.deps.workspace.isLive())) return { ok: false, reason: 'not_live' };
    const user = this.deps.directory.summarise(raw, await this.deps.directory.teamId());
    const now = this.deps.clock.now();
    const existing = await this.deps.mappings.findBySlackUser(user.id);
    let reactivated = false;
    let released: Mapping | undefined;
    if (existing) {
      const change = activityChange(existing, user);
      if (change) {
        await this.deps.mappings.setActiveForSlackUser(user.id, change === 'reactivate', now);
        this.logger.info({ slackUserId: user.id, memberId: existing.memberId, change }, 'Slack user deactivated or reactivated: mapping updated');
        if (change === 'deactivate') return { ok: true, outcome: 'deactivated' };
        reactivated = true;
      }
      if (!isStaleAutoMapping(existing, user)) return { ok: true, outcome: reactivated ? 'reactivated' : 'unchanged' };
      released = await this.deps.mappings.removeAuto(existing.memberId, user.id);
      if (released) this.logger.info({ slackUserId: user.id, memberId: existing.memberId }, 'Slack email changed: automatic mapping released');
    }

    const result = await this.matchSlackUser(user, now);
    if (released) {
      // The member who lost this user may have another Slack account with their email.
      const previous = await this.deps.members.findById(released.memberId);
      if (previous) await this.mapMember(previous);
      if (result.ok && (result.outcome === 'created' || result.outcome === 'updated')) return { ...result, outcome: 'remapped' };
    }
    return result;
  }

  /**
   * Connected / not connected / inactive, over members that are not deactivated (mappings of
   * deactivated members are kept but not counted), counted afresh: two streamed reads of the
   * whole directory (about 24 s at 100,000 members on FerretDB), and stored as the maintained
   * counts' new base. The Home reads {@link countsForHome} instead.
   */
  async counts(): Promise<MappingCounts> {
    const startedAt = this.deps.clock.now();
    const members = new Set<string>();
    for await (const member of this.deps.members.streamActiveEmails()) members.add(member.id);
    const totals: CountTotals = { members: members.size, connected: 0, inactive: 0 };
    for await (const mapping of this.deps.mappings.streamAll()) {
      if (!members.has(mapping.memberId)) continue;
      if (mapping.active) totals.connected += 1;
      else totals.inactive += 1;
    }
    await this.deps.mappings.homeCounts.rebase(totals, startedAt);
    return toMappingCounts(totals);
  }

  /**
   * The counts for the App Home: the maintained ones (a base counted by the last mapping pass
   * plus the changes since, a read of a few small documents). A tenant with no base yet (its
   * data predates maintained counts) is counted once, within `budgetMs` or in the background
   * (undefined meanwhile: "Counting members…"); concurrent callers share that count.
   */
  async countsForHome(budgetMs: number): Promise<{ counts: MappingCounts } | undefined> {
    const maintained = await this.deps.mappings.homeCounts.current();
    if (maintained) return { counts: toMappingCounts(maintained.totals) };
    this.tenantState.counting ??= this.counts().finally(() => {
      this.tenantState.counting = undefined;
    });
    const counting = this.tenantState.counting;
    const counts = await withinBudget(counting, budgetMs);
    if (counts) return { counts };
    // Too slow for this render: keep counting for the next one, and never leave a rejection unhandled.
    counting.catch((error: unknown) => this.logger.error({ err: error }, 'counting mappings failed'));
    return undefined;
  }

  // ----------------------------------------------------------------------------------------

  /** A mappable Slack user without a mapping: map them to the member with their email. */
  private async matchSlackUser(user: SlackUserSummary, now: Date): Promise<SlackUserResult> {
    const check = mappability(user);
    if (!check.ok) return { ok: false, reason: check.reason };
    const member = await this.deps.members.findByEmailKey(check.emailKey);
    if (!member || !isMemberMatchable(member)) return { ok: false, reason: 'no_member' };
    const current = await this.deps.mappings.findByMember(member.id);
    if (current?.source === 'manual') return { ok: false, reason: 'manual_kept' };
    if (current && !autoMayReplace(current, user, member.emailKey)) return { ok: false, reason: 'already_mapped' };
    const saved = await this.deps.mappings.save(
      { memberId: member.id, slackUserId: user.id, source: 'auto', slackEmail: user.email ?? member.email, active: true },
      now,
      { memberCounted: true },
    );
    if (!saved.ok) return { ok: false, reason: saved.reason };
    this.logger.info({ memberId: member.id, slackUserId: user.id, outcome: saved.outcome }, 'Slack user mapped by email');
    return { ok: true, outcome: saved.outcome, mapping: saved.mapping };
  }

  /**
   * Reads the existing mappings, then the members that are not deactivated, keeping only
   * those that may be matched: no mapping, or an automatic one that is inactive or was made
   * for another email than the member's.
   */
  private async readSnapshot(): Promise<PassSnapshot> {
    const startedAt = this.deps.clock.now();
    const bySlackUser = new Map<string, HeldMapping>();
    const byMember = new Map<string, HeldMapping>();
    for await (const mapping of this.deps.mappings.streamAll()) {
      const held: HeldMapping = { memberId: mapping.memberId, source: mapping.source, active: mapping.active, slackEmail: mapping.slackEmail, counted: false };
      bySlackUser.set(mapping.slackUserId, held);
      byMember.set(mapping.memberId, held);
    }
    const candidates = new Map<string, string>();
    const replaceable = new Set<string>();
    // The Home's counts come with this read: stored as their new base below.
    const totals: CountTotals = { members: 0, connected: 0, inactive: 0 };
    for await (const member of this.deps.members.streamActiveEmails()) {
      const held = byMember.get(member.id);
      totals.members += 1;
      if (held) {
        held.counted = true;
        if (held.active) totals.connected += 1;
        else totals.inactive += 1;
      }
      if (!held) {
        candidates.set(member.emailKey, member.id);
      } else if (held.source === 'auto' && (!held.active || normaliseEmail(held.slackEmail) !== member.emailKey)) {
        candidates.set(member.emailKey, member.id);
        replaceable.add(member.id);
      }
    }
    await this.deps.mappings.homeCounts.rebase(totals, startedAt);
    return { candidates, replaceable, bySlackUser, totals, startedAt, readMs: this.deps.clock.now().getTime() - startedAt.getTime() };
  }

  /** Every Slack user of `pages`, matched against `snapshot`. */
  private async fullPass(snapshot: PassSnapshot, pages: AsyncIterable<SlackUserSummary[]>): Promise<FullPassReport> {
    const report: FullPassReport = {
      ran: true,
      kind: 'full',
      slackUsers: 0,
      pages: 0,
      calls: 0,
      candidates: snapshot.candidates.size,
      created: 0,
      remapped: 0,
      reactivated: 0,
      deactivated: 0,
      unchanged: 0,
      unmatched: 0,
      conflicts: 0,
      skipped: NO_SKIPS(),
      released: 0,
      readMs: snapshot.readMs,
      totalMs: 0,
    };
    for await (const page of pages) {
      report.pages += 1;
      report.calls += 1;
      report.slackUsers += page.length;
      const inserts: Array<{ memberId: string; slackUserId: string; slackEmail: string }> = [];
      for (const user of page) {
        const outcome = await this.passUser(user, snapshot, inserts, report);
        if (outcome) bump(report, outcome);
      }
      if (inserts.length > 0) {
        const inserted = await this.deps.mappings.insertAutoMany(inserts, this.deps.clock.now());
        report.created += inserted.created.length;
        report.conflicts += inserted.refused.length;
      }
    }
    await this.deps.mappings.recordFullPass({ slackUsers: report.slackUsers, pages: report.pages, at: snapshot.startedAt });
    report.totalMs = this.deps.clock.now().getTime() - snapshot.startedAt.getTime();
    return report;
  }

  /**
   * One Slack user of a full pass. Returns the bucket it lands in, or undefined when it was
   * queued in `inserts` (counted after the page's batch insert).
   */
  private async passUser(
    user: SlackUserSummary,
    snapshot: PassSnapshot,
    inserts: Array<{ memberId: string; slackUserId: string; slackEmail: string }>,
    report: FullPassReport,
  ): Promise<Bucket | undefined> {
    const now = this.deps.clock.now();
    const held = snapshot.bySlackUser.get(user.id);
    if (held) {
      const change = activityChange(held, user);
      if (change) {
        await this.deps.mappings.setActiveForSlackUser(user.id, change === 'reactivate', now, { memberCounted: held.counted });
        held.active = change === 'reactivate';
      }
      if (!isStaleAutoMapping(held, user)) {
        // Reactivated: the member no longer needs another Slack user.
        const key = normaliseEmail(held.slackEmail);
        if (change === 'reactivate' && snapshot.candidates.get(key) === held.memberId) snapshot.candidates.delete(key);
        return change === 'deactivate' ? 'deactivated' : change === 'reactivate' ? 'reactivated' : 'unchanged';
      }
      // The Slack email changed: the automatic mapping no longer holds. The member may match a
      // user with their email further on; this user may match another member below.
      if (await this.deps.mappings.removeAuto(held.memberId, user.id, { memberCounted: held.counted })) {
        report.released += 1;
        snapshot.bySlackUser.delete(user.id);
        // (A member whose own email moved is already a candidate under the new one.)
        if (!snapshot.replaceable.has(held.memberId)) snapshot.candidates.set(normaliseEmail(held.slackEmail), held.memberId);
      } else {
        return 'unchanged';
      }
    }
    const check = mappability(user);
    if (!check.ok) return check.reason;
    const memberId = snapshot.candidates.get(check.emailKey);
    if (memberId === undefined) return 'unmatched';
    snapshot.candidates.delete(check.emailKey);
    if (!snapshot.replaceable.has(memberId)) {
      inserts.push({ memberId, slackUserId: user.id, slackEmail: user.email ?? check.emailKey });
      return undefined;
    }
    const saved = await this.deps.mappings.save(
      { memberId, slackUserId: user.id, source: 'auto', slackEmail: user.email ?? check.emailKey, active: true },
      now,
      { memberCounted: true },
    );
    if (!saved.ok) return 'conflicts';
    if (saved.before) snapshot.bySlackUser.delete(saved.before.slackUserId);
    return 'remapped';
  }

  private async lookupPass(snapshot: PassSnapshot): Promise<LookupPassReport> {
    const report: LookupPassReport = {
      ran: true,
      kind: 'lookups',
      members: 0,
      calls: 0,
      created: 0,
      remapped: 0,
      reactivated: 0,
      notFound: 0,
      conflicts: 0,
      skipped: NO_SKIPS(),
      readMs: snapshot.readMs,
      totalMs: 0,
    };
    const inserts: Array<{ memberId: string; slackUserId: string; slackEmail: string }> = [];
    for (const [key, memberId] of snapshot.candidates) {
      report.members += 1;
      report.calls += 1;
      const user = await this.deps.directory.lookupByEmail(key);
      if (!user) {
        report.notFound += 1;
        continue;
      }
      const check = mappability(user);
      if (!check.ok) {
        report.skipped[SKIP_FIELD[check.reason]] += 1;
        continue;
      }
      if (!snapshot.replaceable.has(memberId)) {
        inserts.push({ memberId, slackUserId: user.id, slackEmail: user.email ?? key });
        continue;
      }
      const saved = await this.deps.mappings.save(
        { memberId, slackUserId: user.id, source: 'auto', slackEmail: user.email ?? key, active: true },
        this.deps.clock.now(),
        { memberCounted: true },
      );
      if (!saved.ok) report.conflicts += 1;
      else if (saved.before?.slackUserId === user.id) report.reactivated += 1;
      else if (saved.outcome !== 'unchanged') report.remapped += 1;
    }
    const inserted = await this.deps.mappings.insertAutoMany(inserts, this.deps.clock.now());
    report.created += inserted.created.length;
    report.conflicts += inserted.refused.length;
    report.totalMs = this.deps.clock.now().getTime() - snapshot.startedAt.getTime();
    return report;
  }
}

function toMappingCounts(totals: CountTotals): MappingCounts {
  const notConnected = totals.members - totals.connected - totals.inactive;
  return { connected: Math.max(0, totals.connected), inactive: Math.max(0, totals.inactive), notConnected: Math.max(0, notConnected) };
}

type Bucket = 'remapped' | 'reactivated' | 'deactivated' | 'unchanged' | 'unmatched' | 'conflicts' | SkipReason;

function bump(report: FullPassReport, bucket: Bucket): void {
  switch (bucket) {
    case 'bot':
    case 'deleted':
    case 'stranger':
    case 'no_email':
      report.skipped[SKIP_FIELD[bucket]] += 1;
      return;
    default:
      report[bucket] += 1;
  }
}
