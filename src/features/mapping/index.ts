/**
 * Automatic mapping of members to Slack users by email: the first full pass when the
 * workspace goes live, the scheduled pass on MAPPING_CRON, `team_join` and `user_change`
 * events, and members created or changed in Pigment. Plus the App Home's counts panel for
 * admins who may map by hand (the manual mapping modals live in `./manual`).
 */
import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { FeatureDeps } from '../deps';
import type { MemberDirectory } from '../members/member-directory';
import type { ScreenDeps } from '../ports';
import type { WorkspaceService } from '../workspace/workspace.service';
import { ownStatusSection } from './own-status.section';
import { MappingLookup } from './mapping-lookup';
import { MappingRepository } from './mapping.repository';
import { isAllowed } from '../members/permissions';
import type { RawSlackUser } from '../../slack/slack-directory';
import { mappingAttention, renderMappingCounts } from './mapping-home.view';
import { fullPassJob, scheduledPassJob } from './mapping.job';
import { MAPPING_JOBS } from './ids';
import { MappingService } from './mapping.service';
import { MemberChangeQueue } from './member-change.queue';
import { MemberCountRecorder } from './member-counts.recorder';
import { SlackUserVersionRepository } from './slack-user-versions.repository';

export { MappingService, type MappingCounts } from './mapping.service';
export { MemberChangeQueue } from './member-change.queue';
export { fullPassJob, scheduledPassJob } from './mapping.job';
export { MAPPING_IDS, MAPPING_JOBS } from './ids';

/**
 * How long the Home waits for the one count a tenant without maintained counts needs (its
 * data predates them); past it, "Counting members…" (about 24 s for 100,000 members on
 * FerretDB). Every later render reads the maintained counts.
 */
export const HOME_COUNTS_BUDGET_MS = 2_500;

/** How long member changes are gathered before they are matched (an import arrives as a burst). */
export const MEMBER_CHANGE_GATHER_MS = 200;

/** The user object of `team_join` / `user_change`: the fields the mapping reads. */
const SlackEventUserSchema = z
  .object({
    id: z.string().min(1),
    team_id: z.string().optional(),
    name: z.string().optional(),
    real_name: z.string().optional(),
    deleted: z.boolean().optional(),
    is_bot: z.boolean().optional(),
    is_app_user: z.boolean().optional(),
    is_stranger: z.boolean().optional(),
    updated: z.number().optional(),
    enterprise_user: z
      .object({ id: z.string().optional(), enterprise_id: z.string().optional(), teams: z.array(z.string()).optional() })
      .loose()
      .optional(),
    profile: z.object({ email: z.string().optional(), real_name: z.string().optional(), display_name: z.string().optional() }).loose().optional(),
  })
  .loose();

/** What the mapping feature offers: `lookup` is the port for other features; the rest stays inside. */
export interface MappingFeature {
  lookup: MappingLookup;
  service: MappingService;
  /** Private to the feature (its manual screens write through it). */
  repository: MappingRepository;
  /** Keeps the Home's counts current as members are created, deactivated and reactivated. */
  memberCounts: MemberCountRecorder;
}

export interface MappingPorts {
  members: MemberDirectory;
  workspace: Pick<WorkspaceService, 'isLive' | 'refresh'>;
}

/** The mapping feature on the kernel (the composition root, tests and the benchmark build it the same way). */
export function createMapping(deps: Pick<FeatureDeps, 'db' | 'directory' | 'clock' | 'logger'>, ports: MappingPorts): MappingFeature {
  const repository = new MappingRepository(deps.db, {
    clock: deps.clock,
    memberCounted: async (memberId) => {
      const member = await ports.members.findById(memberId);
      return member !== undefined && member.status !== 'deactivated';
    },
  });
  const service = new MappingService({
    members: ports.members,
    mappings: repository,
    directory: deps.directory,
    workspace: ports.workspace,
    clock: deps.clock,
    logger: deps.logger,
  });
  const memberCounts = new MemberCountRecorder({
    counts: repository.homeCounts,
    mappings: repository,
    clock: deps.clock,
    logger: deps.logger.child({ feature: 'mapping' }),
  });
  return { lookup: new MappingLookup(repository), service, repository, memberCounts };
}

export function register(app: App, deps: ScreenDeps, feature: MappingFeature, ports: MappingPorts): { service: MappingService; changes: MemberChangeQueue } {
  const logger = deps.logger.child({ feature: 'mapping' });
  const { service } = feature;
  const fullPass = fullPassJob(service);
  deps.home.sections.add(ownStatusSection(ports.members, feature.lookup));
  const changes = new MemberChangeQueue(
    service,
    { members: ports.members, mappings: feature.repository, workspace: ports.workspace },
    {
      gatherMs: MEMBER_CHANGE_GATHER_MS,
      runFullPass: () => deps.scheduler.runExclusive(fullPass, 'event'),
      logger,
    },
  );

  deps.home.sections.add({
    order: 30,
    name: 'mapping.counts',
    area: 'overview',
    render: async ({ actor }) => {
      if (!isAllowed(actor.member, 'mapping.manage')) return [];
      const result = await service.countsForHome(HOME_COUNTS_BUDGET_MS);
      const model = { counts: result?.counts };
      return { blocks: renderMappingCounts(model), attention: mappingAttention(model) };
    },
  });

  // Events are acknowledged by Bolt before listeners run; when the workspace is not live the
  // service does nothing. Repeats were dropped by event id before this; a copy older than one
  // already applied (Slack promises no order) is dropped here.
  const versions = new SlackUserVersionRepository(deps.db);
  const onUserEvent = async (event: { user?: unknown }, type: string): Promise<void> => {
    const parsed = SlackEventUserSchema.safeParse(event.user);
    if (!parsed.success) {
      logger.warn({ event: type, issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'Slack user event without a usable user; ignored');
      return;
    }
    const { id, updated } = parsed.data;
    if (updated !== undefined && !(await versions.advance(id, updated, deps.clock.now()))) {
      logger.info({ event: type, slackUserId: id, updated }, 'older copy of a Slack user dropped: a newer one was applied');
      return;
    }
    const result = await service.onSlackUser(parsed.data as RawSlackUser);
    logger.debug({ event: type, slackUserId: parsed.data.id, result: result.ok ? result.outcome : result.reason }, 'Slack user event handled');
  };
  app.event('team_join', async ({ event }) => onUserEvent(event, 'team_join'));
  app.event('user_change', async ({ event }) => onUserEvent(event, 'user_change'));

  deps.scheduler.schedule(
    scheduledPassJob(service, async () => {
      await ports.workspace.refresh();
      return ports.workspace.isLive();
    }),
    deps.config.schedules.mapping,
  );
  deps.hooks.workspaceWentLive.push(() => {
    // From now on the scheduled pass visits this tenant (mapping.job.ts).
    deps.scheduler
      .markTenant(MAPPING_JOBS.scheduledPass, deps.clock.now())
      .catch((error: unknown) => logger.warn({ err: error }, 'could not mark the tenant for the scheduled mapping pass'));
    void deps.scheduler.runExclusive(fullPass, 'event');
  });
  deps.hooks.memberChanged.push((member, before) => changes.onMemberChanged(member, before));
  deps.hooks.memberChanged.push((member, before) => feature.memberCounts.onMemberChanged(member, before));
  deps.hooks.stopping.push(() => changes.idle());
  deps.hooks.stopping.push(() => feature.memberCounts.idle());
  return { service, changes };
}
