/**
 * Which way a scheduled pass talks to Slack, chosen by counting calls against the rate-limit
 * tiers (pure):
 *
 * - full: page through `users.list`, 200 users per call, Tier 2 (20 calls a minute):
 *   ceil(slackUsers / 200) / 20 minutes;
 * - lookups: `users.lookupByEmail` once per unmapped member, Tier 3 (50 calls a minute):
 *   unmapped / 50 minutes.
 *
 * The cheaper wins; a tie goes to the full pass, which also refreshes every mapping's active
 * flag and the Slack user count. With no known Slack user count (no full pass yet) the full
 * pass runs: it is the one that learns the count.
 */
import { USERS_LIST_PAGE_SIZE } from '../../slack/slack-directory';

/** Slack's published minimums: Tier 2 for users.list, Tier 3 for users.lookupByEmail. */
export const TIER2_CALLS_PER_MINUTE = 20;
export const TIER3_CALLS_PER_MINUTE = 50;
export { USERS_LIST_PAGE_SIZE };

export interface StrategyInput {
  /** Slack users seen by the last full pass; undefined before the first one. */
  slackUserCount: number | undefined;
  /** Members that are not deactivated and have no usable mapping. */
  unmappedCount: number;
}

export interface StrategyChoice {
  kind: 'full' | 'lookups';
  /** Calls and minutes the rate limits force for each way (full: undefined when the count is unknown). */
  full: { calls: number; minutes: number } | undefined;
  lookups: { calls: number; minutes: number };
  reason: 'no_known_user_count' | 'cheaper' | 'tie';
}

/** Calls and minutes of a full pass over `slackUserCount` users. */
export function fullPassCost(slackUserCount: number): { calls: number; minutes: number } {
  // An empty workspace still costs the one call that finds it empty.
  const calls = Math.max(1, Math.ceil(slackUserCount / USERS_LIST_PAGE_SIZE));
  return { calls, minutes: calls / TIER2_CALLS_PER_MINUTE };
}

/** Calls and minutes of looking up `unmappedCount` members one by one. */
export function lookupsCost(unmappedCount: number): { calls: number; minutes: number } {
  return { calls: unmappedCount, minutes: unmappedCount / TIER3_CALLS_PER_MINUTE };
}

export function chooseStrategy(input: StrategyInput): StrategyChoice {
  const lookups = lookupsCost(input.unmappedCount);
  if (input.slackUserCount === undefined) return { kind: 'full', full: undefined, lookups, reason: 'no_known_user_count' };
  const full = fullPassCost(input.slackUserCount);
  // Compare in whole call-units to avoid float ties: full.calls/20 vs lookups.calls/50.
  const fullUnits = full.calls * TIER3_CALLS_PER_MINUTE;
  const lookupUnits = lookups.calls * TIER2_CALLS_PER_MINUTE;
  if (lookupUnits < fullUnits) return { kind: 'lookups', full, lookups, reason: 'cheaper' };
  return { kind: 'full', full, lookups, reason: lookupUnits === fullUnits ? 'tie' : 'cheaper' };
}
