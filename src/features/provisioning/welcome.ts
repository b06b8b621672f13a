/**
 * Sends a newly provisioned, invited member the welcome DM (issue 5), at most once per member.
 *
 * Steps: claim the member's welcome (a unique insert, see welcome.repository.ts), open the DM,
 * cache its channel on the member's mapping, post, record channel and ts.
 *
 * Slack's answers are results, never exceptions: 429 (and Slack's `ratelimited`) is waited out
 * a few times, anything else returns `{sent: false, reason}` with Slack's error code. When
 * Slack certainly posted nothing the claim is given back, so a later sync can try again; when
 * the post may have arrived (a timeout, a reset connection, a 5xx, Slack's internal_error) the claim stays and the
 * reason is `outcome_unknown`: a welcome twice is worse than none. Store failures and bugs throw.
 *
 * Claims left `sending` (that unknown outcome, a process that died mid-send, or a store that
 * failed after Slack answered) are settled by a later sync (`settleStale`), once they are older
 * than STALE_CLAIM_MS: every welcome carries `metadata` naming its member, so the DM's history
 * tells whether it arrived. Found: the send is recorded. Not found: it never arrived (a post
 * Slack carried out is in the history at once, and no request is still in flight that long
 * after the claim: the DM client gives up after 15 s), so the claim is dropped and the welcome
 * sent. Only one sync runs at a time (the job lease), so two settlements never race.
 *
 * Use a WebClient with `rejectRateLimitedCalls: true` and no retries (the delivery client):
 * then the waits are this module's, and the SDK never re-posts a message on its own.
 */
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { classifySlackError, withRetryAfter } from '../../slack/slack-error';
import type { MappingLookup } from '../mapping/mapping-lookup';
import { buildWelcomeMessage, WELCOME_EVENT_TYPE } from './welcome.view';
import type { WelcomeRecord, WelcomeRepository } from './welcome.repository';

/** How many 429s one call waits out before giving up with `rate_limited`. */
const MAX_RATE_LIMIT_WAITS = 3;
/** A claim still `sending` after this long is settled from the DM's history by the next sync. */
export const STALE_CLAIM_MS = 10 * 60_000;
/** Stale claims settled per sync (each costs two or three Slack calls). */
const SETTLE_PER_RUN = 200;
/** History read when settling: the DM since a little before the claim (clocks differ). */
const HISTORY_SKEW_SECONDS = 300;
const HISTORY_PAGE = 200;
const HISTORY_MAX_PAGES = 5;

/** What settling one stale claim came to. */
export type SettleOutcome = 'recorded' | 'sent' | 'unsettled';

export type WelcomeResult = { sent: true; channel: string; ts: string } | { sent: false; reason: string };

export interface WelcomeSenderDeps {
  client: WebClient;
  mappings: Pick<MappingLookup, 'cacheDmChannel'>;
  welcomes: WelcomeRepository;
  pigmentBaseUrl: string;
  logger: Logger;
  clock: Clock;
  /** Waits out Retry-After; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** What a failed Slack call means here. */
type SlackFailure =
  /** Slack answered and did nothing (or the request never reached it). */
  | { kind: 'refused'; reason: string }
  /** The request may have reached Slack and been carried out. */
  | { kind: 'unknown'; reason: string };

type SlackStep = 'conversations.open' | 'chat.postMessage' | 'conversations.history';

/** A Slack call that failed for good; caught in `welcome` and turned into a result. */
class SlackCallFailed extends Error {
  constructor(
    readonly step: SlackStep,
    readonly failure: SlackFailure,
  ) {
    super(`${step}: ${failure.reason}`);
  }
}

export class WelcomeSender {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: WelcomeSenderDeps) {
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Welcomes `member` in a DM with `slackUserId`. A second call for the same member (a resumed
   * sync, another process) sends nothing and answers `already_welcomed`.
   */
  async welcome(member: { id: string; name: string }, slackUserId: string): Promise<WelcomeResult> {
    const { welcomes, mappings, clock } = this.deps;
    const logger = this.deps.logger.child({ memberId: member.id, slackUserId });
    if (!(await welcomes.claim(member.id, slackUserId, clock.now(), member.name))) return { sent: false, reason: 'already_welcomed' };

    try {
      const opened = await this.call('conversations.open', () => this.deps.client.conversations.open({ users: slackUserId }));
      const channel = opened.channel?.id;
      if (!channel) throw new SlackCallFailed('conversations.open', { kind: 'refused', reason: 'no_dm_channel' });
      await mappings.cacheDmChannel(member.id, slackUserId, channel);

      const message = buildWelcomeMessage(member, { pigmentBaseUrl: this.deps.pigmentBaseUrl });
      const posted = await this.call('chat.postMessage', () => this.deps.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, metadata: message.metadata }));
      const ts = posted.ts;
      if (!ts) throw new SlackCallFailed('chat.postMessage', { kind: 'unknown', reason: 'no_ts' });
      await welcomes.markSent(member.id, { channel, ts, sentAt: clock.now() });
      logger.info({ channel, ts }, 'welcome DM sent');
      return { sent: true, channel, ts };
    } catch (error) {
      if (!(error instanceof SlackCallFailed)) throw error;
      const { failure } = error;
      // Opening a DM posts nothing, so only a post whose answer was lost may have arrived.
      if (failure.kind === 'refused' || error.step === 'conversations.open') {
        await welcomes.release(member.id);
        logger.warn({ step: error.step, error: failure.reason }, 'welcome DM not sent');
        return { sent: false, reason: failure.reason };
      }
      logger.warn({ step: error.step, error: failure.reason }, 'welcome DM may or may not have arrived; not sending it again');
      return { sent: false, reason: 'outcome_unknown' };
    }
  }

  /**
   * Settles the claims left `sending` for longer than STALE_CLAIM_MS (see the module comment):
   * records the welcome found in the DM's history, or sends it when it is not there. Slack's
   * failures leave a claim for the next sync; store failures throw. Counts by outcome.
   */
  async settleStale(): Promise<Partial<Record<SettleOutcome, number>>> {
    const { welcomes, clock } = this.deps;
    const counts: Partial<Record<SettleOutcome, number>> = {};
    const stale = await welcomes.staleClaims(new Date(clock.now().getTime() - STALE_CLAIM_MS), SETTLE_PER_RUN);
    for (const claim of stale) {
      const outcome = await this.settle(claim);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
    return counts;
  }

  private async settle(claim: Extract<WelcomeRecord, { state: 'sending' }>): Promise<SettleOutcome> {
    const { welcomes, clock } = this.deps;
    const logger = this.deps.logger.child({ memberId: claim.memberId, slackUserId: claim.slackUserId });
    let found: { channel: string; ts: string } | undefined;
    try {
      const opened = await this.call('conversations.open', () => this.deps.client.conversations.open({ users: claim.slackUserId }));
      const channel = opened.channel?.id;
      if (!channel) throw new SlackCallFailed('conversations.open', { kind: 'refused', reason: 'no_dm_channel' });
      found = await this.findWelcome(channel, claim.memberId, claim.claimedAt);
    } catch (error) {
      if (!(error instanceof SlackCallFailed)) throw error;
      logger.warn({ step: error.step, error: error.failure.reason }, 'could not look for an unrecorded welcome DM; the next sync tries again');
      return 'unsettled';
    }
    if (found) {
      await welcomes.markSent(claim.memberId, { ...found, sentAt: clock.now() });
      logger.info(found, 'welcome DM found in the DM history; recorded');
      return 'recorded';
    }
    await welcomes.releaseUnsent(claim.memberId, claim.claimedAt);
    logger.info({ claimedAt: claim.claimedAt }, 'welcome DM never arrived; sending it now');
    const result = await this.welcome({ id: claim.memberId, name: claim.name ?? '' }, claim.slackUserId);
    return result.sent ? 'sent' : 'unsettled';
  }

  /** The welcome for `memberId` in the DM since `since`, by the metadata every welcome carries. */
  private async findWelcome(channel: string, memberId: string, since: Date): Promise<{ channel: string; ts: string } | undefined> {
    const oldest = String(Math.max(0, Math.floor(since.getTime() / 1000) - HISTORY_SKEW_SECONDS));
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_MAX_PAGES; page += 1) {
      const result = await this.call('conversations.history', () =>
        this.deps.client.conversations.history({ channel, oldest, limit: HISTORY_PAGE, include_all_metadata: true, ...(cursor ? { cursor } : {}) }),
      );
      for (const message of result.messages ?? []) {
        const metadata = message.metadata as { event_type?: string; event_payload?: { member_id?: unknown } } | undefined;
        if (metadata?.event_type === WELCOME_EVENT_TYPE && metadata.event_payload?.member_id === memberId && message.ts) return { channel, ts: message.ts };
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!result.has_more || !cursor) return undefined;
    }
    return undefined;
  }

  /** One Slack call, rate limits waited out; Slack's failures become SlackCallFailed, anything else is rethrown. */
  private async call<T>(step: SlackStep, request: () => Promise<T>): Promise<T> {
    try {
      return await withRetryAfter(request, { maxWaits: MAX_RATE_LIMIT_WAITS, sleep: this.sleep });
    } catch (error) {
      const failure = welcomeFailureOf(error);
      if (failure === undefined) throw error;
      throw new SlackCallFailed(step, failure);
    }
  }
}

/**
 * Slack's (and the WebClient's) failures, rate limits that outlasted the waits included;
 * undefined for anything that is not one (a bug: rethrown). Slack's `internal_error` and its
 * kin may follow a post Slack carried out, so they leave the outcome unknown, as a 5xx does.
 */
function welcomeFailureOf(error: unknown): SlackFailure | undefined {
  const failure = classifySlackError(error);
  switch (failure.kind) {
    case 'rate_limited':
      return { kind: 'refused', reason: 'rate_limited' };
    case 'token':
    case 'platform':
    case 'http':
      return { kind: 'refused', reason: failure.code };
    case 'transient':
      // A refused connection never reached Slack; anything later (reset, timeout) might have.
      return failure.mayHaveArrived ? { kind: 'unknown', reason: failure.code } : { kind: 'refused', reason: 'slack_unreachable' };
    case 'unknown':
      return undefined;
  }
}
