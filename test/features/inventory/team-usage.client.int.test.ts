/**
 * team.billableInfo and team.accessLogs through the emulator: every page read, rate limits
 * waited out, and Slack's refusals returned as reasons rather than thrown.
 */
import { TeamUsageClient } from '../../../src/features/inventory/team-usage.client';
import { botClient, emulatorHarness, TEST_SEED } from '../../slack-emulator/emulator-fixture';

const harness = emulatorHarness();
const NOW = 1_732_230_000;
/** Both methods need `admin`, which on Slack only an admin-approved user token holds (never a bot token). */
const ADMIN_GRANTED = { bot: ['admin'] };

describe('TeamUsageClient', () => {
  it('reads billable info page by page, waiting out a 429', async () => {
    const emulator = await harness.start({ scopes: ADMIN_GRANTED });
    emulator.injectFault('team.billableInfo', { status: 429, retryAfter: 3, times: 1 });
    const waits: number[] = [];
    const client = new TeamUsageClient(
      async () => botClient(emulator, { rejectRateLimitedCalls: true, retryConfig: { retries: 0 } }),
      async (ms) => void waits.push(ms),
      2,
    );
    const result = await client.billableInfo();
    expect(waits).toEqual([3_000]);
    if (!result.ok) throw new Error(`refused: ${result.refusal.error}`);
    // The emulator lists humans only: six people, the deleted one billed false.
    expect(result.value.size).toBe(TEST_SEED.users!.filter((u) => !u.is_bot).length);
    expect(result.value.get('U0DELETED1')).toBe(false);
    expect(result.value.get('U0ADMIN001')).toBe(true);
    expect(emulator.callsOf('team.billableInfo').filter((c) => c.status === 200).length).toBeGreaterThanOrEqual(3);
  });

  it('keeps each user’s latest access over every page of the access logs', async () => {
    const emulator = await harness.start({
      scopes: ADMIN_GRANTED,
      seed: {
        ...TEST_SEED,
        access_logs: [
          { user_id: 'U0MEMBER01', date_first: NOW - 900, date_last: NOW - 500, count: 3, ip: '203.0.113.1' },
          { user_id: 'U0MEMBER01', date_first: NOW - 900, date_last: NOW - 100, count: 3, ip: '203.0.113.2' },
          { user_id: 'U0ADMIN001', date_first: NOW - 900, date_last: NOW - 300, count: 1 },
        ],
      },
    });
    const client = new TeamUsageClient(
      async () => botClient(emulator),
      async () => undefined,
      1,
    );
    const result = await client.lastActivity();
    if (!result.ok) throw new Error(`refused: ${result.refusal.error}`);
    expect(Object.fromEntries(result.value.byUser)).toEqual({ U0MEMBER01: NOW - 100, U0ADMIN001: NOW - 300 });
    expect(result.value).toMatchObject({ entriesRead: 3, truncated: false });
    expect(emulator.callsOf('team.accessLogs')).toHaveLength(3);
  });

  it('returns Slack’s refusal as the reason, for both methods', async () => {
    const emulator = await harness.start({ scopes: ADMIN_GRANTED });
    emulator.injectFault('team.accessLogs', { error: 'paid_only', times: 2 });
    emulator.injectFault('team.billableInfo', { error: 'not_allowed_token_type', times: 1 });
    const client = new TeamUsageClient(
      async () => botClient(emulator),
      async () => undefined,
    );
    expect(await client.lastActivity()).toEqual({ ok: false, refusal: { method: 'team.accessLogs', error: 'paid_only' } });
    expect(await client.accessLogsAvailable()).toEqual({ ok: false, refusal: { method: 'team.accessLogs', error: 'paid_only' } });
    expect(await client.billableInfo()).toEqual({ ok: false, refusal: { method: 'team.billableInfo', error: 'not_allowed_token_type' } });
    expect(await client.accessLogsAvailable()).toEqual({ ok: true, value: true });
  });

  it('returns missing_scope with what Slack said was needed, for a bot token with the manifest’s scopes', async () => {
    const emulator = await harness.start();
    const client = new TeamUsageClient(
      async () => botClient(emulator),
      async () => undefined,
    );
    expect(await client.billableInfo()).toEqual({ ok: false, refusal: { method: 'team.billableInfo', error: 'missing_scope', needed: 'admin' } });
    expect(await client.lastActivity()).toEqual({ ok: false, refusal: { method: 'team.accessLogs', error: 'missing_scope', needed: 'admin' } });
  });
});
