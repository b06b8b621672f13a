/**
 * A view_submission's ack changes the user's modals as on Slack: update replaces the view,
 * push adds one (3 at most), clear closes all, errors keeps the view and shows the messages,
 * and a bare ack closes the submitted view. Acks Slack would refuse change nothing.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import type { SlackEmulator } from '../../scripts/slack-emulator';
import { botClient, emulatorHarness, MEMBER } from './emulator-fixture';

const harness = emulatorHarness();
const sockets: WebSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate();
});

const modal = (title: string, withInput = true) => ({
  type: 'modal' as const,
  callback_id: `stack.${title}`,
  title: { type: 'plain_text' as const, text: title },
  submit: { type: 'plain_text' as const, text: 'Save' },
  blocks: withInput
    ? [
        {
          type: 'input' as const,
          block_id: 'email',
          label: { type: 'plain_text' as const, text: 'Email' },
          element: { type: 'email_text_input' as const, action_id: 'email' },
        },
      ]
    : [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: title } }],
});

/** An app on a raw socket that answers every envelope with the next ack payload queued (a bare ack when none). */
async function connectApp(emulator: SlackEmulator): Promise<{ answerNext(payload: Record<string, unknown>): void }> {
  const queued: Record<string, unknown>[] = [];
  const socket = new WebSocket(emulator.socket.openConnectionUrl(`127.0.0.1:${emulator.port}`));
  sockets.push(socket);
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { envelope_id?: string };
    if (message.envelope_id !== undefined) socket.send(JSON.stringify({ envelope_id: message.envelope_id, payload: queued.shift() ?? {} }));
  });
  await once(socket, 'open');
  await emulator.socket.waitForConnections(1);
  return { answerNext: (payload) => queued.push(payload) };
}

describe('view_submission response_action', () => {
  let emulator: SlackEmulator;
  let app: { answerNext(payload: Record<string, unknown>): void };

  beforeEach(async () => {
    emulator = await harness.start();
    app = await connectApp(emulator);
  });

  /** Opens `titles` as a stack: the first with views.open, the rest pushed. */
  async function openStack(...titles: string[]): Promise<void> {
    const bot = botClient(emulator);
    const [first, ...rest] = titles;
    await bot.views.open({ trigger_id: emulator.issueTriggerId(MEMBER), view: modal(first as string) });
    for (const title of rest) await bot.views.push({ trigger_id: emulator.issueTriggerId(MEMBER), view: modal(title) });
  }

  const titles = () => emulator.modalStackOf(MEMBER).map((view) => (view.title as { text: string }).text);
  const top = () => emulator.modalStackOf(MEMBER).at(-1)!;

  async function submitTop(ack: Record<string, unknown>): Promise<void> {
    app.answerNext(ack);
    await emulator.socket.sendInteractive(emulator.interactionPayload(MEMBER, { type: 'view_submission', view: { id: top().id } }));
  }

  it('closes the submitted view when the ack has no response_action, showing the one below', async () => {
    await openStack('First', 'Second');
    await submitTop({});
    expect(titles()).toEqual(['First']);
    await submitTop({});
    expect(titles()).toEqual([]);
    expect(emulator.state.modalStacks.has(MEMBER)).toBe(false);
  });

  it('update replaces the submitted view, keeping its id', async () => {
    await openStack('First', 'Second');
    const submitted = top().id;
    await submitTop({ response_action: 'update', view: modal('Replaced') });
    expect(titles()).toEqual(['First', 'Replaced']);
    expect(top().id).toBe(submitted);
  });

  it('push adds a view on top, at most three', async () => {
    await openStack('First');
    await submitTop({ response_action: 'push', view: modal('Second') });
    await submitTop({ response_action: 'push', view: modal('Third') });
    expect(titles()).toEqual(['First', 'Second', 'Third']);
    expect(top().previous_view_id).toBe(emulator.modalStackOf(MEMBER)[1]!.id);
    await submitTop({ response_action: 'push', view: modal('Fourth') });
    expect(titles()).toEqual(['First', 'Second', 'Third']);
    expect(emulator.state.submissions.at(-1)).toMatchObject({ action: 'push', refused: 'push_limit_reached' });
  });

  it('clear closes every view', async () => {
    await openStack('First', 'Second');
    await submitTop({ response_action: 'clear' });
    expect(titles()).toEqual([]);
  });

  it('errors keeps the view and records the messages, until the next submission', async () => {
    await openStack('First');
    await submitTop({ response_action: 'errors', errors: { email: 'Not an email' } });
    expect(titles()).toEqual(['First']);
    expect(emulator.viewErrorsOf(top().id)).toEqual({ email: 'Not an email' });
    const viewId = top().id;
    await submitTop({});
    expect(emulator.viewErrorsOf(viewId)).toBeUndefined();
  });

  it('refuses errors for a block that is no input of the view, and a view Slack would refuse, changing nothing', async () => {
    await openStack('First');
    await submitTop({ response_action: 'errors', errors: { nowhere: 'Wrong' } });
    expect(emulator.state.submissions.at(-1)?.refused).toMatch(/no input block of the view: nowhere/);
    await submitTop({ response_action: 'update', view: { ...modal('Broken'), title: { type: 'plain_text', text: 'x'.repeat(25) } } });
    expect(emulator.state.submissions.at(-1)?.refused).toMatch(/^invalid view/);
    expect(titles()).toEqual(['First']);
  });

  it('ignores a submission of a view that is not open on top', async () => {
    await openStack('First', 'Second');
    const first = emulator.modalStackOf(MEMBER)[0]!.id;
    app.answerNext({ response_action: 'clear' });
    await emulator.socket.sendInteractive(emulator.interactionPayload(MEMBER, { type: 'view_submission', view: { id: first } }));
    expect(titles()).toEqual(['First', 'Second']);
    expect(emulator.state.submissions).toEqual([]);
  });
});
