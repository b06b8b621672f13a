/**
 * Delivery across tenants, end to end: two platform workspaces installed through OAuth on two
 * Slack workspaces of one emulator (each with its own rate limits and faults), one connector
 * delivering for both. Whatever Slack does to one workspace (a storm of 429s, a refused token),
 * the other's notifications keep their pace, and the troubled one's are all delivered once it
 * recovers, each exactly once.
 */
import type { Seed, SeedUser } from '../../../scripts/slack-emulator';
import { eventually, type TestConnector } from '../../support/connector';
import { AUTH, installLink, installThroughSlack, putJson, registerTenant, startOAuthConnector } from '../installs/oauth-fixture';
import { notificationIdsIn } from './delivery-fixture';

const ACME_TEAM = 'T0ACME0001';
const GLOBEX_TEAM = 'T0GLOBEX01';
const TEAM_OF = { acme: ACME_TEAM, globex: GLOBEX_TEAM } as const;
type TenantId = keyof typeof TEAM_OF;

/** Members per tenant: more than the worker's concurrency (8), so one tenant alone could fill every delivery slot. */
const MEMBER_COUNT = 12;
/** Notifications per tenant and round. */
const PER_ROUND = 24;
const ADMIN = { id: 'm-admin', email: 'root@example.com' };
const MEMBERS = Array.from({ length: MEMBER_COUNT }, (_, i) => ({ id: `m-${i + 1}`, email: `user${i + 1}@example.com` }));
const slackUserOf = (memberId: string) => `U0USER${memberId.slice(2).padStart(4, '0')}`;
// The same Slack user ids and emails in both Slack workspaces.
const users = (): SeedUser[] => [
  { id: 'U0ADMIN001', name: 'root', real_name: 'Root Admin', is_admin: true, profile: { email: ADMIN.email } },
  ...MEMBERS.map((m) => ({ id: slackUserOf(m.id), name: m.id, profile: { email: m.email } })),
];
const ACME: Seed = { team: { id: ACME_TEAM, name: 'Acme Slack', domain: 'acme' }, installed: false, users: users() };
const GLOBEX: Seed = { team: { id: GLOBEX_TEAM, name: 'Globex Slack', domain: 'globex' }, installed: false, users: users() };

let t: TestConnector;
beforeEach(async () => {
  t = await startOAuthConnector({ seed: ACME, teams: [GLOBEX] });
  for (const tenantId of ['acme', 'globex'] as const) {
    await registerTenant(t, tenantId, ADMIN, MEMBERS);
    await installThroughSlack(t.emulator, (await installLink(t, tenantId, ADMIN.id)).url!, `${TEAM_OF[tenantId]}:U0ADMIN001`);
  }
  // The first matching maps everyone (the admin too) in each tenant.
  const expected = 2 * (MEMBER_COUNT + 1);
  await eventually(
    async () => ((await t.connector.store.db.collection('mappings').countDocuments()) === expected ? true : undefined),
    15_000,
    'every member mapped',
  );
});
afterEach(async () => {
  await t?.stop();
});

/** The notifications of one round for one tenant: PER_ROUND, spread over the members in turn. */
function round(tenantId: TenantId, name: string): Array<{ id: string; memberId: string }> {
  return Array.from({ length: PER_ROUND }, (_, i) => ({ id: `${tenantId}-${name}-${i}`, memberId: MEMBERS[i % MEMBER_COUNT]!.id }));
}

async function handOff(tenantId: TenantId, notifications: Array<{ id: string; memberId: string }>): Promise<void> {
  // A few at a time, as the platform's callers would.
  for (let i = 0; i < notifications.length; i += 6) {
    await Promise.all(
      notifications.slice(i, i + 6).map(async ({ id, memberId }) => {
        const response = await putJson(
          t,
          `/api/v1/workspaces/${tenantId}/notifications`,
          { id, type: 'conversation', subtype: 'comment', recipient: { memberId }, title: `Hello ${id}`, url: `https://${tenantId}.pigment.test/boards/1` },
          'POST',
        );
        expect(response.status).toBe(202);
      }),
    );
  }
}

async function statusOf(tenantId: TenantId, id: string): Promise<string> {
  const response = await t.fetch(`/api/v1/workspaces/${tenantId}/notifications/${id}`, { headers: AUTH });
  return ((await response.json()) as { status: string }).status;
}

async function statusesOf(tenantId: TenantId, notifications: Array<{ id: string }>): Promise<string[]> {
  return Promise.all(notifications.map(({ id }) => statusOf(tenantId, id)));
}

/**
 * Waits until Slack has every one of `notifications` (read from the emulator, which costs the
 * connector nothing), then until each is recorded delivered.
 */
async function allDelivered(tenantId: TenantId, notifications: Array<{ id: string }>, timeoutMs = 30_000): Promise<void> {
  const wanted = notifications.map((n) => n.id);
  await eventually(
    () => {
      const posted = new Set(postedIds(tenantId));
      return wanted.every((id) => posted.has(id)) ? true : undefined;
    },
    timeoutMs,
    `${tenantId}'s ${notifications.length} notifications in Slack`,
  );
  await eventually(
    async () => ((await statusesOf(tenantId, notifications)).every((status) => status === 'delivered') ? true : undefined),
    10_000,
    `${tenantId}'s ${notifications.length} notifications recorded delivered`,
  );
}

/** When each of a tenant's messages was accepted by Slack (the emulator's clock, ms), at or after `since`. */
function postedAt(tenantId: TenantId, since: number): number[] {
  return t.emulator
    .team(TEAM_OF[tenantId])
    .callsOf('chat.postMessage')
    .filter((call) => call.status === 200 && call.response.ok === true && call.at >= since)
    .map((call) => call.at);
}

/** Every notification id in a tenant's DMs, each as many times as it was posted. */
function postedIds(tenantId: TenantId): string[] {
  const team = t.emulator.team(TEAM_OF[tenantId]);
  return MEMBERS.flatMap((m) => notificationIdsIn(team.messagesTo(slackUserOf(m.id))));
}

async function metrics(): Promise<string> {
  return (await t.fetch('/metrics')).text();
}

/** The value of the sample of `name` with (at least) `labels` on /metrics, undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const line = text.split('\n').find((l) => {
    const match = /^([^{ ]+)\{([^}]*)\} /.exec(l);
    return match?.[1] === name && wanted.every((pair) => match[2]!.split(',').includes(pair));
  });
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('delivery across tenants', () => {
  it("keeps one workspace's pace through a storm of 429s on another, which delivers everything once the storm ends", async () => {
    // A quiet round first: both tenants' notifications at once, nothing refused. Globex's time
    // for its round is the yardstick for the round under the storm.
    const quietAcme = round('acme', 'quiet');
    const quietGlobex = round('globex', 'quiet');
    const quietStart = Date.now();
    await Promise.all([handOff('acme', quietAcme), handOff('globex', quietGlobex)]);
    await Promise.all([allDelivered('acme', quietAcme), allDelivered('globex', quietGlobex)]);
    const quietMs = Math.max(...postedAt('globex', quietStart)) - quietStart;
    // Slack's one-message-a-second per channel: past it, a 429 on Acme reads as its workspace's limit.
    await pause(1_100);

    // Acme's Slack answers every post (and DM open) with 429 and a Retry-After long enough
    // that a Globex notification held up by it could not go unnoticed (it grows with the quiet
    // round's time: a slow machine makes this test longer, not flaky).
    const retryAfterS = Math.max(5, Math.ceil((3 * quietMs) / 1000));
    const acme = t.emulator.team(ACME_TEAM);
    acme.injectFault('chat.postMessage', { status: 429, retryAfter: retryAfterS, probability: 1 });
    acme.injectFault('conversations.open', { status: 429, retryAfter: retryAfterS, probability: 1 });
    const stormAcme = round('acme', 'storm');
    const stormGlobex = round('globex', 'storm');
    const stormStart = Date.now();
    await Promise.all([handOff('acme', stormAcme), handOff('globex', stormGlobex)]);
    // (Held up by Acme, Globex would not be done before Acme's retries, nor long after.)
    await allDelivered('globex', stormGlobex, 2 * retryAfterS * 1000);
    const globexDone = Math.max(...postedAt('globex', stormStart));
    const refused = acme.callsOf('chat.postMessage').filter((call) => call.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    const firstRetryAt = Math.min(...refused.map((call) => call.at)) + retryAfterS * 1000;
    // No Globex notification waited for Acme's Retry-After: all went out before Acme could even retry…
    expect(globexDone).toBeLessThan(firstRetryAt);
    // …at about the pace of the quiet round (generous: the machine may be busy).
    expect(globexDone - stormStart).toBeLessThanOrEqual(1.5 * quietMs + 1_000);
    // Acme kept to its Retry-After: nothing got through, and it did not hammer Slack meanwhile
    // (at most one refused call per delivery slot and Retry-After period).
    expect(postedAt('acme', stormStart)).toEqual([]);
    expect(refused.length).toBeLessThanOrEqual(8 * Math.ceil((Date.now() - stormStart) / (retryAfterS * 1000)));
    expect(await statusesOf('acme', stormAcme)).not.toContain('delivered');

    // /metrics names the storming workspace: its 429s and its queue, Globex's nowhere.
    const during = await metrics();
    expect(sample(during, 'pigment_slack_delivery_rate_limited_total', { tenant: 'acme', method: 'chat.postMessage' })).toBeGreaterThan(0);
    expect(sample(during, 'pigment_slack_delivery_rate_limited_total', { tenant: 'globex' })).toBeUndefined();
    await eventually(
      async () => ((sample(await metrics(), 'pigment_slack_delivery_queue_depth', { tenant: 'acme' }) ?? 0) > 0 ? true : undefined),
      10_000,
      "acme's queue depth",
    );

    // The storm ends: Acme delivers everything it was handed, once it may retry.
    acme.clearFaults();
    await allDelivered('acme', stormAcme, 60_000);
    for (const tenantId of ['acme', 'globex'] as const) {
      const expected = [...round(tenantId, 'quiet'), ...round(tenantId, 'storm')].map((n) => n.id).sort();
      expect(postedIds(tenantId).sort()).toEqual(expected);
    }
    await eventually(
      async () => (sample(await metrics(), 'pigment_slack_delivery_queue_depth', { tenant: 'acme' }) === undefined ? true : undefined),
      10_000,
      "acme's queue depth gone",
    );

    // A notification Slack refuses for good counts as Acme's failure.
    acme.injectFault('chat.postMessage', { error: 'restricted_action', times: 1 });
    await handOff('acme', [{ id: 'acme-refused', memberId: 'm-1' }]);
    await eventually(async () => ((await statusOf('acme', 'acme-refused')) === 'failed' ? true : undefined), 10_000, 'the refused one failed');
    const after = await metrics();
    expect(sample(after, 'pigment_slack_notifications_failed_total', { tenant: 'acme' })).toBe(1);
    expect(sample(after, 'pigment_slack_notifications_failed_total', { tenant: 'globex' })).toBeUndefined();
  }, 180_000);

  it("keeps delivering for one workspace while Slack refuses the other's token, and delivers the paused one's queue exactly once when it works again", async () => {
    const acme = t.emulator.team(ACME_TEAM);
    acme.revokeTokens({ bot: true, error: 'invalid_auth' });
    const acmeQueued = round('acme', 'refused');
    const globexSent = round('globex', 'meanwhile');
    await Promise.all([handOff('acme', acmeQueued), handOff('globex', globexSent)]);

    // Globex delivers all of its notifications while Acme's worker is paused.
    await allDelivered('globex', globexSent);
    const ready = await eventually(
      async () => {
        const body = (await (await t.fetch('/readyz')).json()) as { status: string; workers: Record<string, string> };
        return body.workers['notifications.delivery']?.includes('paused') ? body : undefined;
      },
      10_000,
      'the pause in /readyz',
    );
    expect(ready).toMatchObject({ status: 'ready', workers: { 'notifications.delivery': 'running; paused on a token error: acme (invalid_auth)' } });
    // Acme's notifications all kept queued (given back, none failed or lost).
    await eventually(
      async () => ((await statusesOf('acme', acmeQueued)).every((status) => status === 'queued') ? true : undefined),
      10_000,
      "acme's notifications queued",
    );
    expect(postedIds('acme')).toEqual([]);
    const paused = await metrics();
    expect(sample(paused, 'pigment_slack_delivery_paused', { tenant: 'acme' })).toBe(1);
    expect(sample(paused, 'pigment_slack_delivery_paused', { tenant: 'globex' })).toBeUndefined();
    await eventually(
      async () => (sample(await metrics(), 'pigment_slack_delivery_queue_depth', { tenant: 'acme' }) === PER_ROUND ? true : undefined),
      40_000,
      "acme's whole queue in its depth",
    );

    // Globex goes on delivering new notifications while Acme stays paused.
    const globexLater = round('globex', 'later');
    await handOff('globex', globexLater);
    await allDelivered('globex', globexLater);
    expect(postedIds('acme')).toEqual([]);

    // The token works again: the worker's probe (auth.test) sees it and Acme's queue goes out, each exactly once.
    acme.restoreTokens();
    await allDelivered('acme', acmeQueued);
    expect(postedIds('acme').sort()).toEqual(acmeQueued.map((n) => n.id).sort());
    expect(postedIds('globex').sort()).toEqual([...globexSent, ...globexLater].map((n) => n.id).sort());
    expect(await (await t.fetch('/readyz')).json()).toMatchObject({ workers: { 'notifications.delivery': 'running' } });
    const resumed = await metrics();
    expect(sample(resumed, 'pigment_slack_delivery_paused', { tenant: 'acme' })).toBeUndefined();
    expect(sample(resumed, 'pigment_slack_delivery_paused', { tenant: '_other' })).toBe(0);
  }, 120_000);
});
