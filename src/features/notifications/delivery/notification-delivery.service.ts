/**
 * The delivery decision for one claimed notification (the worker in delivery.worker.ts runs
 * the loop, the lanes and the leases around it):
 *
 * - skip (workspace disconnected, member deactivated, type turned off), wait for a mapping
 *   (released with a re-check time, skipped after the wait window), or send;
 * - sending: conversations.open once per member (the channel is cached on the mapping), a
 *   history check when an earlier attempt may have reached Slack, then chat.postMessage;
 * - Slack errors (see slack-errors.ts): 429 waits Retry-After (in the lane when short, back
 *   in the queue when longer than `settleWaitInLaneMs`, freeing the slot); transient errors
 *   back off with jitter up to `maxAttempts`; token errors pause the worker; the rest fail the
 *   notification with Slack's error;
 * - outcomes are written only while this process holds the lease.
 */
import type { Clock } from '../../../platform/clock';
import type { Logger } from '../../../platform/logger';
import type { Mapping } from '../../mapping/mapping.types';
import type { MappingLookup } from '../../mapping/mapping-lookup';
import type { MemberDirectory } from '../../members/member-directory';
import { emailKey, type Member } from '../../members/member.types';
import type { WorkspaceState } from '../../workspace/workspace.types';
import { buildNotificationMessage } from '../messages';
import type { Notification, SkipReason, SlackMessageRef } from '../notification.types';
import type { OutboxRepository, ReleaseOutcome } from '../outbox.repository';
import type { PreferencesService } from '../preferences.service';
import type { DeliveryMetrics } from './delivery.metrics';
import { backoffMs, mappingRecheckAt, type DeliveryTuning } from './delivery-tuning';
import type { RateLimitGates, SlackStep } from './rate-limit-gates';
import { classifyDeliveryFailure } from './slack-errors';
import type { DmHistory, HistoryReads } from './dm-history';
import type { DeliveryTenants } from '../outbox/delivery-tenants.repository';
import type { SlackDm } from './slack-dm';
import { currentTenantId } from '../../../tenancy/tenant-scope';

export interface DeliveryWorkerDeps {
  outbox: OutboxRepository;
  members: MemberDirectory;
  mappings: MappingLookup;
  preferences: PreferencesService;
  /** The current tenant's workspace, read a few seconds ago at most. */
  workspace: { current(): Promise<WorkspaceState | undefined> };
  /** Where hand-offs and the worker mark tenants with notifications due. */
  dueTenants: DeliveryTenants;
  /** Opens tenant scopes (the worker claims tenant by tenant). */
  tenants: { run<T>(tenantId: string, work: () => Promise<T>): Promise<T> };
  dm: SlackDm;
  /** DM history reads kept between attempts (dm-history.repository.ts). */
  historyReads: HistoryReads;
  clock: Clock;
  logger: Logger;
  metrics: DeliveryMetrics;
  /** The current tenant's platform base URL. */
  pigmentBaseUrl: () => string;
  tuning: DeliveryTuning;
}

/** What the decision needs of the worker running it. */
export interface DeliveryRun {
  /** Names this process's claims. */
  readonly holder: string;
  readonly gates: RateLimitGates;
  /** DM history reads, shared by every notification of one DM (see dm-history.ts). */
  readonly history: DmHistory;
  isRunning(): boolean;
  /** Delivery paused on a token error. */
  isPaused(): boolean;
  /** Whether the current tenant's workspace lets anything be claimed now. */
  mayClaim(): Promise<boolean>;
  /** A held notification whose lease another process took over: never sent from here. */
  isLost(id: string): boolean;
  markLost(id: string): void;
  /** Pauses all delivery of this process on a token error. */
  pause(error: string): void;
  /** Waits (ended early when the worker stops). */
  sleep(ms: number): Promise<void>;
}

interface RecipientLookup {
  member?: Member;
  allowed: boolean;
  mapping?: Mapping;
}

/** Below this much lease left, the worker renews before calling Slack (well above the outbox's own margin). */
const LEASE_MARGIN_MS = 15_000;

/** Writes of an outcome tried this many times (the store may be briefly away) before the lease is left to expire. */
const OUTCOME_WRITE_ATTEMPTS = 3;

export class NotificationDelivery {
  constructor(
    private readonly deps: DeliveryWorkerDeps,
    private readonly run: DeliveryRun,
  ) {}

  /** Delivers, skips, fails or gives back one claimed notification. */
  async deliver(n: Notification): Promise<void> {
    if (this.run.isLost(n.id)) return;
    const state = await this.deps.workspace.current();
    if (state?.kind === 'attached' && state.workspace.status === 'disconnected') return this.skip(n, 'workspace_disconnected');
    // The workspace went back to pending, or the token turned out to be another workspace's,
    // since the claim: keep it queued, as mayClaim would have.
    if (!(await this.run.mayClaim())) return this.giveBack(n);
    const { member, allowed, mapping } = await this.lookUpRecipient(n);
    if (member?.status === 'deactivated') return this.skip(n, 'member_deactivated', member.id);
    if (member && !allowed) return this.skip(n, 'disabled_by_member', member.id);
    if (!member || !mapping?.active) return this.waitForMapping(n, member?.id);
    return this.send(n, member.id, mapping);
  }

  /**
   * The member, whether they want this type in Slack, and their mapping. By member id the
   * three reads go together (each is a round trip); by email the member comes first. (Reading
   * a whole batch's recipients with `$in` was tried: FerretDB 1.24 does not push `$in` down,
   * so it decodes every member in Go, and delivery got slower.)
   */
  private async lookUpRecipient(n: Notification): Promise<RecipientLookup> {
    const { members, mappings, preferences } = this.deps;
    const { memberId, email } = n.recipient;
    const byEmail = memberId === undefined && email !== undefined ? await members.findByEmailKey(emailKey(email)) : undefined;
    const id = memberId ?? byEmail?.id;
    if (id === undefined) return { allowed: false };
    const [member, allowed, mapping] = await Promise.all([byEmail ?? members.findById(id), preferences.allowsSlack(id, n.type), mappings.lookup(id)]);
    return { ...(member ? { member } : {}), allowed, ...(mapping ? { mapping } : {}) };
  }

  /**
   * The member is unknown or not mapped (yet): look again later, until the wait window since
   * the notification was created has passed; then it is skipped as `not_connected`.
   */
  private async waitForMapping(n: Notification, memberId: string | undefined): Promise<void> {
    const now = this.deps.clock.now();
    const deadline = new Date(n.createdAt.getTime() + this.deps.tuning.mappingWaitMs);
    if (now >= deadline) return this.skip(n, 'not_connected', memberId);
    const recheckAt = mappingRecheckAt(n.createdAt, now, deadline, this.deps.tuning);
    await this.deps.outbox.release(n.id, this.run.holder, recheckAt, now);
    this.deps.logger.debug({ notificationId: n.id, memberId, recheckAt }, 'recipient not connected yet; waiting for a mapping');
  }

  private async send(n: Notification, memberId: string, mapping: Mapping): Promise<void> {
    const { dm, tuning, logger, metrics } = this.deps;
    const message = buildNotificationMessage(n, { pigmentBaseUrl: this.deps.pigmentBaseUrl(), now: this.deps.clock.now() });
    let channel = mapping.dmChannelId;
    let reopened = false;
    let failures = n.failures ?? 0;
    let uncertain = n.sendUncertain === true;
    // An earlier attempt that may have posted did so before this: a DM read begun since can tell.
    let uncertainUntil = n.uncertainUntil ?? this.deps.clock.now();
    let lastError: string | undefined;
    for (;;) {
      if (this.run.isLost(n.id)) return;
      if (!this.run.isRunning() || this.run.isPaused())
        return this.giveBack(n, { failures, sendUncertain: uncertain, uncertainUntil, ...(lastError ? { error: lastError } : {}) });
      let step: SlackStep = 'conversations.open';
      // A long rate-limit wait is spent in the queue, not in a delivery slot (see waitInQueueUntil).
      const waitInQueue = (dueAt: Date) =>
        this.giveBack(n, { failures, sendUncertain: uncertain, uncertainUntil, ...(lastError ? { error: lastError } : {}) }, dueAt);
      try {
        if (!channel) {
          const dueAt = this.waitInQueueUntil(n, step);
          if (dueAt) return waitInQueue(dueAt);
          await this.run.gates.wait(step);
          channel = await dm.open(mapping.slackUserId);
          await this.cacheDmChannel(memberId, mapping.slackUserId, channel);
        }
        if (uncertain) {
          step = 'conversations.history';
          const dueAt = this.waitInQueueUntil(n, step);
          if (dueAt) return waitInQueue(dueAt);
          await this.run.gates.wait(step);
          if (!(await this.stillHeld(n))) return;
          const found = await this.run.history.find(channel, n, uncertainUntil);
          if (found) {
            metrics.foundInHistory.inc();
            logger.info({ notificationId: n.id, channel, ts: found.ts }, 'an earlier attempt had delivered this notification; recorded, not sent again');
            return this.finishDelivered(n, found, memberId);
          }
          uncertain = false;
        }
        step = 'chat.postMessage';
        const dueAt = this.waitInQueueUntil(n, step, channel);
        if (dueAt) return waitInQueue(dueAt);
        await this.run.gates.wait(step, channel);
        if (!this.run.isRunning() || this.run.isLost(n.id)) continue;
        // Never post on a lease about to run out: another process may be taking it over.
        if (!(await this.stillHeld(n))) return;
        const ref = await dm.post(channel, message);
        this.run.gates.posted(channel);
        return this.finishDelivered(n, ref, memberId);
      } catch (error) {
        const failure = classifyDeliveryFailure(error);
        switch (failure.kind) {
          case 'rate_limited':
            metrics.rateLimited.inc(currentTenantId(), { method: step });
            this.run.gates.limited(step, channel, failure.retryAfterMs);
            continue;
          case 'token':
            this.run.pause(failure.error);
            return this.giveBack(n, { failures, sendUncertain: uncertain, uncertainUntil });
          case 'stale_channel':
            if (step !== 'conversations.open' && !reopened) {
              // The cached channel no longer works (e.g. the DM was closed on Slack's side): open it again, once.
              reopened = true;
              channel = undefined;
              continue;
            }
            return this.fail(n, failure.error, memberId);
          case 'permanent':
            return this.fail(n, failure.error, memberId);
          case 'transient':
            failures += 1;
            lastError = failure.error;
            if (step === 'chat.postMessage' && failure.mayHaveArrived) {
              uncertain = true;
              uncertainUntil = this.deps.clock.now();
            }
            if (failures >= tuning.maxAttempts) {
              // The last attempt may have arrived after all: say delivered if it did.
              const found = uncertain && channel ? await this.run.history.find(channel, n, uncertainUntil).catch(() => undefined) : undefined;
              if (found && channel) return this.finishDelivered(n, found, memberId);
              return this.fail(n, failure.error, memberId);
            }
            logger.warn({ notificationId: n.id, step, error: failure.error, failures }, 'Slack call failed; retrying with backoff');
            await this.run.sleep(backoffMs(failures, tuning));
            continue;
        }
      }
    }
  }

  /**
   * When `step` (to `channel`) must wait for a rate limit longer than `settleWaitInLaneMs`: the
   * time the wait ends, for the notification to wait in the queue until then instead of holding
   * a delivery slot, which other members (and other tenants, whose Slack did not say "wait")
   * need meanwhile. Undefined for a short wait, spent here.
   */
  private waitInQueueUntil(n: Notification, step: SlackStep, channel?: string): Date | undefined {
    const waitMs = this.run.gates.waitMs(step, channel);
    if (waitMs <= this.deps.tuning.settleWaitInLaneMs) return undefined;
    const what = step === 'conversations.history' ? 'DM history' : step;
    this.deps.logger.info({ notificationId: n.id, step, waitMs }, `${what} is rate limited; the notification waits in the queue, not in a delivery slot`);
    return new Date(this.deps.clock.now().getTime() + waitMs);
  }

  private async finishDelivered(n: Notification, ref: SlackMessageRef, memberId: string): Promise<void> {
    const recorded = await this.writeOutcome(n, () =>
      this.deps.outbox.markDelivered(n.id, this.run.holder, ref, this.deps.clock.now(), { memberId, ...this.heldUntil(n) }),
    );
    if (!recorded) return;
    this.deps.metrics.finished.inc({ status: 'delivered', reason: '' });
    this.deps.metrics.deliverySeconds.observe(Math.max(0, this.deps.clock.now().getTime() - n.createdAt.getTime()) / 1000);
    this.deps.logger.debug({ notificationId: n.id, memberId, channel: ref.channel, ts: ref.ts }, 'notification delivered');
  }

  private async skip(n: Notification, reason: SkipReason, memberId?: string): Promise<void> {
    const recorded = await this.writeOutcome(n, () =>
      this.deps.outbox.markSkipped(n.id, this.run.holder, reason, this.deps.clock.now(), {
        ...(memberId !== undefined ? { memberId } : {}),
        ...this.heldUntil(n),
      }),
    );
    if (!recorded) return;
    this.deps.metrics.finished.inc({ status: 'skipped', reason });
    this.deps.logger.info({ notificationId: n.id, memberId, reason }, 'notification skipped');
  }

  private async fail(n: Notification, error: string, memberId: string): Promise<void> {
    const recorded = await this.writeOutcome(n, () =>
      this.deps.outbox.markFailed(n.id, this.run.holder, error, this.deps.clock.now(), { memberId, ...this.heldUntil(n) }),
    );
    if (!recorded) return;
    this.deps.metrics.finished.inc({ status: 'failed', reason: error });
    this.deps.metrics.failed.inc(currentTenantId());
    this.deps.logger.warn({ notificationId: n.id, memberId, error }, 'notification failed');
  }

  /**
   * Whether this process still surely holds `n`: its lease (as last set here) has more than
   * LEASE_MARGIN_MS to run, or renewing it now succeeds. False marks it lost.
   */
  private async stillHeld(n: Notification): Promise<boolean> {
    if (this.run.isLost(n.id) || !n.lease) return false;
    const now = this.deps.clock.now();
    if (n.lease.expiresAt.getTime() - now.getTime() > LEASE_MARGIN_MS) return true;
    const expiresAt = new Date(now.getTime() + this.deps.tuning.leaseMs);
    const renewed = await this.deps.outbox.extendLease(n.id, this.run.holder, expiresAt, now).catch(() => false);
    if (renewed) {
      n.lease = { holder: this.run.holder, expiresAt };
      return true;
    }
    this.run.markLost(n.id);
    this.deps.logger.warn({ notificationId: n.id }, 'lease ran out before sending; leaving the notification to whoever takes it over');
    return false;
  }

  /** Remembers the member's DM channel; a store hiccup only costs a conversations.open next time. */
  private async cacheDmChannel(memberId: string, slackUserId: string, channel: string): Promise<void> {
    await this.deps.mappings.cacheDmChannel(memberId, slackUserId, channel).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, memberId }, 'could not cache the DM channel');
    });
  }

  /** The lease as this process last set it, so the outcome write can skip re-reading the holder. */
  private heldUntil(n: Notification): { heldUntil?: Date; attempts?: number } {
    return n.lease && !this.run.isLost(n.id) ? { heldUntil: n.lease.expiresAt, attempts: n.attempts } : {};
  }

  /**
   * Writes an outcome, again if the store hiccups. False when it could not be written or the
   * lease was lost: then the notification is taken over when its lease expires, and the next
   * attempt finds any message this one sent in the DM's history.
   */
  private async writeOutcome(n: Notification, write: () => Promise<boolean>): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (await write()) return true;
        this.deps.logger.warn({ notificationId: n.id }, 'lease lost before the outcome was written; another attempt took the notification over');
        return false;
      } catch (error) {
        if (attempt >= OUTCOME_WRITE_ATTEMPTS) {
          this.deps.logger.error({ err: error, notificationId: n.id }, 'could not store the outcome; the notification is checked again when its lease expires');
          return false;
        }
        await this.run.sleep(backoffMs(attempt, this.deps.tuning));
      }
    }
  }

  /**
   * Something other than Slack failed mid-delivery (usually the store). Counted like a
   * transient failure, so a notification that keeps breaking the worker ends `failed` with
   * `connector_error` after DELIVERY_MAX_ATTEMPTS instead of being retried forever. If the store
   * cannot take even that, the lease expires and another attempt takes it over.
   */
  async interrupted(n: Notification, error: unknown): Promise<void> {
    const failures = (n.failures ?? 0) + 1;
    this.deps.logger.error({ err: error, notificationId: n.id, failures }, 'delivery interrupted by an error outside Slack');
    try {
      if (failures >= this.deps.tuning.maxAttempts) {
        if (await this.deps.outbox.markFailed(n.id, this.run.holder, 'connector_error', this.deps.clock.now(), this.heldUntil(n))) {
          this.deps.metrics.finished.inc({ status: 'failed', reason: 'connector_error' });
          this.deps.metrics.failed.inc(currentTenantId());
        }
        return;
      }
      const now = this.deps.clock.now();
      await this.deps.outbox.release(n.id, this.run.holder, new Date(now.getTime() + backoffMs(failures, this.deps.tuning)), now, {
        failures,
        error: error instanceof Error ? error.message.slice(0, 200) : 'connector_error',
        // Whatever this attempt did, it did before now.
        ...(n.sendUncertain ? { sendUncertain: true, uncertainUntil: now } : {}),
      });
    } catch (writeError) {
      this.deps.logger.warn({ err: writeError, notificationId: n.id }, 'could not record the interruption; the notification is retried when its lease expires');
    }
  }

  /** Back to the queue, due now (stopping, or delivery paused: kept queued until the token works) or at `dueAt`. */
  async giveBack(n: Notification, outcome: ReleaseOutcome = {}, dueAt?: Date): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.outbox.release(n.id, this.run.holder, dueAt ?? now, now, outcome).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, notificationId: n.id }, 'could not give a notification back; it is retried when its lease expires');
    });
  }
}
