/**
 * What a test holds of one workspace (`emulator.team(id)`): its state, its installation
 * (install, uninstall with Slack's events, app approval, granted scopes) and the same helpers
 * the emulator has for its primary workspace, scoped to this one.
 */
import { randomBytes } from 'node:crypto';
import type { FaultSpec } from './faults';
import { createFile, receiveUpload } from './methods/files';
import { eventBuilders, interactionPayload, type EventBuilders } from './payloads';
import type { SocketModeServer, TeamSocket } from './socket-mode';
import type { SeedUser, SlackFile, SlackMessage, SlackUser, SlackView, WorkspaceState } from './state';
import type { TeamRuntime } from './team-runtime';
import type { RecordedCall, RevokeOptions } from './emulator';

export interface SlackTeamEmulator {
  readonly teamId: string;
  readonly state: WorkspaceState;
  /** The workspace's current bot token (undefined when the app is not installed there). */
  readonly botToken: string | undefined;
  readonly installed: boolean;
  /**
   * Installs the app without OAuth (what installing from the app's settings page does), with
   * the app's configured scopes; returns the bot token, the same one when already installed.
   */
  install(): string;
  /**
   * Slack's uninstall from the workspace's app management: revokes the workspace's bot and
   * user tokens (calls then answer `token_revoked`), then sends `tokens_revoked` (the user ids
   * whose tokens went: `{oauth: [users], bot: [bot user]}`) and `app_uninstalled` over Socket
   * Mode for this workspace. Resolves when both envelopes were acked or failed; at once, sending
   * nothing, when the app holds no token there.
   */
  uninstall(): Promise<void>;
  /** App approval: lets members who are not admins or owners install the app from now on. */
  approveApp(): void;
  /** The install requests members made while the app needed approval, oldest first. */
  readonly installRequests: ReadonlyArray<{ userId: string; at: number }>;
  /** Scopes the workspace grants on install (an admin-restricted approval); undefined: every requested scope. */
  setGrantedScopes(scopes: string[] | undefined): void;
  /** The calls made with this workspace's tokens. */
  callsOf(method: string): RecordedCall[];
  /** A trigger id for `views.open` / `views.push` in this workspace, valid once for `triggerTtlMs`. */
  issueTriggerId(userId: string): string;
  /** An interactive payload from a user of this workspace (see `SlackEmulator.interactionPayload`). */
  interactionPayload(userId: string, fields: { type: string } & Record<string, unknown>): Record<string, unknown>;
  readonly events: EventBuilders;
  /**
   * Sends over the shared Socket Mode connection with this workspace's team_id, enterprise and
   * `authorizations` (its bot user). Refuses while the app is not installed here: Slack sends
   * a workspace's events and interactions only to apps installed in it.
   */
  readonly socket: TeamSocket;
  /** A fault for this workspace's calls only. */
  injectFault(method: string, fault: FaultSpec): void;
  clearFaults(): void;
  /**
   * Makes calls with this workspace's bot and user tokens fail (`app` names the app-level
   * token, which belongs to no workspace: use the emulator's `revokeTokens`).
   */
  revokeTokens(options?: RevokeOptions): void;
  restoreTokens(): void;
  /** While set, this workspace's calls answer `account_inactive`. */
  setAccountInactive(inactive: boolean): void;
  addUser(user: SeedUser): SlackUser;
  updateUser(userId: string, patch: Partial<SeedUser>): SlackUser;
  messagesTo(userId: string): SlackMessage[];
  homeViewOf(userId: string): SlackView | undefined;
  modalStackOf(userId: string): SlackView[];
  viewErrorsOf(viewId: string): Record<string, string> | undefined;
  addFile(input: { name: string; content: string | Buffer; user: string; title?: string }): SlackFile;
  recordLogin(userId: string, atSeconds?: number): void;
}

/** What the handles share with the emulator. */
export interface TeamHandleContext {
  readonly calls: readonly RecordedCall[];
  readonly socket: SocketModeServer;
  /** `http://host:port`. */
  readonly baseUrl: string;
  /** `host:port`, for file URLs. */
  readonly host: string;
  readonly now: () => number;
  /** Counts trigger ids across workspaces, so that they are unique emulator-wide. */
  nextTriggerNumber(): number;
}

export function createTeamHandle(team: TeamRuntime, context: TeamHandleContext): SlackTeamEmulator {
  const { state } = team;
  const raw = context.socket.forTeam(() => team.authorization());
  const whileInstalled = <T>(send: () => Promise<T>): Promise<T> =>
    team.installed ? send() : Promise.reject(new Error(`the app is not installed in ${team.teamId}: Slack sends it nothing from there`));
  const handle: SlackTeamEmulator = {
    get teamId() {
      return team.teamId;
    },
    state,
    get botToken() {
      return team.botToken;
    },
    get installed() {
      return team.installed;
    },
    install: () => team.install(),
    async uninstall() {
      const revoked = team.uninstall();
      // Nothing was installed: Slack has nothing to remove and nothing to tell.
      if (revoked.bot.length === 0 && revoked.oauth.length === 0) return;
      // Both events go out at once, tokens_revoked first, as Slack sends them on an uninstall.
      await Promise.allSettled([raw.sendEvent(handle.events.tokensRevoked(revoked)), raw.sendEvent(handle.events.appUninstalled())]);
    },
    approveApp() {
      team.approved = true;
    },
    installRequests: team.installRequests,
    setGrantedScopes(scopes) {
      team.grantedScopes = scopes === undefined ? undefined : [...scopes];
    },
    callsOf: (method) => context.calls.filter((call) => call.method === method && call.teamId === team.teamId),
    issueTriggerId(userId) {
      const triggerId = `${state.nowSeconds()}.${context.nextTriggerNumber()}.${randomBytes(8).toString('hex')}`;
      state.triggers.set(triggerId, { userId, issuedAt: context.now(), used: false });
      return triggerId;
    },
    interactionPayload: (userId, fields) =>
      interactionPayload(
        { state, baseUrl: context.baseUrl, issueTriggerId: (id) => handle.issueTriggerId(id), isEnterpriseInstall: team.enterpriseInstall },
        userId,
        fields,
      ),
    events: eventBuilders(state),
    socket: {
      sendEvent: (event, opts) => whileInstalled(() => raw.sendEvent(event, opts)),
      eventCallback: (event) => raw.eventCallback(event),
      sendEventCallback: (callback, opts) => whileInstalled(() => raw.sendEventCallback(callback, opts)),
      sendInteractive: (payload, opts) => whileInstalled(() => raw.sendInteractive(payload, opts)),
    },
    injectFault: (method, fault) => team.faults.inject(method, fault),
    clearFaults: () => team.faults.clear(),
    revokeTokens(options = {}) {
      if (options.app) throw new Error('the app-level token belongs to no workspace: use the emulator’s revokeTokens({app: true})');
      const error = options.error ?? 'token_revoked';
      if (options.bot ?? true) team.testRevocations.set('bot', error);
      if (options.user ?? options.bot ?? true) team.testRevocations.set('user', error);
    },
    restoreTokens: () => team.testRevocations.clear(),
    setAccountInactive(inactive) {
      team.accountInactive = inactive;
    },
    addUser: (user) => state.putUser(user),
    updateUser(userId, patch) {
      const current = state.users.get(userId);
      if (!current) throw new Error(`unknown user ${userId} in ${team.teamId}`);
      const billing = state.billingOverrides.get(userId);
      return state.putUser({
        ...(current as SeedUser),
        ...(billing === undefined ? {} : { billing_active: billing }),
        ...patch,
        profile: { ...current.profile, ...patch.profile },
      });
    },
    messagesTo(userId) {
      const channel = state.dmChannelOf(userId);
      return channel === undefined ? [] : [...(state.messages.get(channel) ?? [])];
    },
    homeViewOf: (userId) => state.homeViews.get(userId),
    modalStackOf: (userId) => (state.modalStacks.get(userId) ?? []).flatMap((id) => state.views.get(id) ?? []),
    viewErrorsOf(viewId) {
      const last = state.submissions.findLast((submission) => submission.viewId === viewId);
      return last?.action === 'errors' ? last.errors : undefined;
    },
    addFile(input) {
      const bytes = Buffer.isBuffer(input.content) ? input.content : Buffer.from(input.content, 'utf8');
      const stored = createFile(state, context.host, { name: input.name, title: input.title, length: bytes.length, user: input.user });
      receiveUpload(state, stored.file.id, bytes);
      stored.completed = true;
      return stored.file;
    },
    recordLogin: (userId, atSeconds) => {
      state.recordLogin(userId, atSeconds);
    },
  };
  return handle;
}
