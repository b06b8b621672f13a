/**
 * Home tabs and modals through the real WebClient: hashes, trigger ids (fresh, expired,
 * unknown, reused), the stack limit and Block Kit validation of views.
 */
import type { View } from '@slack/web-api';
import { botClient, emulatorHarness, FakeClock, MEMBER, rejectionOf, slackErrorOf } from './emulator-fixture';

const harness = emulatorHarness();

const home = (text: string): View => ({ type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
const modal = (title: string, externalId?: string): View => ({
  type: 'modal',
  title: { type: 'plain_text', text: title },
  close: { type: 'plain_text', text: 'Close' },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `${title} body` } }],
  ...(externalId ? { external_id: externalId } : {}),
});

describe('views.publish', () => {
  it('publishes a Home tab per user, keeping its id, and refuses a stale hash', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const first = await bot.views.publish({ user_id: MEMBER, view: home('v1') });
    const second = await bot.views.publish({ user_id: MEMBER, view: home('v2'), hash: first.view?.hash });
    expect(second.view?.id).toBe(first.view?.id);
    expect(second.view?.hash).not.toBe(first.view?.hash);
    expect(emulator.homeViewOf(MEMBER)?.blocks).toEqual(home('v2').blocks);

    expect(await slackErrorOf(bot.views.publish({ user_id: MEMBER, view: home('v3'), hash: first.view?.hash }))).toBe('hash_conflict');
    expect(emulator.homeViewOf(MEMBER)?.blocks).toEqual(home('v2').blocks);
  });

  it('refuses a modal, an unknown user and invalid blocks with messages', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    expect(await slackErrorOf(bot.views.publish({ user_id: MEMBER, view: modal('Nope') }))).toBe('invalid_arguments');
    expect(await slackErrorOf(bot.views.publish({ user_id: 'U0NOBODY01', view: home('x') }))).toBe('user_not_found');
    const tooMany = { type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) } as View;
    const error = await rejectionOf(bot.views.publish({ user_id: MEMBER, view: tooMany }));
    const data = error.data;
    expect(data?.error).toBe('invalid_arguments');
    expect(data?.response_metadata?.messages?.join('\n')).toContain('[json-pointer:/view/blocks]');
  });

  it('answers view_too_large above 250 kB', async () => {
    const emulator = await harness.start();
    const big = { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }], private_metadata: 'x'.repeat(260_000) } as View;
    expect(await slackErrorOf(botClient(emulator).views.publish({ user_id: MEMBER, view: big }))).toBe('view_too_large');
  });
});

describe('views.open and views.push', () => {
  it('opens a modal with a fresh trigger id, once', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const triggerId = emulator.issueTriggerId(MEMBER);
    const opened = await bot.views.open({ trigger_id: triggerId, view: modal('Map member') });
    expect(opened.view).toMatchObject({ type: 'modal', root_view_id: opened.view?.id, previous_view_id: null });
    expect(emulator.modalStackOf(MEMBER).map((view) => view.id)).toEqual([opened.view?.id]);
    expect(await slackErrorOf(bot.views.open({ trigger_id: triggerId, view: modal('Again') }))).toBe('exchanged_trigger_id');
    expect(await slackErrorOf(bot.views.open({ trigger_id: '123.456.abc', view: modal('Forged') }))).toBe('invalid_trigger_id');
  });

  it('builds interaction payloads carrying a usable trigger id', async () => {
    const emulator = await harness.start();
    const payload = emulator.interactionPayload(MEMBER, { type: 'block_actions', actions: [{ action_id: 'mapping.set_up' }] });
    expect(payload).toMatchObject({ type: 'block_actions', user: { id: MEMBER, name: 'chloe' }, team: { id: 'T0TEST0001' }, trigger_id: expect.any(String) });
    await expect(botClient(emulator).views.open({ trigger_id: payload.trigger_id as string, view: modal('From a button') })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('refuses a trigger id older than 3 seconds', async () => {
    const clock = new FakeClock();
    const emulator = await harness.start({ now: clock.now });
    const bot = botClient(emulator);
    const fresh = emulator.issueTriggerId(MEMBER);
    const stale = emulator.issueTriggerId(MEMBER);
    clock.advance(2_999);
    await expect(bot.views.open({ trigger_id: fresh, view: modal('In time') })).resolves.toMatchObject({ ok: true });
    clock.advance(1);
    expect(await slackErrorOf(bot.views.open({ trigger_id: stale, view: modal('Too late') }))).toBe('expired_trigger_id');
  });

  it('pushes up to three views on a stack, then answers push_limit_reached', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const root = await bot.views.open({ trigger_id: emulator.issueTriggerId(MEMBER), view: modal('Root') });
    const second = await bot.views.push({ trigger_id: emulator.issueTriggerId(MEMBER), view: modal('Second') });
    expect(second.view).toMatchObject({ root_view_id: root.view?.id, previous_view_id: root.view?.id });
    await bot.views.push({ trigger_id: emulator.issueTriggerId(MEMBER), view: modal('Third') });
    expect(await slackErrorOf(bot.views.push({ trigger_id: emulator.issueTriggerId(MEMBER), view: modal('Fourth') }))).toBe('push_limit_reached');
    expect(emulator.modalStackOf(MEMBER)).toHaveLength(3);
  });

  it('validates modals: a missing title is invalid_arguments with a pointer', async () => {
    const emulator = await harness.start();
    const { title: _title, ...untitled } = modal('x') as View & { title: unknown };
    const error = await rejectionOf(botClient(emulator).views.open({ trigger_id: emulator.issueTriggerId(MEMBER), view: untitled as View }));
    const data = error.data;
    expect(data?.error).toBe('invalid_arguments');
    expect(data?.response_metadata?.messages?.join('\n')).toContain('/view');
  });
});

describe('views.update', () => {
  it('updates by view_id or external_id and checks the hash', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const opened = await bot.views.open({ trigger_id: emulator.issueTriggerId(MEMBER), view: modal('Step 1', 'import-42') });
    const { id, hash } = opened.view as { id: string; hash: string };
    const byId = await bot.views.update({ view_id: id, hash, view: modal('Step 2') });
    expect(byId.view).toMatchObject({ id, external_id: 'import-42', title: { text: 'Step 2' } });
    const byExternalId = await bot.views.update({ external_id: 'import-42', view: modal('Step 3') });
    expect(byExternalId.view?.id).toBe(id);
    expect(await slackErrorOf(bot.views.update({ view_id: id, hash, view: modal('Stale') }))).toBe('hash_conflict');
    expect(await slackErrorOf(bot.views.update({ view_id: 'V0NOWHERE1', view: modal('Lost') }))).toBe('not_found');
  });

  it('updates a Home tab through its view id', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const published = await bot.views.publish({ user_id: MEMBER, view: home('v1') });
    await bot.views.update({ view_id: published.view?.id as string, view: home('v2') });
    expect(emulator.homeViewOf(MEMBER)?.blocks).toEqual(home('v2').blocks);
  });
});
