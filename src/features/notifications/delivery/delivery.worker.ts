/**
 * The delivery worker: takes due notifications from the outbox and hands each to the delivery
 * decision (notification-delivery.service.ts), which sends it as a DM. One worker per process
 * serves every tenant.
 *
 * - Tenants take turns: each round reads the tenants with notifications due
 *   (delivery-tenants.repository.ts) and claims for each in turn, at most its share of the
 *   free slots, so one tenant's backlog never holds up another's notification.
 * - Claims with a lease (see the outbox); holds at most `concurrency` notifications, renews
 *   their leases while it holds them, and gives back the ones it has not started when it stops.
 * - One lane per recipient: a member's notifications go out one after another, in the order
 *   they were claimed, so a rate limit or a retry never lets a later one overtake.
 * - Rate limits and token errors are per tenant (per Slack workspace): a 429 waits only that
 *   tenant's lanes, and a token error pauses only that tenant until auth.test answers again;
 *   while paused (or while its workspace is not live) nothing of it is claimed. A long
 *   Retry-After is waited in the queue, not in a delivery slot, and nothing more of that tenant
 *   is claimed until it ends: a tenant Slack holds back never fills the slots others need.
 */
import { randomUUID } from 'node:crypto';
import { PerTenant } from '../../../tenancy/per-tenant';
import { currentTenant, currentTenantId, runInTenant, type TenantScope } from '../../../tenancy/tenant-scope';
import { DELIVERY_TENANT_MAX_BACKOFF_MS } from '../outbox/delivery-tenants.repository';
import { recipientKey, type Notification } from '../notification.types';
import { NotificationDelivery, type DeliveryRun, type DeliveryWorkerDeps } from './notification-delivery.service';
import { DmHistory } from './dm-history';
import { RateLimitGates } from './rate-limit-gates';

export type { DeliveryWorkerDeps } from './notification-delivery.service';

/** Tenants read per claim round (the most overdue first; a tenant served goes to the back). */
const TENANTS_PER_ROUND = 200;
/** Tenants claimed for at the same time (each claim is a few store round trips). */
const CLAIMS_AT_ONCE = 4;

interface Held {
  scope: TenantScope;
  notification: Notification;
}

export class DeliveryWorker {
  /** Names this process's claims. */
  readonly holder = `delivery-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop: Promise<void> | undefined;
  /** Claimed and not finished, by tenant and id (`tenant/id`). */
  private readonly held = new Map<string, Held>();
  /** Held notifications (`tenant/id`) whose lease another process took over (renewal failed): never sent from here. */
  private readonly lost = new Set<string>();
  /** Per tenant and recipient, the notifications held for them, the first being delivered. */
  private readonly lanes = new Map<string, Notification[]>();
  private readonly laneRuns = new Set<Promise<void>>();
  /** Claims in progress, by tenant: one at a time per tenant. */
  private readonly claiming = new Map<string, Promise<void>>();
  /** Each tenant's Slack rate limits (one Slack workspace's limits never slow another). */
  private readonly gates: PerTenant<RateLimitGates>;
  /** Tenants paused on a token error, with their scope (to probe their token). */
  private readonly paused = new Map<string, { scope: TenantScope; error: string; since: Date }>();
  /** Tenants whose lanes just moved on: claimed again at once, whatever their mark says. */
  private readonly dueNow = new Set<string>();
  /** Per tenant, how long its mark is postponed while claims for it find nothing (ms). */
  private readonly backoff = new Map<string, number>();
  /** The claim loop's idle wait, ended early by `wake`. */
  private readonly idleSleepers = new Set<() => void>();
  /** Every wait (idle, rate limit, backoff), ended early by `stop`. */
  private readonly sleepers = new Set<() => void>();
  private timers: NodeJS.Timeout[] = [];
  /** The lease renewal round in progress, if any (stop waits for it). */
  private renewing: Promise<void> | undefined;
  /** The token probe in progress, if any. */
  private probing: Promise<void> | undefined;

  private readonly delivery: NotificationDelivery;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    this.gates = new PerTenant(() => new RateLimitGates((ms) => this.sleep(ms)), 10_000);
    const gates = this.gates;
    // Called inside the notification's tenant (its lane runs there).
    const run: DeliveryRun = {
      holder: this.holder,
      get gates() {
        return gates.get();
      },
      history: new DmHistory(deps.dm, deps.historyReads, () => deps.clock.now().getTime()),
      isRunning: () => this.running,
      isPaused: () => this.paused.has(currentTenantId()),
      mayClaim: () => this.mayClaim(),
      isLost: (id) => this.lost.has(heldKey(id)),
      markLost: (id) => void this.lost.add(heldKey(id)),
      pause: (error) => this.pause(error),
      sleep: (ms) => this.sleep(ms),
    };
    this.delivery = new NotificationDelivery(deps, run);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { leaseMs, pauseProbeMs } = this.deps.tuning;
    this.timers.push(setInterval(() => this.renewLeases(), Math.max(100, Math.floor(leaseMs / 3))));
    this.timers.push(
      setInterval(() => {
        // One probe at a time: auth.test may take longer than the interval.
        this.probing ??= this.probeToken().finally(() => {
          this.probing = undefined;
        });
      }, pauseProbeMs),
    );
    this.loop = this.claimLoop();
  }

  /** Stops claiming, lets deliveries in progress finish, and gives back what it held but had not started. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    for (const resolve of [...this.sleepers]) resolve();
    await this.loop;
    await Promise.all([...this.claiming.values()]);
    while (this.laneRuns.size > 0) await Promise.all([...this.laneRuns]);
    await Promise.all([this.renewing, this.probing]);
  }

  /** Looks for work now (a notification was just queued by this process). */
  wake(): void {
    for (const resolve of [...this.idleSleepers]) resolve();
  }

  /**
   * For /readyz: `running`, `stopped`, or `running; paused on a token error: <workspace>
   * (<Slack error>), …` naming up to three workspaces. A paused workspace does not make the
   * process unready: the others deliver.
   */
  status(): string {
    if (!this.running) return 'stopped';
    if (this.paused.size === 0) return 'running';
    const named = [...this.paused].slice(0, 3).map(([tenantId, paused]) => `${tenantId} (${paused.error})`);
    const more = this.paused.size > named.length ? ` and ${this.paused.size - named.length} more` : '';
    return `running; paused on a token error: ${named.join(', ')}${more}`;
  }

  /** Notifications this process holds right now. */
  holding(): number {
    return this.held.size;
  }

  /**
   * Claim rounds: each reads the due tenants and starts a claim for each in turn, up to
   * CLAIMS_AT_ONCE at a time. A tenant's claim can be slow (a large backlog is a long read on
   * a store without usable indexes), so the round waits for its claims at most one poll
   * interval: a tenant still claiming is skipped by the next rounds, never waited for by the
   * other tenants.
   */
  private async claimLoop(): Promise<void> {
    const { logger, tuning } = this.deps;
    let lastServed: string | undefined;
    while (this.running) {
      try {
        // Claims whenever fewer than `concurrency` are held: the lanes never wait for the next
        // claim (up to twice `concurrency` held).
        if (this.held.size >= tuning.concurrency) {
          await this.sleep(tuning.pollIntervalMs, true);
          continue;
        }
        const now = this.deps.clock.now();
        const marked = await this.deps.dueTenants.due(now, TENANTS_PER_ROUND);
        const tenants = takeTurns([...new Set([...this.dueNow, ...marked])], lastServed).filter((tenantId) => !this.claiming.has(tenantId));
        let claimed = 0;
        const round: Promise<void>[] = [];
        for (const tenantId of tenants) {
          if (this.claiming.size >= CLAIMS_AT_ONCE) await Promise.race(this.claiming.values());
          const free = tuning.concurrency - this.held.size;
          if (free <= 0 || !this.running) break;
          const share = Math.max(1, Math.floor(free / tenants.length));
          // Only a tenant whose claim starts leaves the list of those to look at now.
          this.dueNow.delete(tenantId);
          const claim = this.deps.tenants
            .run(tenantId, () => this.claimFor(tenantId, share))
            .catch((error: unknown) => {
              logger.warn({ err: error, tenantId }, 'could not claim notifications of a workspace; trying again');
              return 0;
            })
            .then((n) => {
              claimed += n;
            })
            .finally(() => this.claiming.delete(tenantId));
          this.claiming.set(tenantId, claim);
          round.push(claim);
          lastServed = tenantId;
        }
        const finished = await Promise.race([Promise.all(round).then(() => true), this.sleep(tuning.pollIntervalMs).then(() => false)]);
        if (finished && claimed === 0) await this.sleep(tuning.pollIntervalMs, true);
      } catch (error) {
        logger.warn({ err: error }, 'could not claim notifications (is the store reachable?); trying again');
        await this.sleep(tuning.pollIntervalMs);
      }
    }
  }

  /** Claims up to `max` of the current tenant's notifications; the number claimed. */
  private async claimFor(tenantId: string, max: number): Promise<number> {
    const { outbox, dueTenants, clock, tuning, metrics } = this.deps;
    const now = clock.now();
    // Slack told this workspace to hold its posts (a 429 with a long Retry-After): whatever is
    // claimed now would only go back to the queue. Look again when the wait ends.
    const postWaitMs = this.gates.get().waitMs('chat.postMessage');
    if (postWaitMs > tuning.settleWaitInLaneMs) {
      await dueTenants.markDue(tenantId, new Date(now.getTime() + postWaitMs));
      await this.countQueue(tenantId, now);
      return 0;
    }
    const claimed = (await this.mayClaim()) ? await outbox.claimBatch(this.holder, tuning.leaseMs, now, max) : [];
    if (claimed.length === 0) {
      if (!(await outbox.hasQueue())) {
        this.backoff.delete(tenantId);
        metrics.queueDepth.delete(tenantId);
        await dueTenants.unmarkIfEmpty(tenantId, () => outbox.hasQueue(), now);
        return 0;
      }
      // Queued, but nothing claimable now (held elsewhere, waiting, paused): look later, less often while it stays so.
      const waitMs = Math.min(DELIVERY_TENANT_MAX_BACKOFF_MS, Math.max(tuning.pollIntervalMs, (this.backoff.get(tenantId) ?? 0) * 2));
      this.backoff.set(tenantId, waitMs);
      await dueTenants.markDue(tenantId, new Date(now.getTime() + waitMs));
      await this.countQueue(tenantId, now);
      return 0;
    }
    this.backoff.delete(tenantId);
    // To the back of the due list: the other tenants' turn comes first.
    await dueTenants.markDue(tenantId, now);
    for (const notification of claimed) this.dispatch(notification);
    await this.countQueue(tenantId, now);
    return claimed.length;
  }

  /**
   * Counts the current tenant's queue for the queue depth metric, at most every
   * `queueDepthRefreshMs`: only tenants the worker is looking at anyway (due ones), so idle
   * tenants cost nothing. A failed count only leaves the last figure.
   */
  private async countQueue(tenantId: string, now: Date): Promise<void> {
    const { metrics, outbox, tuning } = this.deps;
    const countedAt = metrics.queueDepth.updatedAt(tenantId);
    if (countedAt !== undefined && now.getTime() - countedAt < tuning.queueDepthRefreshMs) return;
    try {
      metrics.queueDepth.set(tenantId, await outbox.backlog());
    } catch (error) {
      this.deps.logger.debug({ err: error, tenantId }, 'could not count the queue for the queue depth metric');
    }
  }

  /**
   * Claims only when something can come of it: the current tenant's workspace is live and its
   * token works, or it is disconnected (its notifications are skipped without calling Slack).
   * Pending (not acknowledged yet) or another workspace's token: everything stays queued.
   */
  private async mayClaim(): Promise<boolean> {
    const state = await this.deps.workspace.current();
    if (state?.kind !== 'attached') return false;
    if (state.workspace.status === 'disconnected') return true;
    return state.workspace.status === 'live' && !this.paused.has(currentTenantId());
  }

  /** Starts (or extends) the lane of a notification claimed in the current tenant. */
  private dispatch(notification: Notification): void {
    const scope = currentTenant();
    this.held.set(heldKey(notification.id), { scope, notification });
    const key = `${scope.tenantId}/${recipientKey(notification.recipient)}`;
    const lane = this.lanes.get(key);
    if (lane) {
      lane.push(notification);
      return;
    }
    this.lanes.set(key, [notification]);
    const run = this.runLane(key).finally(() => {
      this.laneRuns.delete(run);
      // A slot is free: the claim loop may take the next one.
      this.wake();
    });
    this.laneRuns.add(run);
  }

  private async runLane(key: string): Promise<void> {
    const lane = this.lanes.get(key)!;
    while (lane.length > 0) {
      const notification = lane[0]!;
      try {
        if (this.running) await this.delivery.deliver(notification);
        else await this.delivery.giveBack(notification);
      } catch (error) {
        await this.delivery.interrupted(notification, error);
      }
      lane.shift();
      this.held.delete(heldKey(notification.id));
      this.lost.delete(heldKey(notification.id));
      // The recipient's next notification may be claimable now.
      this.dueNow.add(currentTenantId());
      this.wake();
    }
    this.lanes.delete(key);
  }

  /** Pauses the current tenant's delivery on a token error. */
  private pause(error: string): void {
    const scope = currentTenant();
    if (this.paused.has(scope.tenantId)) return;
    this.paused.set(scope.tenantId, { scope, error, since: new Date() });
    this.deps.metrics.paused.set(scope.tenantId, 1);
    this.deps.logger.error(
      { error, tenantId: scope.tenantId },
      "Slack refused the workspace's bot token; its delivery paused with every notification kept queued. It resumes once the token works again (reinstall the app, or fix SLACK_BOT_TOKEN in single-workspace mode).",
    );
  }

  private async probeToken(): Promise<void> {
    for (const [tenantId, paused] of [...this.paused]) {
      if (!this.running) return;
      if (!(await runInTenant(paused.scope, () => this.deps.dm.tokenWorks()))) continue;
      this.deps.logger.info({ tenantId, pausedSince: paused.since, error: paused.error }, 'the bot token works again; delivery resumed');
      this.paused.delete(tenantId);
      this.deps.metrics.paused.delete(tenantId);
      this.dueNow.add(tenantId);
      this.wake();
    }
  }

  private renewLeases(): void {
    if (this.renewing || this.held.size === 0) return;
    this.renewing = this.renewEach().finally(() => {
      this.renewing = undefined;
    });
  }

  private async renewEach(): Promise<void> {
    for (const [key, { scope, notification: held }] of [...this.held]) {
      if (this.lost.has(key) || !this.running) continue;
      const id = held.id;
      // A fresh time per lease: a slow round must not hand out leases shorter than meant.
      const now = this.deps.clock.now();
      const expiresAt = new Date(now.getTime() + this.deps.tuning.leaseMs);
      try {
        if (await runInTenant(scope, () => this.deps.outbox.extendLease(id, this.holder, expiresAt, now))) {
          held.lease = { holder: this.holder, expiresAt };
        } else if (this.held.has(key)) {
          this.lost.add(key);
          this.deps.logger.warn(
            { notificationId: id, tenantId: scope.tenantId },
            'lease could not be renewed; leaving the notification to whoever took it over',
          );
        }
      } catch (error) {
        this.deps.logger.warn({ err: error, notificationId: id }, 'could not renew a delivery lease');
      }
    }
  }

  /** Waits `ms` (real time), or less if the worker stops (or, when `wakeable`, is woken). */
  private sleep(ms: number, wakeable = false): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        this.idleSleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
      if (wakeable) this.idleSleepers.add(done);
    });
  }
}

/** A held notification's key: ids are unique only within their tenant. */
function heldKey(notificationId: string): string {
  return `${currentTenantId()}/${notificationId}`;
}

/** The tenants in turn order: those after the one served last, then the rest. */
function takeTurns(tenants: string[], lastServed: string | undefined): string[] {
  const sorted = [...tenants].sort();
  if (lastServed === undefined) return sorted;
  const after = sorted.findIndex((id) => id > lastServed);
  return after <= 0 ? sorted : [...sorted.slice(after), ...sorted.slice(0, after)];
}
