/**
 * The worker's knobs. The first four come from settings (DELIVERY_CONCURRENCY,
 * DELIVERY_MAX_ATTEMPTS, NOTIFICATION_WAIT_HOURS); the others are sound defaults that tests
 * shorten through the composition root.
 */
export interface DeliveryTuning {
  /** Notifications one process holds at a time (each member's in order). */
  concurrency: number;
  /** Transient Slack failures (5xx, network) of one notification before it is `failed`. */
  maxAttempts: number;
  /** How long a notification waits for its member to be mapped before `skipped: not_connected`. */
  mappingWaitMs: number;
  /** A claim's lease; renewed every third of it while the process holds the notification. */
  leaseMs: number;
  /** How often an idle worker looks for due notifications (a POST to this process wakes it at once). */
  pollIntervalMs: number;
  /** First retry delay after a transient failure; doubled each time, with jitter. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Re-checks of a notification waiting for a mapping: from the first to the longest gap. */
  mappingRecheckMinMs: number;
  mappingRecheckMaxMs: number;
  /** How often a paused worker asks Slack whether the token works again (auth.test). */
  pauseProbeMs: number;
  /**
   * A Slack call (DM open, history read, post) that must wait longer than this for its rate
   * limit gives the notification back, due when the wait ends, instead of holding a delivery
   * slot (other members and other tenants go on); the worker claims nothing more for a
   * tenant whose posts must wait that long.
   */
  settleWaitInLaneMs: number;
  /** How often, at most, the worker counts a tenant's queue for the queue depth metric (only while it looks at that tenant). */
  queueDepthRefreshMs: number;
}

export const DEFAULT_DELIVERY_TUNING: DeliveryTuning = {
  concurrency: 8,
  maxAttempts: 5,
  mappingWaitMs: 24 * 3_600_000,
  leaseMs: 60_000,
  pollIntervalMs: 1_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  mappingRecheckMinMs: 60_000,
  mappingRecheckMaxMs: 15 * 60_000,
  pauseProbeMs: 30_000,
  settleWaitInLaneMs: 2_000,
  queueDepthRefreshMs: 15_000,
};

/** Exponential backoff with jitter: uniform between half the base and base·2^(failures-1), capped. */
export function backoffMs(failures: number, tuning: Pick<DeliveryTuning, 'backoffBaseMs' | 'backoffMaxMs'>, random = Math.random): number {
  const ceiling = Math.min(tuning.backoffMaxMs, tuning.backoffBaseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(tuning.backoffBaseMs / 2 + random() * (ceiling - tuning.backoffBaseMs / 2));
}

/**
 * When to look again at a notification waiting for its member's mapping: after half the time
 * it has waited so far (1 min, 2, 4… up to the longest gap), never past its deadline.
 */
export function mappingRecheckAt(
  createdAt: Date,
  now: Date,
  deadline: Date,
  tuning: Pick<DeliveryTuning, 'mappingRecheckMinMs' | 'mappingRecheckMaxMs'>,
): Date {
  const waited = Math.max(0, now.getTime() - createdAt.getTime());
  const gap = Math.min(tuning.mappingRecheckMaxMs, Math.max(tuning.mappingRecheckMinMs, waited / 2));
  return new Date(Math.min(deadline.getTime(), now.getTime() + gap));
}
