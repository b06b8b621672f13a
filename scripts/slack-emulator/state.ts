/**
 * The emulated workspace: team, users, user groups, conversations, messages, views and files,
 * plus the seed format that fills it. Pure data and small mutations; no HTTP in here.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_APP_SCOPES, manifestBotScopes, type TokenScopes } from './scopes';

/** A Slack user profile; the seed may add any other Slack profile field. */
export interface SlackUserProfile {
  email?: string;
  real_name?: string;
  display_name?: string;
  image_72?: string;
  bot_id?: string;
  api_app_id?: string;
  [field: string]: unknown;
}

/** A user as `users.list` / `users.info` answer it. */
export interface SlackUser {
  id: string;
  team_id: string;
  name: string;
  real_name?: string;
  deleted: boolean;
  profile: SlackUserProfile;
  is_bot: boolean;
  is_app_user: boolean;
  is_admin: boolean;
  is_owner: boolean;
  is_primary_owner: boolean;
  is_restricted: boolean;
  is_ultra_restricted: boolean;
  updated: number;
  [field: string]: unknown;
}

export interface SlackTeam {
  id: string;
  name: string;
  domain: string;
  email_domain: string;
  icon: Record<string, string>;
  /** Emulator extension: the Slack plan, which decides what Slack refuses (see SLACK_PLANS). */
  plan: SlackPlan;
  /**
   * Emulator extension: the app is installed here as a commercially distributed app that is not
   * in the Slack Marketplace, so conversations.history answers 15 messages at most, once a minute.
   */
  distributed_app: boolean;
  /** Set when the workspace belongs to an Enterprise Grid org. */
  enterprise_id?: string;
  enterprise_name?: string;
  /** Emulator extension: installing the app needs an admin's approval (Slack's app approval). */
  app_approval_required: boolean;
}

/**
 * Slack's plans. On Free, Slack answers `plan_upgrade_required` to user group methods and
 * `paid_only` to `team.accessLogs`; the paid plans have both.
 */
export const SLACK_PLANS = ['free', 'pro', 'business+', 'enterprise'] as const;
export type SlackPlan = (typeof SLACK_PLANS)[number];

/** The `enterprise_user` of a user of a Grid workspace: their org, and the org's workspaces they belong to. */
export interface SlackEnterpriseUser {
  id: string;
  enterprise_id: string;
  enterprise_name: string;
  is_admin: boolean;
  is_owner: boolean;
  is_primary_owner: boolean;
  teams: string[];
}

/** A user group (subteam) as `usergroups.list` answers it. */
export interface SlackUsergroup {
  id: string;
  team_id: string;
  is_usergroup: true;
  is_subteam: true;
  name: string;
  description: string;
  handle: string;
  is_external: false;
  date_create: number;
  date_update: number;
  date_delete: number;
  auto_type: string | null;
  created_by: string;
  updated_by: string;
  deleted_by: string | null;
  prefs: { channels: string[]; groups: string[] };
  users: string[];
}

export interface SlackChannel {
  id: string;
  name?: string;
  is_im: boolean;
  is_channel: boolean;
  /** The other member of a DM. */
  user?: string;
  created: number;
}

/** `chat.postMessage` `metadata`. */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface SlackMessage {
  type: 'message';
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  team?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: MessageMetadata;
  thread_ts?: string;
  edited?: { user: string; ts: string };
  files?: SlackFile[];
  upload?: boolean;
  [field: string]: unknown;
}

/** A view (modal or Home tab) as `views.*` answer it. */
export interface SlackView {
  id: string;
  team_id: string;
  type: string;
  hash: string;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  bot_id: string;
  app_installed_team_id: string;
  external_id: string;
  callback_id: string;
  private_metadata: string;
  state: { values: Record<string, unknown> };
  blocks: unknown[];
  [field: string]: unknown;
}

/** A file as Slack describes it (without its bytes). */
export interface SlackFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  size: number;
  user: string;
  created: number;
  timestamp: number;
  url_private: string;
  url_private_download: string;
  permalink: string;
  channels: string[];
  [field: string]: unknown;
}

/** A file with its bytes and upload bookkeeping. */
export interface StoredFile {
  file: SlackFile;
  /** Bytes declared in `files.getUploadURLExternal`. */
  declaredLength: number;
  /** Undefined until the upload POST arrives. */
  bytes?: Buffer;
  completed: boolean;
}

/** One entry of `team.accessLogs`. */
export interface AccessLogEntry {
  user_id: string;
  username: string;
  date_first: number;
  date_last: number;
  count: number;
  ip: string;
  user_agent: string;
  isp: string;
  country: string;
  region: string;
}

/** Who the emulated app is in the workspace. */
export interface AppIdentity {
  appId: string;
  botId: string;
  botUserId: string;
  botName: string;
}

/** What the emulator did with one view_submission ack, as Slack would have (modal-stack.ts). */
export interface SubmissionOutcome {
  userId: string;
  viewId: string;
  /** The ack's `response_action`; `close` for an ack without one. */
  action: 'close' | 'update' | 'push' | 'clear' | 'errors' | string;
  /** With `errors`: the message shown under each input block, by block_id. */
  errors?: Record<string, string>;
  /** Why Slack would have refused the ack (the user sees an error, the modals stay as they were). */
  refused?: string;
}

/** A trigger id handed out by the emulator, valid once and for a few seconds. */
export interface IssuedTrigger {
  userId: string;
  issuedAt: number;
  used: boolean;
}

// ---------------------------------------------------------------------------------------------
// Seed
// ---------------------------------------------------------------------------------------------

const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must look like a Slack user id (U…)');

const SeedUserSchema = z
  .object({
    id: userId,
    name: z.string().min(1),
    real_name: z.string().optional(),
    deleted: z.boolean().optional(),
    is_bot: z.boolean().optional(),
    is_app_user: z.boolean().optional(),
    is_admin: z.boolean().optional(),
    is_owner: z.boolean().optional(),
    is_primary_owner: z.boolean().optional(),
    is_restricted: z.boolean().optional(),
    is_ultra_restricted: z.boolean().optional(),
    /**
     * The user's home team when it is not this workspace: a Slack Connect user from another
     * organisation (with `is_stranger`), or, on a Grid workspace, a member of the org whose home
     * is another of its workspaces (they get `enterprise_user.teams` naming both).
     */
    team_id: z
      .string()
      .regex(/^[TE][A-Z0-9]{2,}$/, 'must look like a Slack team id (T…)')
      .optional(),
    is_stranger: z.boolean().optional(),
    /** Emulator extension for `team.billableInfo`; derived from the flags when absent. */
    billing_active: z.boolean().optional(),
    profile: z
      .object({
        email: z.email().optional(),
        real_name: z.string().optional(),
        display_name: z.string().optional(),
        image_72: z.string().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

const SeedSchema = z
  .object({
    team: z
      .object({
        id: z.string().regex(/^[TE][A-Z0-9]{2,}$/, 'must look like a Slack team id (T…)'),
        name: z.string().min(1),
        domain: z.string().regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes'),
        email_domain: z.string().optional(),
        /** Pro unless said: the plan most workspaces that buy a planning platform have. */
        plan: z.enum(SLACK_PLANS).optional(),
        /** Slack's limits for distributed apps outside the Marketplace (history: 1 a minute, 15 messages). */
        distributed_app: z.boolean().optional(),
        /** Makes the workspace part of an Enterprise Grid org. */
        enterprise: z.object({ id: z.string().regex(/^E[A-Z0-9]{2,}$/, 'must look like a Slack enterprise id (E…)'), name: z.string().min(1) }).optional(),
        /**
         * Slack's app approval: members who are not admins or owners can only ask for the app
         * (the authorize page offers "Submit request") until an admin approves it.
         */
        app_approval: z.enum(['required']).optional(),
      })
      .optional(),
    /**
     * Whether the app starts installed in this workspace (a bot token exists). The primary
     * team starts installed unless this says false; the other teams start uninstalled unless
     * this says true, as a new customer's workspace has not run the OAuth flow yet.
     */
    installed: z.boolean().optional(),
    app: z
      .object({
        app_id: z.string().optional(),
        bot_id: z.string().optional(),
        bot_user_id: userId.optional(),
        bot_name: z.string().optional(),
      })
      .optional(),
    /** The tokens' scopes; by default the bot token's are manifest.json's and the app token's `connections:write`. */
    scopes: z
      .object({
        bot: z.array(z.string().min(1)).optional(),
        app: z.array(z.string().min(1)).optional(),
      })
      .optional(),
    users: z.array(SeedUserSchema).default([]),
    usergroups: z
      .array(
        z.object({
          id: z.string().regex(/^S[A-Z0-9]{2,}$/, 'must look like a Slack user group id (S…)'),
          handle: z.string().min(1),
          name: z.string().min(1),
          description: z.string().optional(),
          users: z.array(userId).default([]),
          disabled: z.boolean().optional(),
        }),
      )
      .default([]),
    channels: z.array(z.object({ id: z.string().regex(/^C[A-Z0-9]{2,}$/, 'must look like a channel id (C…)'), name: z.string().min(1) })).default([]),
    access_logs: z
      .array(
        z.object({
          user_id: userId,
          date_first: z.number().int().nonnegative(),
          date_last: z.number().int().nonnegative(),
          count: z.number().int().positive(),
          ip: z.string().optional(),
          user_agent: z.string().optional(),
        }),
      )
      .optional(),
  })
  .superRefine((seed, ctx) => {
    const ids = new Set<string>();
    seed.users.forEach((user, index) => {
      if (ids.has(user.id)) ctx.addIssue({ code: 'custom', path: ['users', index, 'id'], message: `duplicate user id ${user.id}` });
      ids.add(user.id);
    });
    seed.usergroups.forEach((group, index) => {
      group.users.forEach((member, memberIndex) => {
        if (!ids.has(member)) {
          ctx.addIssue({ code: 'custom', path: ['usergroups', index, 'users', memberIndex], message: `unknown user ${member}` });
        }
      });
    });
    seed.access_logs?.forEach((entry, index) => {
      if (!ids.has(entry.user_id)) ctx.addIssue({ code: 'custom', path: ['access_logs', index, 'user_id'], message: `unknown user ${entry.user_id}` });
    });
  });

/** The seed as written in a JSON file (partial users are fine; defaults fill the rest). */
export type Seed = z.input<typeof SeedSchema>;
type ParsedSeed = z.output<typeof SeedSchema>;
/** A user as the seed (or `emulator.addUser`) gives it. */
export type SeedUser = z.input<typeof SeedUserSchema>;

/** A seed that failed validation; `issues` has one line per problem, with its path. */
export class SeedError extends Error {
  constructor(
    readonly issues: string[],
    source = 'seed',
  ) {
    super(`Invalid ${source}:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'SeedError';
  }
}

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

/** Validates a seed object; throws {@link SeedError} listing every problem. */
export function parseSeed(input: unknown, source = 'seed'): ParsedSeed {
  const result = SeedSchema.safeParse(input ?? {});
  if (!result.success) throw new SeedError(formatIssues(result.error), source);
  return result.data;
}

/** Reads and validates a seed file; a missing file or bad JSON is a {@link SeedError} too. */
export function loadSeedFile(path: string): Seed {
  const json = readJsonFile(path);
  parseSeed(json, path);
  return json as Seed;
}

/** A file's JSON; a missing file or bad JSON is a {@link SeedError} naming the file. */
function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SeedError([`cannot read file: ${(error as Error).message}`], path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedError([`not valid JSON: ${(error as Error).message}`], path);
  }
  return json;
}

/**
 * Reads a seed file that holds one workspace (a seed) or several (`{"teams": [seed, …]}`, the
 * first being the primary team); every problem of every seed is reported, with its path.
 */
export function loadSeedsFile(path: string): Seed[] {
  const json = readJsonFile(path);
  if (typeof json !== 'object' || json === null || !('teams' in json)) {
    parseSeed(json, path);
    return [json as Seed];
  }
  const { teams } = json as { teams: unknown };
  if (!Array.isArray(teams) || teams.length === 0) throw new SeedError(['teams: must be a non-empty list of seeds'], path);
  const issues: string[] = [];
  const ids = new Map<string, number>();
  teams.forEach((team: unknown, index) => {
    const result = SeedSchema.safeParse(team ?? {});
    if (!result.success) {
      issues.push(...formatIssues(result.error).map((issue) => `teams.${index}.${issue}`));
      return;
    }
    const id = result.data.team?.id;
    const earlier = id === undefined ? undefined : ids.get(id);
    if (id !== undefined && earlier !== undefined) issues.push(`teams.${index}.team.id: duplicate team id ${id} (also teams.${earlier})`);
    if (id !== undefined) ids.set(id, index);
  });
  if (issues.length > 0) throw new SeedError(issues, path);
  return teams as Seed[];
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

const DEFAULT_TEAM = { id: 'T0EMULATOR', name: 'Emulated Workspace', domain: 'emulated' };

/**
 * Ids and message timestamps for the workspaces of one emulator: Slack's view, file and
 * channel ids and message ts are unique across workspaces, so one sequence serves them all.
 */
export class IdSequence {
  private counter = 0;
  private lastTsMicros = 0;

  constructor(private readonly now: () => number) {}

  /** A new id such as `D0000000003`; deterministic so test failures are reproducible. */
  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter.toString(36).toUpperCase().padStart(10, '0')}`;
  }

  /** A message ts, strictly increasing even within one millisecond (`1732230000.000100`). */
  nextTs(): string {
    const micros = Math.max(this.now() * 1000, this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }
}
const DEFAULT_APP: AppIdentity = { appId: 'A0EMULATOR', botId: 'B0EMULATOR', botUserId: 'U0BOT0001', botName: 'pigment' };
const DAY_SECONDS = 86_400;

/** Everything the emulated workspace holds. Tests read it through `emulator.state`. */
export class WorkspaceState {
  readonly team: SlackTeam;
  readonly app: AppIdentity;
  /** What each token may do; tests may change them between calls. */
  readonly scopes: TokenScopes;
  readonly users = new Map<string, SlackUser>();
  readonly usergroups = new Map<string, SlackUsergroup>();
  readonly channels = new Map<string, SlackChannel>();
  /** Messages per channel id, oldest first. */
  readonly messages = new Map<string, SlackMessage[]>();
  /** The published Home tab per user id. */
  readonly homeViews = new Map<string, SlackView>();
  /** Every view by id (Home tabs and modals). */
  readonly views = new Map<string, SlackView>();
  /** Open modal stacks per user id: view ids, root first. */
  readonly modalStacks = new Map<string, string[]>();
  /** Every view_submission ack applied to an open modal, oldest first. */
  readonly submissions: SubmissionOutcome[] = [];
  readonly files = new Map<string, StoredFile>();
  readonly accessLogs: AccessLogEntry[] = [];
  readonly triggers = new Map<string, IssuedTrigger>();
  /** Explicit `billing_active` values from the seed. */
  readonly billingOverrides = new Map<string, boolean>();
  private readonly dmByUser = new Map<string, string>();
  private readonly ids: IdSequence;

  /**
   * `options.ids` is shared by the workspaces of one emulator, so view, file and DM ids and
   * message ts stay unique across them as on Slack; `options.defaults` names the team and
   * bot a seed leaves out (each workspace of an app has its own bot user).
   */
  constructor(
    seed: Seed | undefined,
    private readonly now: () => number,
    options: { ids?: IdSequence; defaults?: { team?: { id: string; name: string; domain: string }; app?: Partial<AppIdentity> } } = {},
  ) {
    this.ids = options.ids ?? new IdSequence(now);
    const parsed = parseSeed(seed);
    const team = parsed.team ?? options.defaults?.team ?? DEFAULT_TEAM;
    this.team = {
      id: team.id,
      name: team.name,
      domain: team.domain,
      email_domain: parsed.team?.email_domain ?? '',
      plan: parsed.team?.plan ?? 'pro',
      distributed_app: parsed.team?.distributed_app ?? false,
      app_approval_required: parsed.team?.app_approval === 'required',
      icon: { image_default: 'true', image_34: 'https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-34.png' },
      ...(parsed.team?.enterprise ? { enterprise_id: parsed.team.enterprise.id, enterprise_name: parsed.team.enterprise.name } : {}),
    };
    const defaultApp = { ...DEFAULT_APP, ...options.defaults?.app };
    this.app = {
      appId: parsed.app?.app_id ?? defaultApp.appId,
      botId: parsed.app?.bot_id ?? defaultApp.botId,
      botUserId: parsed.app?.bot_user_id ?? defaultApp.botUserId,
      botName: parsed.app?.bot_name ?? defaultApp.botName,
    };
    this.scopes = { bot: [...(parsed.scopes?.bot ?? manifestBotScopes())], app: [...(parsed.scopes?.app ?? DEFAULT_APP_SCOPES)] };
    for (const user of parsed.users) this.putUser(user);
    if (!this.users.has(this.app.botUserId)) this.putBotUser();
    for (const group of parsed.usergroups) this.putUsergroup(group);
    for (const channel of parsed.channels) {
      this.channels.set(channel.id, { id: channel.id, name: channel.name, is_im: false, is_channel: true, created: this.nowSeconds() });
    }
    if (parsed.access_logs) {
      for (const entry of parsed.access_logs) this.accessLogs.push(this.accessLogEntry(entry));
    } else {
      this.defaultAccessLogs();
    }
  }

  /** Unix seconds of the emulator's clock. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** A new id such as `D0000000003`; deterministic so test failures are reproducible. */
  nextId(prefix: string): string {
    return this.ids.nextId(prefix);
  }

  /** A message ts, strictly increasing even within one millisecond (`1732230000.000100`). */
  nextTs(): string {
    return this.ids.nextTs();
  }

  /** Adds (or replaces) a user, filling Slack's defaults. */
  putUser(input: SeedUser): SlackUser {
    const parsed = SeedUserSchema.safeParse(input);
    if (!parsed.success) throw new SeedError(formatIssues(parsed.error), 'user');
    const { billing_active: billingActive, profile, ...fields } = parsed.data;
    const realName = fields.real_name ?? profile?.real_name ?? fields.name;
    const homeTeam = fields.team_id ?? this.team.id;
    const user: SlackUser = {
      ...fields,
      ...this.enterpriseUser(fields, homeTeam),
      id: fields.id,
      team_id: homeTeam,
      name: fields.name,
      real_name: realName,
      deleted: fields.deleted ?? false,
      tz: 'Europe/Paris',
      tz_label: 'Central European Time',
      tz_offset: 3600,
      profile: {
        real_name: realName,
        display_name: '',
        image_72: `https://avatars.emulator.invalid/${fields.id}_72.png`,
        team: homeTeam,
        ...profile,
      },
      is_bot: fields.is_bot ?? false,
      is_app_user: fields.is_app_user ?? false,
      is_admin: fields.is_admin ?? false,
      is_owner: fields.is_owner ?? false,
      is_primary_owner: fields.is_primary_owner ?? false,
      is_restricted: fields.is_restricted ?? false,
      is_ultra_restricted: fields.is_ultra_restricted ?? false,
      updated: this.nowSeconds(),
    };
    this.users.set(user.id, user);
    if (billingActive === undefined) this.billingOverrides.delete(user.id);
    else this.billingOverrides.set(user.id, billingActive);
    return user;
  }

  /**
   * On a Grid workspace every member of the org carries `enterprise_user`, listing the org's
   * workspaces they belong to: their home team and this one. Slack Connect strangers do not.
   */
  private enterpriseUser(
    fields: { id: string; is_stranger?: boolean; is_admin?: boolean; is_owner?: boolean; is_primary_owner?: boolean; enterprise_user?: unknown },
    homeTeam: string,
  ): { enterprise_user?: SlackEnterpriseUser } {
    const { enterprise_id: enterpriseId, enterprise_name: enterpriseName } = this.team;
    if (enterpriseId === undefined || enterpriseName === undefined || fields.is_stranger === true || fields.enterprise_user !== undefined) return {};
    return {
      enterprise_user: {
        id: fields.id,
        enterprise_id: enterpriseId,
        enterprise_name: enterpriseName,
        is_admin: fields.is_admin ?? false,
        is_owner: fields.is_owner ?? false,
        is_primary_owner: fields.is_primary_owner ?? false,
        teams: [...new Set([homeTeam, this.team.id])],
      },
    };
  }

  /** Whether Slack would bill the user (Fair Billing): active humans, seed overrides first. */
  isBillingActive(user: SlackUser): boolean {
    return this.billingOverrides.get(user.id) ?? (!user.deleted && !user.is_bot && !user.is_ultra_restricted);
  }

  /** The DM channel with a user, created on first use and the same id ever after. */
  openDm(userIdToOpen: string): { channel: SlackChannel; alreadyOpen: boolean } {
    const existing = this.dmByUser.get(userIdToOpen);
    const existingChannel = existing === undefined ? undefined : this.channels.get(existing);
    if (existingChannel) return { channel: existingChannel, alreadyOpen: true };
    const channel: SlackChannel = { id: this.nextId('D'), is_im: true, is_channel: false, user: userIdToOpen, created: this.nowSeconds() };
    this.channels.set(channel.id, channel);
    this.dmByUser.set(userIdToOpen, channel.id);
    return { channel, alreadyOpen: false };
  }

  /** The DM channel id with a user, if one was opened. */
  dmChannelOf(userIdOfMember: string): string | undefined {
    return this.dmByUser.get(userIdOfMember);
  }

  /** Appends a message to a channel's history. */
  appendMessage(channelId: string, message: SlackMessage): void {
    const history = this.messages.get(channelId) ?? [];
    history.push(message);
    this.messages.set(channelId, history);
  }

  findMessage(channelId: string, ts: string): SlackMessage | undefined {
    return this.messages.get(channelId)?.find((message) => message.ts === ts);
  }

  /** Adds or refreshes one access log entry (a user signing in now or at `at`). */
  recordLogin(userIdOfMember: string, atSeconds = this.nowSeconds()): AccessLogEntry {
    const existing = this.accessLogs.find((entry) => entry.user_id === userIdOfMember);
    if (existing) {
      existing.date_last = Math.max(existing.date_last, atSeconds);
      existing.date_first = Math.min(existing.date_first, atSeconds);
      existing.count += 1;
      return existing;
    }
    const entry = this.accessLogEntry({ user_id: userIdOfMember, date_first: atSeconds, date_last: atSeconds, count: 1 });
    this.accessLogs.push(entry);
    return entry;
  }

  /** A JSON-friendly copy of the state (file bytes replaced by their size). */
  snapshot(): Record<string, unknown> {
    return {
      team: this.team,
      app: this.app,
      scopes: this.scopes,
      users: [...this.users.values()],
      usergroups: [...this.usergroups.values()],
      channels: [...this.channels.values()],
      messages: Object.fromEntries(this.messages),
      homeViews: Object.fromEntries(this.homeViews),
      modalStacks: Object.fromEntries(this.modalStacks),
      views: Object.fromEntries(this.views),
      files: [...this.files.values()].map((stored) => ({
        ...stored.file,
        declared_length: stored.declaredLength,
        uploaded_bytes: stored.bytes?.length ?? null,
        completed: stored.completed,
      })),
      accessLogs: this.accessLogs,
    };
  }

  private putBotUser(): void {
    this.putUser({
      id: this.app.botUserId,
      name: this.app.botName,
      real_name: this.app.botName,
      is_bot: true,
      profile: { real_name: this.app.botName, bot_id: this.app.botId, api_app_id: this.app.appId, always_active: true },
    });
  }

  private putUsergroup(group: ParsedSeed['usergroups'][number]): void {
    const created = this.nowSeconds() - 30 * DAY_SECONDS;
    this.usergroups.set(group.id, {
      id: group.id,
      team_id: this.team.id,
      is_usergroup: true,
      is_subteam: true,
      name: group.name,
      description: group.description ?? '',
      handle: group.handle,
      is_external: false,
      date_create: created,
      date_update: created,
      date_delete: group.disabled ? created + DAY_SECONDS : 0,
      auto_type: null,
      created_by: this.app.botUserId,
      updated_by: this.app.botUserId,
      deleted_by: group.disabled ? this.app.botUserId : null,
      prefs: { channels: [], groups: [] },
      users: [...group.users],
    });
  }

  private accessLogEntry(entry: { user_id: string; date_first: number; date_last: number; count: number; ip?: string; user_agent?: string }): AccessLogEntry {
    return {
      user_id: entry.user_id,
      username: this.users.get(entry.user_id)?.name ?? entry.user_id,
      date_first: entry.date_first,
      date_last: entry.date_last,
      count: entry.count,
      ip: entry.ip ?? '203.0.113.10',
      user_agent: entry.user_agent ?? 'Mozilla/5.0 (Macintosh) Slack_SSB/4.41.0',
      isp: 'Emulated ISP',
      country: 'FR',
      region: 'Île-de-France',
    };
  }

  /** Without seeded logs, each active human signed in recently: a deterministic spread. */
  private defaultAccessLogs(): void {
    const now = this.nowSeconds();
    let index = 0;
    for (const user of this.users.values()) {
      if (user.deleted || user.is_bot) continue;
      index += 1;
      this.accessLogs.push(this.accessLogEntry({ user_id: user.id, date_first: now - 90 * DAY_SECONDS, date_last: now - index * 3600, count: 10 * index }));
    }
  }
}
