/**
 * `team.billableInfo` and `team.accessLogs`, paged, with rate limits waited out (both are
 * Tier 2). Slack gives these only to some workspaces and tokens: both need the `admin` scope,
 * which only user tokens carry (a bot token is answered `not_allowed_token_type`), and
 * `team.accessLogs` answers `paid_only` on the free plan. A refusal is a result naming
 * Slack's error, never an exception: the inventory shows it instead of a figure.
 */
import type { WebClient } from '@slack/web-api';
import { classifySlackError, slackErrorCode, withRetryAfter } from '../../slack/slack-error';
import type { Refusal, UsageMethod } from './inventory.types';

/** Items per page asked for; Slack may answer fewer, paging carries on. */
export const USAGE_PAGE_SIZE = 1000;
/** Slack refuses more than 100 pages of access logs (`over_pagination_limit`); stop there. */
export const MAX_ACCESS_LOG_PAGES = 100;
const MAX_RATE_LIMIT_WAITS = 20;

export type UsageResult<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export interface LastActivity {
  /** Latest `date_last` (unix seconds) per user id, over the entries read. */
  byUser: Map<string, number>;
  entriesRead: number;
  /** True when entries remained after {@link MAX_ACCESS_LOG_PAGES} pages. */
  truncated: boolean;
}

export class TeamUsageClient {
  constructor(
    /** The current tenant's client for admin methods (TenantSlack). */
    private readonly client: () => Promise<WebClient>,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly pageSize = USAGE_PAGE_SIZE,
  ) {}

  /** `billing_active` per user id, every page of team.billableInfo. */
  async billableInfo(): Promise<UsageResult<Map<string, boolean>>> {
    const byUser = new Map<string, boolean>();
    let cursor: string | undefined;
    do {
      const page = await this.call('team.billableInfo', async () =>
        (await this.client()).team.billableInfo({ limit: this.pageSize, ...(cursor ? { cursor } : {}) }),
      );
      if (!page.ok) return page;
      for (const [userId, info] of Object.entries(page.value.billable_info ?? {})) {
        if (typeof info?.billing_active === 'boolean') byUser.set(userId, info.billing_active);
      }
      cursor = page.value.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return { ok: true, value: byUser };
  }

  /** Each user's latest access (team.accessLogs, cursor paging, at most 100 pages). */
  async lastActivity(): Promise<UsageResult<LastActivity>> {
    const byUser = new Map<string, number>();
    let cursor: string | undefined;
    let entriesRead = 0;
    for (let pages = 0; ; pages += 1) {
      if (pages === MAX_ACCESS_LOG_PAGES) return { ok: true, value: { byUser, entriesRead, truncated: cursor !== undefined } };
      const page = await this.call('team.accessLogs', async () =>
        (await this.client()).team.accessLogs({ limit: this.pageSize, ...(cursor ? { cursor } : {}) }),
      );
      if (!page.ok) return page;
      for (const login of page.value.logins ?? []) {
        entriesRead += 1;
        if (!login.user_id || typeof login.date_last !== 'number') continue;
        const seen = byUser.get(login.user_id);
        if (seen === undefined || login.date_last > seen) byUser.set(login.user_id, login.date_last);
      }
      cursor = page.value.response_metadata?.next_cursor || undefined;
      if (!cursor) return { ok: true, value: { byUser, entriesRead, truncated: false } };
    }
  }

  /** Whether team.accessLogs answers at all (one entry asked for): for counts that need no logs. */
  async accessLogsAvailable(): Promise<UsageResult<true>> {
    const page = await this.call('team.accessLogs', async () => (await this.client()).team.accessLogs({ limit: 1 }));
    return page.ok ? { ok: true, value: true } : page;
  }

  /** One call: rate limits waited out, Slack's refusals turned into results, anything else thrown. */
  private async call<T>(method: UsageMethod, call: () => Promise<T>): Promise<UsageResult<T>> {
    try {
      return { ok: true, value: await withRetryAfter(call, { maxWaits: MAX_RATE_LIMIT_WAITS, sleep: this.sleep }) };
    } catch (error) {
      // Any answer naming Slack's error is a refusal (a bad token's too: the inventory shows it).
      const code = slackErrorCode(error);
      if (code === undefined) throw error;
      const failure = classifySlackError(error);
      const needed = failure.kind === 'platform' && typeof failure.data.needed === 'string' ? failure.data.needed : undefined;
      return { ok: false, refusal: { method, error: code, ...(needed ? { needed } : {}) } };
    }
  }
}
