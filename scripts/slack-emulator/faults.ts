/**
 * Injected failures: queues of faults by method (`'*'` for any), taken one call at a time.
 * The emulator keeps one set for every call and one per workspace for that workspace's calls.
 */
import { z } from 'zod';

/**
 * A failure to inject on the next `times` calls of a method (`'*'` for any method).
 * `status` answers that HTTP status (429 with `Retry-After: retryAfter`); `error` answers
 * HTTP 200 `{ok: false, error}`; `delayMs` alone only slows the call down.
 */
export interface FaultSpec {
  times?: number;
  /**
   * Hits each call with this chance (0–1) instead of the next `times` calls, until
   * clearFaults(): "answer 429 to a fifth of calls" is `{status: 429, probability: 0.2}`.
   */
  probability?: number;
  error?: string;
  status?: number;
  retryAfter?: number;
  delayMs?: number;
}

/** Checked on injection, so a bad fault fails where it is written, not on a later call. */
export const FaultSpecSchema = z.object({
  times: z.number().int().positive().optional(),
  probability: z.number().gt(0).max(1).optional(),
  error: z.string().min(1).optional(),
  status: z.number().int().min(200).max(599).optional(),
  retryAfter: z.number().int().nonnegative().optional(),
  delayMs: z.number().nonnegative().optional(),
});

interface QueuedFault {
  spec: FaultSpec;
  remaining: number;
}

/** Faults waiting for calls, by method name or `'*'`. */
export class FaultQueue {
  private readonly byMethod = new Map<string, QueuedFault[]>();

  /** Queues a fault after the ones already waiting for that method; throws for a malformed one. */
  inject(method: string, fault: FaultSpec): void {
    const spec = FaultSpecSchema.parse(fault);
    const queue = this.byMethod.get(method) ?? [];
    queue.push({ spec, remaining: spec.times ?? 1 });
    this.byMethod.set(method, queue);
  }

  clear(): void {
    this.byMethod.clear();
  }

  /** How many calls of `method` its faults are still waiting for (a fault with a probability counts as one). */
  waiting(method: string): number {
    return (this.byMethod.get(method) ?? []).reduce((sum, fault) => sum + fault.remaining, 0);
  }

  /** The fault that hits this call of `method`, counting it; the method's own faults before `'*'`. */
  take(method: string): FaultSpec | undefined {
    for (const key of [method, '*']) {
      const queue = this.byMethod.get(key);
      const next = queue?.[0];
      if (!queue || !next) continue;
      if (next.spec.probability !== undefined) {
        if (Math.random() < next.spec.probability) return next.spec;
        continue;
      }
      next.remaining -= 1;
      if (next.remaining <= 0) queue.shift();
      return next.spec;
    }
    return undefined;
  }
}
