/**
 * What the emulator sends over Socket Mode has the field set of what Slack sends: for each
 * event the app subscribes to and each interaction it handles, the top-level fields and the
 * key nested ones (user, team, container, view, event…) are drawn from Slack's published
 * sample and include every field of a real payload (test/fixtures/slack-payload-fields.ts).
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import type { SlackEmulator } from '../../scripts/slack-emulator';
import * as FIELDS from '../fixtures/slack-payload-fields';
import type { FieldSet } from '../fixtures/slack-payload-fields';
import { botClient, emulatorHarness, MEMBER } from './emulator-fixture';

const harness = emulatorHarness();
const sockets: WebSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate();
});

const button = (actionId: string, value: string) => ({
  type: 'button' as const,
  action_id: actionId,
  text: { type: 'plain_text' as const, text: 'Press' },
  value,
});

/** An app on a raw socket that acks everything and keeps each envelope's payload as sent on the wire. */
async function connectApp(emulator: SlackEmulator): Promise<Record<string, unknown>[]> {
  const socket = new WebSocket(emulator.socket.openConnectionUrl(`127.0.0.1:${emulator.port}`));
  sockets.push(socket);
  const payloads: Record<string, unknown>[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
    if (message.envelope_id === undefined) return;
    payloads.push(message.payload ?? {});
    socket.send(JSON.stringify({ envelope_id: message.envelope_id, payload: {} }));
  });
  await once(socket, 'open');
  await emulator.socket.waitForConnections(1);
  return payloads;
}

/** The fields of `value` that Slack's sample lacks and the real payload's fields it lacks. */
function compare(where: string, value: unknown, set: FieldSet): { where: string; invented: string[]; missing: string[] } {
  const fields = Object.keys(value as Record<string, unknown>);
  const allowed = new Set([...set.sample, ...set.sent]);
  return { where, invented: fields.filter((field) => !allowed.has(field)), missing: set.sent.filter((field) => !fields.includes(field)) };
}

function expectFields(where: string, value: unknown, set: FieldSet): void {
  expect(typeof value === 'object' && value !== null).toBe(true);
  expect(compare(where, value, set)).toEqual({ where, invented: [], missing: [] });
}

type Payload = Record<string, any>;

describe('payload field sets', () => {
  let emulator: SlackEmulator;
  let sent: Record<string, unknown>[];
  let modalId: string;

  beforeEach(async () => {
    emulator = await harness.start();
    sent = await connectApp(emulator);
    const bot = botClient(emulator);
    await bot.views.publish({
      user_id: MEMBER,
      view: { type: 'home', blocks: [{ type: 'actions', block_id: 'home', elements: [button('fields.home', 'h')] }] },
    });
    await bot.chat.postMessage({
      channel: MEMBER,
      text: 'A message',
      blocks: [{ type: 'actions', block_id: 'message', elements: [button('fields.message', 'm')] }],
    });
    const opened = await bot.views.open({
      trigger_id: emulator.issueTriggerId(MEMBER),
      view: {
        type: 'modal',
        callback_id: 'fields.modal',
        notify_on_close: true,
        title: { type: 'plain_text', text: 'A modal' },
        submit: { type: 'plain_text', text: 'Save' },
        blocks: [
          { type: 'actions', block_id: 'modal', elements: [button('fields.modal', 'x')] },
          { type: 'input', block_id: 'picker', label: { type: 'plain_text', text: 'Pick' }, element: { type: 'external_select', action_id: 'fields.picker' } },
        ],
      },
    });
    modalId = opened.view?.id as string;
  });

  async function sendEvent(event: Record<string, unknown>): Promise<Payload> {
    await emulator.socket.sendEvent(event);
    return sent.at(-1) as Payload;
  }

  async function sendInteractive(fields: { type: string } & Record<string, unknown>): Promise<Payload> {
    await emulator.socket.sendInteractive(emulator.interactionPayload(MEMBER, fields));
    return sent.at(-1) as Payload;
  }

  function expectEventCallback(payload: Payload): void {
    expectFields('event_callback', payload, FIELDS.EVENT_CALLBACK);
    expectFields('authorizations[0]', payload.authorizations[0], FIELDS.AUTHORIZATION);
  }

  it('app_home_opened carries the published Home view', async () => {
    const payload = await sendEvent(emulator.events.appHomeOpened(MEMBER));
    expectEventCallback(payload);
    expectFields('event', payload.event, FIELDS.APP_HOME_OPENED);
    expectFields('event.view', payload.event.view, FIELDS.HOME_VIEW);
    expect(payload.event).toMatchObject({ tab: 'home', channel: emulator.state.dmChannelOf(MEMBER), view: { type: 'home' } });
  });

  it('app_uninstalled and tokens_revoked', async () => {
    const uninstalled = await sendEvent(emulator.events.appUninstalled());
    expectEventCallback(uninstalled);
    expectFields('app_uninstalled event', uninstalled.event, FIELDS.APP_UNINSTALLED);
    const revoked = await sendEvent(emulator.events.tokensRevoked({ bot: [emulator.state.app.botUserId] }));
    expectFields('tokens_revoked event', revoked.event, FIELDS.TOKENS_REVOKED);
    expectFields('tokens_revoked event.tokens', revoked.event.tokens, FIELDS.REVOKED_TOKENS);
  });

  it('team_join and user_change carry the whole user', async () => {
    emulator.addUser({ id: 'U0NEWHIRE1', name: 'hugo', profile: { email: 'hugo@example.com' } });
    const joined = await sendEvent(emulator.events.teamJoin('U0NEWHIRE1'));
    expectEventCallback(joined);
    expectFields('team_join event', joined.event, FIELDS.TEAM_JOIN);
    expectFields('team_join event.user', joined.event.user, FIELDS.EVENT_USER);
    expectFields('team_join event.user.profile', joined.event.user.profile, FIELDS.EVENT_USER_PROFILE);
    emulator.updateUser('U0NEWHIRE1', { deleted: true });
    const changed = await sendEvent(emulator.events.userChange('U0NEWHIRE1'));
    expectFields('user_change event', changed.event, FIELDS.USER_CHANGE);
    expectFields('user_change event.user', changed.event.user, FIELDS.EVENT_USER);
    expect(changed.event.user.deleted).toBe(true);
  });

  it('subteam_created and subteam_updated carry the group', async () => {
    const created = await sendEvent(emulator.events.subteamCreated('S0FINANCE1'));
    expectEventCallback(created);
    expectFields('subteam_created event', created.event, FIELDS.SUBTEAM_EVENT);
    expectFields('subteam_created event.subteam', created.event.subteam, FIELDS.SUBTEAM_CREATED);
    const updated = await sendEvent(emulator.events.subteamUpdated('S0OLDGROUP'));
    expectFields('subteam_updated event', updated.event, FIELDS.SUBTEAM_EVENT);
    expectFields('subteam_updated event.subteam', updated.event.subteam, FIELDS.SUBTEAM_UPDATED);
    expect(updated.event.subteam).toMatchObject({ id: 'S0OLDGROUP', users: ['U0MEMBER02'], user_count: 1 });
  });

  function expectInteraction(payload: Payload): void {
    expectFields('user', payload.user, FIELDS.INTERACTION_USER);
    expectFields('team', payload.team, FIELDS.INTERACTION_TEAM);
  }

  it('block_actions from the Home carries the Home view (type home)', async () => {
    const payload = await sendInteractive({ type: 'block_actions', actions: [{ action_id: 'fields.home' }] });
    expectFields('block_actions (Home)', payload, FIELDS.BLOCK_ACTIONS_IN_VIEW);
    expectInteraction(payload);
    expectFields('container', payload.container, FIELDS.VIEW_CONTAINER);
    expectFields('view', payload.view, FIELDS.HOME_VIEW);
    expectFields('actions[0]', payload.actions[0], FIELDS.BUTTON_ACTION);
    expect(payload.view).toMatchObject({ type: 'home', id: emulator.homeViewOf(MEMBER)?.id });
    expect(payload.container).toEqual({ type: 'view', view_id: payload.view.id });
    expect(payload.actions[0]).toMatchObject({ action_id: 'fields.home', block_id: 'home', type: 'button', value: 'h' });
  });

  it('block_actions from a message carries the message, its channel and a response_url', async () => {
    const payload = await sendInteractive({ type: 'block_actions', actions: [{ action_id: 'fields.message' }] });
    expectFields('block_actions (message)', payload, FIELDS.BLOCK_ACTIONS_IN_MESSAGE);
    expectInteraction(payload);
    expectFields('container', payload.container, FIELDS.MESSAGE_CONTAINER);
    expectFields('message', payload.message, FIELDS.ACTION_MESSAGE);
    expectFields('channel', payload.channel, FIELDS.ACTION_CHANNEL);
    expectFields('actions[0]', payload.actions[0], FIELDS.BUTTON_ACTION);
    expect(payload.container).toMatchObject({ type: 'message', channel_id: emulator.state.dmChannelOf(MEMBER), message_ts: payload.message.ts });
  });

  it('block_actions from a modal carries the modal', async () => {
    const payload = await sendInteractive({ type: 'block_actions', actions: [{ action_id: 'fields.modal' }] });
    expectFields('block_actions (modal)', payload, FIELDS.BLOCK_ACTIONS_IN_VIEW);
    expectInteraction(payload);
    expectFields('container', payload.container, FIELDS.VIEW_CONTAINER);
    expectFields('view', payload.view, FIELDS.MODAL_VIEW);
    expect(payload.view).toMatchObject({ id: modalId, type: 'modal', callback_id: 'fields.modal' });
  });

  it('view_submission carries the stored view with the submitted values', async () => {
    const values = { picker: { 'fields.picker': { type: 'external_select', selected_option: { value: 'a' } } } };
    const payload = await sendInteractive({ type: 'view_submission', view: { id: modalId, state: { values } } });
    expectFields('view_submission', payload, FIELDS.VIEW_SUBMISSION);
    expectInteraction(payload);
    expectFields('view', payload.view, FIELDS.MODAL_VIEW);
    expect(payload.view).toMatchObject({ id: modalId, callback_id: 'fields.modal', state: { values } });
  });

  it('view_closed', async () => {
    const payload = await sendInteractive({ type: 'view_closed', view: { id: modalId } });
    expectFields('view_closed', payload, FIELDS.VIEW_CLOSED);
    expectInteraction(payload);
    expectFields('view', payload.view, FIELDS.MODAL_VIEW);
  });

  it('block_suggestion', async () => {
    const payload = await sendInteractive({ type: 'block_suggestion', action_id: 'fields.picker', block_id: 'picker', value: 'fin', view: { id: modalId } });
    expectFields('block_suggestion', payload, FIELDS.BLOCK_SUGGESTION);
    expectInteraction(payload);
    expectFields('container', payload.container, FIELDS.VIEW_CONTAINER);
    expectFields('view', payload.view, FIELDS.MODAL_VIEW);
  });

  it('the comparison catches an invented field and a missing one', () => {
    expect(compare('x', { type: 'view_closed', invented_here: 1 }, FIELDS.VIEW_CLOSED)).toMatchObject({
      invented: ['invented_here'],
      missing: expect.arrayContaining(['view']),
    });
  });
});
