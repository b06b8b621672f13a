/**
 * The delivery worker: takes due notifications from the outbox and hands each to the delivery
 * decision (notification-delivery.service.ts), which sends it as a DM.
 *
 * - Claims with a lease (see the outbox); holds at most `concurrency` notifications, renews
 *   their leases while it holds them, and gives back the ones it has not started when it stops.
 * - One lane per recipient: a member's notifications go out one after another, in the order
 *   they were claimed, so a rate limit or a retry never lets a later one overtake.
 * - Token errors pause every delivery of this process until auth.test answers again; while
 *   paused (or while the workspace is not live) nothing is claimed.
 */
import { randomUUID } from 'node:crypto';
import { recipientKey, type Notification } from '../notification.types';
import { NotificationDelivery, type DeliveryRun, type DeliveryWorkerDeps } from './notification-delivery.service';
import { DmHistory } from './dm-history';
import { RateLimitGates } from './rate-limit-gates';

export type { DeliveryWorkerDeps } from './notification-delivery.service';

export class DeliveryWorker {
  /** Names this process's claims. */
  readonly holder = `delivery-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop: Promise<void> | undefined;
  /** Claimed and not finished, by id. */
  private readonly held = new Map<string, Notification>();
  /** Held notifications whose lease another process took over (renewal failed): never sent from here. */
  private readonly lost = new Set<string>();
  /** Per recipient, the notifications held for them, the first being delivered. */
  private readonly lanes = new Map<string, Notification[]>();
  private readonly laneRuns = new Set<Promise<void>>();
  private readonly gates: RateLimitGates;
  private paused: { error: string; since: Date } | undefined;
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
    this.gates = new RateLimitGates((ms) => this.sleep(ms));
    const run: DeliveryRun = {
      holder: this.holder,
      gates: this.gates,
      history: new DmHistory(deps.dm, deps.historyReads, () => deps.clock.now().getTime()),
      isRunning: () => this.running,
      isPaused: () => this.paused !== undefined,
      mayClaim: () => this.mayClaim(),
      isLost: (id) => this.lost.has(id),
      markLost: (id) => void this.lost.add(id),
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
    while (this.laneRuns.size > 0) await Promise.all([...this.laneRuns]);
    await Promise.all([this.renewing, this.probing]);
  }

  /** Looks for work now (a notification was just queued by this process). */
  wake(): void {
    for (const resolve of [...this.idleSleepers]) resolve();
  }

  /** For /readyz: `running`, `paused: <Slack error>`, or `stopped`. */
  status(): string {
    if (!this.running) return 'stopped';
    return this.paused ? `paused: ${this.paused.error}` : 'running';
  }

  /** Notifications this process holds right now. */
  holding(): number {
    return this.held.size;
  }

  private async claimLoop(): Promise<void> {
    const { logger, tuning } = this.deps;
    while (this.running) {
      try {
        // Claims a whole batch whenever fewer than `concurrency` are held: one read of the queue
        // per batch, and the lanes never wait for the next claim (up to twice `concurrency` held).
        if (!this.mayClaim() || this.held.size >= tuning.concurrency) {
          await this.sleep(tuning.pollIntervalMs, true);
          continue;
        }
        const claimed = await this.deps.outbox.claimBatch(this.holder, tuning.leaseMs, this.deps.clock.now(), tuning.concurrency);
        if (claimed.length === 0) {
          await this.sleep(tuning.pollIntervalMs, true);
          continue;
        }
        for (const notification of claimed) this.dispatch(notification);
      } catch (error) {
        logger.warn({ err: error }, 'could not claim notifications (is the store reachable?); trying again');
        await this.sleep(tuning.pollIntervalMs);
      }
    }
  }

  /**
   * Claims only when something can come of it: the workspace is live and the token works, or
   * it is disconnected (its notifications are skipped without calling Slack). Pending (not
   * acknowledged yet) or another workspace's token: everything stays queued.
   */
  private mayClaim(): boolean {
    const state = this.deps.workspace.current();
    if (state?.kind !== 'attached') return false;
    if (state.workspace.status === 'disconnected') return true;
    return state.workspace.status === 'live' && !this.paused;
  }

  private dispatch(notification: Notification): void {
    this.held.set(notification.id, notification);
    const key = recipientKey(notification.recipient);
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
      this.held.delete(notification.id);
      this.lost.delete(notification.id);
      this.wake();
    }
    this.lanes.delete(key);
  }

  private pause(error: string): void {
    if (this.paused) return;
    this.paused = { error, since: new Date() };
    this.deps.metrics.paused.set(1);
    this.deps.logger.error(
      { error },
      'Slack refused the bot token; delivery paused with every notification kept queued. It resumes once the token works again (reinstall the app or fix SLACK_BOT_TOKEN).',
    );
  }

  private async probeToken(): Promise<void> {
    if (!this.paused || !this.running) return;
    if (!(await this.deps.dm.tokenWorks())) return;
    this.deps.logger.info({ pausedSince: this.paused.since, error: this.paused.error }, 'the bot token works again; delivery resumed');
    this.paused = undefined;
    this.deps.metrics.paused.set(0);
    this.wake();
  }

  private renewLeases(): void {
    if (this.renewing || this.held.size === 0) return;
    this.renewing = this.renewEach().finally(() => {
      this.renewing = undefined;
    });
  }

  private async renewEach(): Promise<void> {
    for (const [id, held] of [...this.held]) {
      if (this.lost.has(id) || !this.running) continue;
      // A fresh time per lease: a slow round must not hand out leases shorter than meant.
      const now = this.deps.clock.now();
      const expiresAt = new Date(now.getTime() + this.deps.tuning.leaseMs);
      try {
        if (await this.deps.outbox.extendLease(id, this.holder, expiresAt, now)) {
          held.lease = { holder: this.holder, expiresAt };
        } else if (this.held.has(id)) {
          this.lost.add(id);
          this.deps.logger.warn({ notificationId: id }, 'lease could not be renewed; leaving the notification to whoever took it over');
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
