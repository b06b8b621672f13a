/** The Slack emulator's public API: start one with `createSlackEmulator`. */
export {
  createSlackEmulator,
  type CallTokenKind,
  type FaultSpec,
  type NetworkLatency,
  type OAuthOptions,
  type RecordedCall,
  type RevokeOptions,
  type SlackEmulator,
  type SlackEmulatorOptions,
  type SlackTeamEmulator,
} from './emulator';
export { AUTHORIZE_PATH, CODE_TTL_MS } from './oauth';
export {
  loadSeedFile,
  loadSeedsFile,
  parseSeed,
  SeedError,
  WorkspaceState,
  type AccessLogEntry,
  type MessageMetadata,
  type Seed,
  type SeedUser,
  type SlackChannel,
  type SlackFile,
  type SlackMessage,
  type SlackUser,
  type SlackUsergroup,
  type SlackView,
  type SubmissionOutcome,
} from './state';
export { METHOD_TIERS, POST_MESSAGE_PER_CHANNEL, POST_MESSAGE_PER_WORKSPACE, TIER_LIMITS, type RateLimit, type Tier } from './rate-limits';
export type { EventBuilders } from './payloads';
export { BOT_SCOPES, DEFAULT_APP_SCOPES, isKnownScope, MANIFEST_PATH, manifestBotScopes, USER_ONLY_SCOPES, type TokenScopes } from './scopes';
export {
  HTTP_CONNECTION_ID,
  SLACK_RETRY_DELAYS_MS,
  signSlackRequest,
  type HttpDeliveryOptions,
  type HttpDeliveryRecord,
  type RetryReason,
  type UrlVerificationResult,
} from './http-delivery';
export { AckTimeoutError, type DisconnectReason, type EventAuthorization, type SocketModeServer, type TeamSocket } from './socket-mode';
export { formatProblems, MAX_MESSAGE_BLOCKS_TEXT, messageBlocksTextLength, validateBlocks, validateView } from './block-kit';
export type { BlockKitProblem, BlockSurface, SendOptions, SocketModeAck, SocketModeEnvelope } from './types';
