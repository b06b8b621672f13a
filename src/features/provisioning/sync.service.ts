/**
 * Runs a provisioning sync: reads Slack (users.list, the configured groups' members), reads the
 * directory and the mappings, plans (sync-planner.ts), stores the plan as the run's report,
 * stops for review when the plan would deactivate too many synced members, and otherwise
 * applies it line by line, recording each line's outcome. A preview stops after storing the
 * plan. No Bolt here: the job, the App Home and tests call `run`.
 */
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { RawSlackUser, SlackDirectory } from '../../slack/slack-directory';
import { slackErrorCode } from '../../slack/slack-error';
import type { MappingLookup } from '../mapping/mapping-lookup';
import type { WelcomeMember } from '../notifications/notification-services';
import type { MemberDirectory } from '../members/member-directory';
import { emailKey, type Member } from '../members/member.types';
import type { ProvisioningConfigRepository, StoredProvisioningConfig } from './provisioning-config.repository';
import type { FieldChange, SlackUserRecord, SyncAction, SyncActionKind, SyncedMember } from './provisioning.types';
import { planSync } from './sync-planner';
import type { SyncRun, SyncRunRepository, SyncRunStatus } from './sync-run.repository';

export interface SyncServiceDeps {
  config: ProvisioningConfigRepository;
  runs: SyncRunRepository;
  members: MemberDirectory;
  mappings: MappingLookup;
  directory: SlackDirectory;
  clock: Clock;
  logger: Logger;
  /** Queues the welcome DM of members a sync created while invitations are on (the notification worker sends it). */
  welcome?: WelcomeMember;
  /** Marks the tenant for the resume job before a sync's run is marked running (tenant-job-markers.repository.ts). */
  markResumable(at: Date): Promise<void>;
}

export type SyncOutcome = { ran: false; reason: 'not_configured' | 'nothing_to_resume' } | { ran: true; run: SyncRun };

/** New members written per insert. */
const CREATE_BATCH = 500;
/** Other lines applied between two advances of the run's watermark (one small update of the run). */
const WATERMARK_EVERY = 100;
/** Lines about existing members applied at once (different members; one member's in order). */
const APPLY_CONCURRENCY = 4;

/** A line to apply; `failedBefore` when it was stored as failed before a crash (settled already). */
type PlannedLine = { seq: number; action: SyncAction; failedBefore?: true };

/** The result of approving or cancelling a run stopped for review. */
export type ReviewDecision = { ok: true; run: SyncRun } | { ok: false; reason: 'not_found' } | { ok: false; reason: 'not_in_review'; status: SyncRunStatus };

/** The id of a member the sync creates for a Slack user. */
export function provisionedMemberId(slackUserId: string): string {
  return `slack-${slackUserId}`;
}

export class SyncService {
  constructor(private readonly deps: SyncServiceDeps) {}

  /**
   * Runs a sync (or a preview). A sync first resumes a sync whose process died: from the page
   * of users.list it had reached, or from the first line of its plan not applied yet. Callers
   * hold the sync's lease, so a run still marked running belongs to nobody.
   */
  async run(options: { kind: SyncRun['kind']; trigger: SyncRun['trigger'] }): Promise<SyncOutcome> {
    const { deps } = this;
    const config = await deps.config.get();
    if (!config) return { ran: false, reason: 'not_configured' };
    if (options.kind === 'sync') {
      const interrupted = await this.takeInterrupted();
      if (interrupted) return this.execute(interrupted, config);
    }
    const now = deps.clock.now();
    // Previews are never resumed; a sync is, if its process dies: mark first, then the run.
    if (options.kind === 'sync') await deps.markResumable(now);
    const run = await deps.runs.start(options.kind, options.trigger, now);
    await deps.runs.update(run.id, { phase: 'reading' });
    return this.execute({ ...run, phase: 'reading' }, config);
  }

  /**
   * Resumes a sync a dead process left `running`, and starts nothing new otherwise. The resume
   * job calls it every minute under the sync's lease, so a run whose holder died goes on soon
   * after the lease expires, with no click and no schedule due.
   */
  /**
   * True when a sync run is marked running (live, or left by a dead process): one read.
   * Previews are left out: they run without the sync's lease (Preview in the App Home), so a
   * free lease does not mean a preview's process died.
   */
  async hasRunMarkedRunning(): Promise<boolean> {
    return (await this.deps.runs.findRunning()).some((run) => run.kind === 'sync');
  }

  async resumeInterrupted(): Promise<SyncOutcome> {
    const config = await this.deps.config.get();
    if (!config) return { ran: false, reason: 'not_configured' };
    const interrupted = (await this.deps.runs.findRunning()).find((run) => run.kind === 'sync');
    if (!interrupted) return { ran: false, reason: 'nothing_to_resume' };
    this.deps.logger.warn(
      { syncRunId: interrupted.id, phase: interrupted.phase ?? 'reading', usersRead: interrupted.usersRead },
      'resuming a sync whose process stopped',
    );
    return this.execute(interrupted, config);
  }

  /**
   * The sync run a dead process left `running`, to resume; previews left running are closed as
   * failed (a preview is cheap to start again).
   */
  private async takeInterrupted(): Promise<SyncRun | undefined> {
    let resumable: SyncRun | undefined;
    for (const run of await this.deps.runs.findRunning()) {
      if (run.kind === 'sync' && !resumable) {
        resumable = run;
        this.deps.logger.warn({ syncRunId: run.id, phase: run.phase ?? 'reading', usersRead: run.usersRead }, 'resuming a sync whose process stopped');
      } else {
        await this.close(run, { status: 'failed', error: 'the connector stopped during this run' });
      }
    }
    return resumable;
  }

  private async execute(run: SyncRun, config: StoredProvisioningConfig): Promise<SyncOutcome> {
    const { deps } = this;
    const logger = deps.logger.child({ syncRunId: run.id, kind: run.kind });
    try {
      let counts = run.counts;
      // A run that planned now applies its plan from memory; a resumed one reads it back from the store.
      let lines: AsyncIterable<PlannedLine> | Iterable<PlannedLine> = this.plannedLines(run.id);
      if (run.phase !== 'applying') {
        // The directory is read while Slack is (reading Slack waits on its rate limits); the
        // plan is then at most as old as the Slack read, and applying it re-reads each member.
        const directory = this.readDirectory();
        directory.catch(() => undefined);
        const slackUsers = await this.readUsers(run);
        const groupIds = [
          ...new Set([
            ...(config.scope === 'groups' ? config.groupIds : []),
            ...(config.teamMapping.enabled ? Object.keys(config.teamMapping.groupToTeam) : []),
          ]),
        ];
        const groupMembers = new Map<string, Set<string>>();
        for (const groupId of groupIds) groupMembers.set(groupId, new Set(await this.groupMembers(groupId)));
        const { members, mappedMemberOf } = await directory;

        const plan = planSync({ config, slackUsers, groupMembers, members, mappedMemberOf, newMemberId: provisionedMemberId });
        await deps.runs.addPlanned(run.id, plan.actions);
        counts = countByKind(plan.actions);
        if (run.kind === 'preview') return this.finish(run, { status: 'completed', counts, usersRead: slackUsers.length });
        if (plan.needsReview) {
          logger.warn(
            { deactivations: plan.deactivations, syncedMembers: plan.syncedMembers, share: config.maxDeactivationShare },
            'sync stopped before writing: it would deactivate too many members; an admin must review it',
          );
          return this.finish(run, { status: 'needs_review', counts, usersRead: slackUsers.length });
        }
        await deps.runs.update(run.id, { phase: 'applying', counts });
        // Reading 50,000 stored lines back cost a fresh run as long as applying them.
        lines = plan.actions.map((action, seq) => ({ seq, action }));
      }
      // Skipping lines already applied (a resumed run).
      const failed = await this.applyLines(run, lines, logger);
      if (config.inviteNewMembers) await this.welcomeCreated(run.id, logger);
      const applied = { ...counts, ...(failed > 0 ? { failed } : {}) };
      logger.info({ counts: applied }, 'sync finished');
      return this.finish(run, { status: failed > 0 ? 'completed_with_errors' : 'completed', counts: applied });
    } catch (error) {
      logger.error({ err: error }, 'sync failed');
      return this.finish(run, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** The directory and the mappings as the planner needs them. */
  private async readDirectory(): Promise<{ members: SyncedMember[]; mappedMemberOf: Map<string, string> }> {
    const members: SyncedMember[] = [];
    for await (const member of this.deps.members.streamAll()) members.push(member);
    const mappedMemberOf = new Map<string, string>();
    for await (const mapping of this.deps.mappings.streamAll()) mappedMemberOf.set(mapping.slackUserId, mapping.memberId);
    return { members, mappedMemberOf };
  }

  /**
   * Every Slack user, page by page, each page staged with the cursor of the next: a run
   * resumed after a crash reads its staged pages back and asks Slack only for the rest.
   */
  private async readUsers(run: SyncRun): Promise<SlackUserRecord[]> {
    const { deps } = this;
    const staged = await deps.runs.stagedPages<SlackUserRecord>(run.id);
    const users = staged.flatMap((page) => page.users);
    const last = staged.at(-1);
    if (last && last.nextCursor === undefined) return users;
    let index = staged.length;
    const teamId = await deps.directory.teamId();
    for await (const page of deps.directory.rawUserPages(last?.nextCursor)) {
      const records = page.users.map((user) => this.toRecord(user, teamId));
      await deps.runs.stagePage(run.id, { index, users: records, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
      index += 1;
      users.push(...records);
      await deps.runs.update(run.id, { usersRead: users.length });
    }
    return users;
  }

  /**
   * Approves a run stopped for review: applies its stored planned lines in order, with the same
   * logic as a run that needed no review, and marks it completed (or completed with errors).
   * Only a `needs_review` sync run; callers hold the sync's lease so it never overlaps a sync.
   */
  async approveReviewed(runId: string, by: string): Promise<ReviewDecision> {
    const run = await this.deps.runs.findById(runId);
    if (run?.kind !== 'sync') return { ok: false, reason: 'not_found' };
    if (run.status !== 'needs_review') return { ok: false, reason: 'not_in_review', status: run.status };
    const logger = this.deps.logger.child({ syncRunId: run.id, kind: run.kind });
    // Marked as applying, so a crash during the approval is resumed by the next sync.
    await this.deps.runs.update(run.id, { status: 'running', phase: 'applying' });
    logger.info({ approvedBy: by }, 'sync approved after review; applying its planned actions');
    try {
      const failed = await this.applyLines(run, this.plannedLines(run.id), logger);
      if ((await this.deps.config.get())?.inviteNewMembers) await this.welcomeCreated(run.id, logger);
      const counts = { ...run.counts, ...(failed > 0 ? { failed } : {}) };
      return { ok: true, run: await this.close(run, { status: failed > 0 ? 'completed_with_errors' : 'completed', counts }) };
    } catch (error) {
      logger.error({ err: error }, 'applying a reviewed sync failed');
      return { ok: true, run: await this.close(run, { status: 'failed', error: error instanceof Error ? error.message : String(error) }) };
    }
  }

  /**
   * Cancels a run stopped for review: nothing of its plan is applied. The run ends as `failed`
   * with an error naming who cancelled it (the statuses have no "cancelled").
   */
  async cancelReviewed(runId: string, by: { id: string; name: string }): Promise<ReviewDecision> {
    const run = await this.deps.runs.findById(runId);
    if (run?.kind !== 'sync') return { ok: false, reason: 'not_found' };
    if (run.status !== 'needs_review') return { ok: false, reason: 'not_in_review', status: run.status };
    this.deps.logger.info({ syncRunId: run.id, cancelledBy: by.id }, 'sync cancelled after review; nothing applied');
    return { ok: true, run: await this.close(run, { status: 'failed', error: `cancelled by ${by.name} after review; nothing was applied` }) };
  }

  /**
   * The stored lines past the run's watermark, in seq order: a resumed run (or approval) skips
   * the applied ones, and passes on the ones already stored as failed so they are counted.
   */
  private async *plannedLines(runId: string): AsyncGenerator<PlannedLine> {
    for await (const line of this.deps.runs.streamLines(runId)) {
      if (line.outcome === 'applied') continue;
      const { runId: _run, seq, outcome, ...action } = line;
      yield { seq, action, ...(outcome === 'failed' ? { failedBefore: true as const } : {}) };
    }
  }

  /**
   * Queues the welcome DM of each member this run created, after the plan is applied (so a
   * resumed run welcomes the ones a crash left out). The welcome's id is derived from the
   * member, so a member is welcomed once however often this runs; the notification worker
   * delivers it (and decides, from the DM's history, after a send whose outcome was lost).
   */
  private async welcomeCreated(runId: string, logger: Logger): Promise<void> {
    const welcome = this.deps.welcome;
    if (!welcome) return;
    const counts = { queued: 0, queuedBefore: 0 };
    for await (const line of this.deps.runs.streamLines(runId)) {
      // Created with a Slack user: connected to it at once (createMany), so the welcome has a recipient.
      if (line.kind !== 'created' || line.outcome !== 'applied' || !line.slackUserId) continue;
      const name = line.memberName ?? line.changes.find((c) => c.field === 'name')?.after ?? '';
      const result = await welcome({ id: line.memberId, name });
      counts[result.outcome === 'created' ? 'queued' : 'queuedBefore'] += 1;
    }
    logger.info({ welcomes: counts }, 'welcome DMs for new members queued');
  }

  /**
   * Applies report lines and returns how many failed. Outcomes are not written line by line:
   * the run's watermark (`appliedThrough`) is advanced after each batch of new members and
   * every WATERMARK_EVERY other lines, up to the last line before the first one not settled;
   * only failures are written one by one. A crash between applying lines and advancing the
   * watermark makes the resumed run apply them again, which `apply` and `createMany` make
   * harmless (a member already in its target state counts as done).
   *
   * New members are created CREATE_BATCH at a time (one insert, one mapping insert); the lines
   * about a member in the batch (its teams) wait until the batch is written. Other lines are
   * about members that exist: up to APPLY_CONCURRENCY of them are applied at once (each is a
   * few store round trips, mostly waiting), one member's lines always one after the other.
   */
  private async applyLines(run: SyncRun, lines: Iterable<PlannedLine> | AsyncIterable<PlannedLine>, logger: Logger): Promise<number> {
    const { runs } = this.deps;
    let failed = 0;
    let creates: PlannedLine[] = [];
    let waiting: PlannedLine[] = [];
    /** Lines taken but not settled yet (in a batch, waiting for one, or being applied). */
    const open = new Set<number>();
    /** Lines being applied, and the last line of each member among them. */
    const inFlight = new Set<Promise<void>>();
    const lastOfMember = new Map<string, Promise<void>>();
    /** A store failure while applying a line: the run stops with it once the lines in flight end. */
    let storeFailure: { error: unknown } | undefined;
    const creating = new Set<string>();
    /** The watermark as stored, and the last line taken from `lines`. */
    let written = run.appliedThrough ?? -1;
    let taken = written;
    const advance = async (now: boolean) => {
      const settled = open.size === 0 ? taken : Math.min(...open) - 1;
      if (settled <= written || (!now && settled - written < WATERMARK_EVERY)) return;
      await runs.advanceWatermark(run.id, settled);
      written = settled;
    };
    const applyOne = async ({ seq, action }: PlannedLine) => {
      const error = await this.apply(action).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
      if (error !== undefined) {
        failed += 1;
        await runs.markFailed(run.id, seq, error);
        logger.warn({ memberId: action.memberId, action: action.kind, error }, 'sync action failed');
      }
      open.delete(seq);
    };
    const startOne = async (line: PlannedLine) => {
      while (inFlight.size >= APPLY_CONCURRENCY) await Promise.race(inFlight);
      const memberId = line.action.memberId;
      const previous = lastOfMember.get(memberId);
      const applying = (previous ?? Promise.resolve()).then(() => applyOne(line));
      const tracked = applying
        .catch((error: unknown) => {
          storeFailure ??= { error };
        })
        .finally(() => {
          inFlight.delete(tracked);
          if (lastOfMember.get(memberId) === applying) lastOfMember.delete(memberId);
        });
      inFlight.add(tracked);
      lastOfMember.set(memberId, applying);
    };
    const flush = async () => {
      if (creates.length === 0) return;
      // Teams of members in the batch go into the same insert; their other lines after it.
      const teamsOfCreated = waiting.filter((line) => line.action.kind === 'added_to_team');
      // Not `failed += await …`: that would drop failures counted by lines in flight meanwhile.
      const failedCreates = await this.createMany(run.id, creates, teamsOfCreated, logger);
      failed += failedCreates;
      for (const line of [...creates, ...teamsOfCreated]) open.delete(line.seq);
      const others = waiting.filter((line) => line.action.kind !== 'added_to_team');
      creates = [];
      waiting = [];
      creating.clear();
      for (const line of others) await startOne(line);
      await advance(true);
    };
    for await (const line of lines) {
      taken = line.seq;
      if (line.failedBefore) {
        // Settled as failed before a crash: counted, not tried again.
        failed += 1;
        continue;
      }
      open.add(line.seq);
      if (line.action.kind === 'created') {
        creates.push(line);
        creating.add(line.action.memberId);
      } else if (creating.has(line.action.memberId)) {
        waiting.push(line);
      } else {
        await startOne(line);
      }
      if (storeFailure) break;
      if (creates.length >= CREATE_BATCH) await flush();
      else await advance(false);
    }
    if (!storeFailure) await flush();
    await Promise.all(inFlight);
    if (storeFailure) throw storeFailure.error;
    await advance(true);
    return failed;
  }

  /**
   * Creates the members of `lines` in one insert, maps each to the Slack user it came from
   * (the sync knows it: no lookup by email needed), and records the failures; returns how many
   * failed. A member that is there already with this id and email was created by this run
   * before a crash (its line past the watermark): it counts as created, its mapping is inserted
   * again (duplicates are ignored) and its teams are applied one by one.
   */
  private async createMany(runId: string, lines: readonly PlannedLine[], teamLines: readonly PlannedLine[], logger: Logger): Promise<number> {
    const { members, mappings, runs, clock } = this.deps;
    const now = clock.now();
    const candidates: Array<{ line: PlannedLine; member: Member }> = [];
    let failed = 0;
    const fail = async (line: PlannedLine, error: string) => {
      failed += 1;
      await runs.markFailed(runId, line.seq, error);
      logger.warn({ memberId: line.action.memberId, action: line.action.kind, error }, 'sync action failed');
    };
    for (const line of lines) {
      const after = (field: FieldChange['field']) => line.action.changes.find((c) => c.field === field)?.after;
      const email = after('email');
      if (!email) {
        await fail(line, 'the Slack user has no email any more');
        continue;
      }
      const avatarUrl = after('avatarUrl');
      candidates.push({
        line,
        member: {
          id: line.action.memberId,
          name: after('name') ?? email,
          email,
          emailKey: emailKey(email),
          accountType: 'standard_member',
          status: 'pending',
          groups: [],
          source: 'provisioning',
          ...(avatarUrl ? { avatarUrl } : {}),
          createdAt: now,
          updatedAt: now,
        },
      });
    }
    // Each new member's teams (its "added to team" lines) are written with it.
    const teamsOf = new Map<string, string[]>();
    for (const line of teamLines) {
      const team = line.action.changes[0]?.after;
      if (team) teamsOf.set(line.action.memberId, [...(teamsOf.get(line.action.memberId) ?? []), team]);
    }
    for (const candidate of candidates) candidate.member.groups = [...new Set(teamsOf.get(candidate.member.id) ?? [])];
    let created: typeof candidates = [];
    let createdBefore = new Set<string>();
    const { refused } = await members.createMany(
      candidates.map((c) => c.member),
      {
        // Connected before the memberChanged hooks fire, so mapping finds them done.
        beforeHooks: async ({ inserted: insertedNow, refused: refusedNow }) => {
          const stored =
            refusedNow.length > 0 ? new Map((await members.findByIds(refusedNow.map((r) => r.member.id))).map((m) => [m.id, m])) : new Map<string, Member>();
          createdBefore = new Set(refusedNow.filter((r) => stored.get(r.member.id)?.emailKey === r.member.emailKey).map((r) => r.member.id));
          const createdIds = new Set([...insertedNow.map((m) => m.id), ...createdBefore]);
          created = candidates.filter((c) => createdIds.has(c.member.id));
          await mappings.connectAuto(
            created
              .filter((c) => c.line.action.slackUserId)
              .map((c) => ({ memberId: c.member.id, slackUserId: c.line.action.slackUserId!, slackEmail: c.member.email })),
            now,
          );
        },
      },
    );
    const createdIds = new Set(created.map((c) => c.member.id));
    for (const { member, reason } of refused) {
      if (createdBefore.has(member.id)) continue;
      await fail(candidates.find((c) => c.member.id === member.id)!.line, reason);
    }
    // Teams of members created before a crash: applied again, one by one (adding a team twice changes nothing).
    for (const line of teamLines.filter((l) => createdBefore.has(l.action.memberId))) {
      const error = await this.apply(line.action).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
      if (error !== undefined) await fail(line, error);
    }
    // Teams of members that could not be created (or had no email) fail with them.
    for (const line of teamLines.filter((l) => !createdIds.has(l.action.memberId))) await fail(line, 'the member could not be created');
    return failed;
  }

  /**
   * Applies one report line from what the line itself records (its changes' `after` values),
   * so a line applied at once and one applied after review do the same. A string is the
   * reason it failed.
   */
  private async apply(action: SyncAction): Promise<string | undefined> {
    const { members, clock } = this.deps;
    const now = clock.now();
    const after = (field: FieldChange['field']) => action.changes.find((c) => c.field === field)?.after;
    switch (action.kind) {
      case 'skipped':
        return undefined;
      case 'created':
        // New members are written in batches by createMany; applyLines never sends them here.
        throw new Error('a created line reached apply(); created lines are written by createMany');
      case 'updated': {
        const member = await members.findById(action.memberId);
        if (!member) return 'the member no longer exists';
        const email = after('email') ?? member.email;
        const avatarUrl = after('avatarUrl');
        const saved = await members.update(
          { ...member, name: after('name') ?? member.name, email, emailKey: emailKey(email), ...(avatarUrl ? { avatarUrl } : {}) },
          now,
        );
        if (!saved.ok) return `the email ${email} belongs to member ${saved.takenBy}`;
        return undefined;
      }
      case 'deactivated':
      case 'reactivated': {
        const [from, to] = action.kind === 'deactivated' ? ([['pending', 'activated'], 'deactivated'] as const) : ([['deactivated'], 'activated'] as const);
        const changed = await members.transitionStatus(action.memberId, from, to, now);
        if (!changed) {
          // Already there: this line applied again by a run resumed after a crash (or someone got there first).
          if ((await members.findById(action.memberId))?.status === to) return undefined;
          return 'the member changed meanwhile; the next sync looks again';
        }
        return undefined;
      }
      case 'added_to_team':
      case 'removed_from_team': {
        const member = await members.findById(action.memberId);
        if (!member) return 'the member no longer exists';
        const team = action.changes[0]?.after ?? action.changes[0]?.before ?? '';
        const groups = action.kind === 'added_to_team' ? [...new Set([...member.groups, team])] : member.groups.filter((g) => g !== team);
        const saved = await members.update({ ...member, groups }, now);
        return saved.ok ? undefined : `could not save the member (${saved.reason})`;
      }
      case 'failed':
        return action.detail ?? 'failed';
    }
  }

  private async groupMembers(groupId: string): Promise<string[]> {
    try {
      return await this.deps.directory.usergroupMembers(groupId);
    } catch (error) {
      const code = slackErrorCode(error);
      // A configured group that is gone must not read as "everyone left it".
      if (code === 'no_such_subteam') throw new Error(`the Slack user group ${groupId} no longer exists; update the sync configuration`);
      if (code === 'plan_upgrade_required') {
        throw new Error(
          "this Slack workspace's plan has no user groups (Slack answered plan_upgrade_required): sync everyone, without team mapping, or upgrade the Slack plan",
        );
      }
      throw error;
    }
  }

  private toRecord(user: RawSlackUser, teamId: string): SlackUserRecord {
    const summary = this.deps.directory.summarise(user, teamId);
    const avatarUrl = user.profile?.image_192 ?? user.profile?.image_72;
    return {
      id: summary.id,
      ...(summary.email ? { email: summary.email } : {}),
      name: summary.name,
      ...(avatarUrl ? { avatarUrl } : {}),
      deleted: summary.deleted,
      isBot: summary.isBot,
      isStranger: summary.isStranger,
      isGuest: summary.isGuest,
    };
  }

  private async finish(run: SyncRun, fields: Partial<Omit<SyncRun, 'id' | 'kind' | 'trigger' | 'startedAt'>>): Promise<SyncOutcome> {
    return { ran: true, run: await this.close(run, fields) };
  }

  private async close(run: SyncRun, fields: Partial<Omit<SyncRun, 'id' | 'kind' | 'trigger' | 'startedAt'>>): Promise<SyncRun> {
    const finishedAt = this.deps.clock.now();
    await this.deps.runs.update(run.id, { ...fields, finishedAt });
    // The run is over: the pages it staged for a resume are not needed any more.
    await this.deps.runs.dropPages(run.id);
    return { ...run, ...fields, finishedAt };
  }
}

function countByKind(actions: readonly SyncAction[]): Partial<Record<SyncActionKind, number>> {
  const counts: Partial<Record<SyncActionKind, number>> = {};
  for (const action of actions) counts[action.kind] = (counts[action.kind] ?? 0) + 1;
  return counts;
}
