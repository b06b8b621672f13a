/**
 * The whole emulator with the real Bolt app in Socket Mode: Bolt opens its socket through
 * apps.connections.open, an event pushed on the control route reaches a listener, and the
 * listener's Web API call lands in the emulator's state.
 */
import { App, LogLevel } from '@slack/bolt';
import type { SlackEmulator } from '../../scripts/slack-emulator';
import { emulatorHarness, MEMBER } from './emulator-fixture';

const harness = emulatorHarness();

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 250 && !condition(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('Bolt against the emulator', () => {
  let app: App | undefined;
  let emulator: SlackEmulator | undefined;

  // Runs before the harness closes the emulator: let the socket's close handshake finish first.
  afterEach(async () => {
    await app?.stop();
    if (emulator) await until(() => emulator?.socket.connectionCount() === 0);
    app = undefined;
    emulator = undefined;
  });

  it('delivers app_home_opened from the control route and records the published Home tab', async () => {
    emulator = await harness.start();
    app = new App({
      token: emulator.botToken,
      appToken: emulator.appToken,
      socketMode: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } },
    });
    app.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({
        user_id: event.user,
        view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Hello <@${event.user}>` } }] },
      });
    });
    await app.start();
    await emulator.socket.waitForConnections(1);

    const response = await fetch(`${emulator.baseUrl}/_emulator/events`, {
      method: 'POST',
      body: JSON.stringify({ event: { type: 'app_home_opened', user: MEMBER, channel: 'D0HOME0001', tab: 'home' } }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, ack: { envelope_id: expect.any(String) } });

    // Bolt acks before the listener runs: wait for the listener's call.
    const started = emulator;
    await until(() => started.homeViewOf(MEMBER) !== undefined);
    expect(emulator.homeViewOf(MEMBER)?.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: `Hello <@${MEMBER}>` } }]);
    expect(emulator.calls.map((call) => call.method)).toEqual(expect.arrayContaining(['auth.test', 'apps.connections.open', 'views.publish']));
  });
});
