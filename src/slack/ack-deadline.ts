/**
 * Slack waits 3 s for an ack, counted from when it sent the envelope: the way to us and the
 * answer's way back are inside those 3 s (often 100-300 ms each on a real network). Listeners
 * that wait for something before acking (a permission check, a lookup, a key check) share one
 * budget counted from the moment the envelope reached this process, so waits added up one
 * after another never run past Slack's deadline.
 */
import type { Context } from '@slack/bolt';

/** What is left for the app of Slack's 3 s after two ways of up to 400 ms and a margin. */
export const ACK_BUDGET_MS = 2_000;

const RECEIVED_AT = 'receivedAt';

/** Called by the first middleware, as the envelope arrives. */
export function markReceived(context: Context, now = Date.now()): void {
  context[RECEIVED_AT] = now;
}

/** Milliseconds left of `budgetMs` (ACK_BUDGET_MS by default) since the envelope arrived. */
export function ackBudgetLeft(context: Context, budgetMs = ACK_BUDGET_MS, now = Date.now()): number {
  const receivedAt = context[RECEIVED_AT];
  const spent = typeof receivedAt === 'number' ? now - receivedAt : 0;
  return Math.max(0, Math.min(budgetMs, ACK_BUDGET_MS) - spent);
}
