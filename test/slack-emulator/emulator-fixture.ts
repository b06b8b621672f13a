/**
 * Test data and helpers for the emulator's own tests: a small seed, a controllable clock,
 * emulators closed after each test, and real WebClients pointed at them.
 */
import { SocketModeClient } from '@slack/socket-mode';
import { LogLevel, WebClient, type Logger, type WebClientOptions } from '@slack/web-api';
import { createSlackEmulator, type Seed, type SlackEmulator, type SlackEmulatorOptions } from '../../scripts/slack-emulator';

/** Seven people (admin, owner, members, guest, deleted), another app's bot, two user groups. */
export const TEST_SEED: Seed = {
  team: { id: 'T0TEST0001', name: 'Test Workspace', domain: 'test-ws' },
  users: [
    { id: 'U0ADMIN001', name: 'alice', real_name: 'Alice Admin', is_admin: true, profile: { email: 'alice@example.com' } },
    { id: 'U0OWNER001', name: 'bruno', is_owner: true, is_primary_owner: true, is_admin: true, profile: { email: 'bruno@example.com' } },
    { id: 'U0MEMBER01', name: 'chloe', profile: { email: 'Chloe@Example.com' } },
    { id: 'U0MEMBER02', name: 'david', profile: { email: 'david@example.com' } },
    { id: 'U0GUEST001', name: 'farid', is_ultra_restricted: true, is_restricted: true, profile: { email: 'farid@partner.example.org' } },
    { id: 'U0DELETED1', name: 'gina', deleted: true, profile: { email: 'gina@example.com' } },
    { id: 'U0OTHERBOT', name: 'jira', is_bot: true, profile: {} },
  ],
  usergroups: [
    { id: 'S0FINANCE1', handle: 'finance', name: 'Finance', users: ['U0ADMIN001', 'U0MEMBER01'] },
    { id: 'S0OLDGROUP', handle: 'old', name: 'Old group', users: ['U0MEMBER02'], disabled: true },
  ],
};

/**
 * A second customer's workspace whose ids overlap the first's, as they may on Slack: the same
 * user ids and user group id, and the same email for U0ADMIN001. Installed from the start.
 */
export const SECOND_TEAM_SEED: Seed = {
  team: { id: 'T0SECOND01', name: 'Second Workspace', domain: 'second-ws' },
  installed: true,
  users: [
    { id: 'U0ADMIN001', name: 'anna', real_name: 'Anna Second', is_admin: true, profile: { email: 'alice@example.com' } },
    { id: 'U0MEMBER01', name: 'marc', real_name: 'Marc Second', profile: { email: 'marc@second.example.com' } },
    { id: 'U0MEMBER02', name: 'nina', profile: { email: 'nina@second.example.com' } },
  ],
  usergroups: [{ id: 'S0FINANCE1', handle: 'compta', name: 'Compta', users: ['U0MEMBER02'] }],
};
export const SECOND_TEAM = 'T0SECOND01';

export const MEMBER = 'U0MEMBER01';
export const OTHER_MEMBER = 'U0MEMBER02';

/** A clock the test moves by hand (starts at 2024-11-21T23:00:00Z). */
export class FakeClock {
  private current = 1_732_230_000_000;
  readonly now = (): number => this.current;
  advance(ms: number): void {
    this.current += ms;
  }
}

/** Starts emulators on free ports and closes them after each test. */
export function emulatorHarness(): { start(options?: SlackEmulatorOptions): Promise<SlackEmulator> } {
  const started: SlackEmulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((emulator) => emulator.close()));
  });
  return {
    async start(options = {}) {
      const emulator = await createSlackEmulator({ seed: TEST_SEED, rateLimitScale: 50, ...options });
      started.push(emulator);
      return emulator;
    },
  };
}

/** The WebClient logs Slack's `[ERROR]` response messages; the tests assert them instead. */
const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** A real WebClient with the given token (none if undefined), no retries, quiet. */
export function clientFor(emulator: SlackEmulator, token: string | undefined, options: WebClientOptions = {}): WebClient {
  return new WebClient(token, { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 }, logger: silentLogger, ...options });
}

export function botClient(emulator: SlackEmulator, options: WebClientOptions = {}): WebClient {
  return clientFor(emulator, emulator.botToken, options);
}

/** The fields of the WebClient's errors the tests look at (platform, HTTP, rate limit). */
export interface WebClientFailure extends Error {
  code?: string;
  data?: { error?: string; response_metadata?: { messages?: string[] } };
  statusCode?: number;
  retryAfter?: number;
}

/** The rejection of a promise that must fail (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<WebClientFailure> {
  try {
    await promise;
  } catch (error) {
    return error as WebClientFailure;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** The Slack error code of a call that must fail with `{ok: false}`. */
export async function slackErrorOf(promise: Promise<unknown>): Promise<string> {
  const error = await rejectionOf(promise);
  if (error.code !== 'slack_webapi_platform_error' || error.data?.error === undefined) throw error;
  return error.data.error;
}

/** POSTs raw bytes to the emulator and returns status and parsed JSON. */
export async function rawPost(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body, headers });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The body of one Socket Mode envelope as the real client hands it over. */
export interface ReceivedEnvelope {
  type: string;
  body: Record<string, unknown>;
}

/**
 * The real Socket Mode client on the emulator's app-level token, acking every envelope and
 * recording what it got; `stop()` disconnects it.
 */
export async function ackingSocketClient(emulator: SlackEmulator): Promise<{ received: ReceivedEnvelope[]; stop(): Promise<void> }> {
  const client = new SocketModeClient({
    appToken: emulator.appToken,
    logger: silentLogger,
    clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } },
  });
  const received: ReceivedEnvelope[] = [];
  client.on('slack_event', async (args: { ack: () => Promise<void>; type: string; body: Record<string, unknown> }) => {
    received.push({ type: args.type, body: args.body });
    await args.ack();
  });
  await client.start();
  await emulator.socket.waitForConnections(1);
  return {
    received,
    async stop() {
      await client.disconnect();
    },
  };
}

/** Waits (polling, at most 5 s) until `condition` holds. */
export async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 250 && !condition(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
}
