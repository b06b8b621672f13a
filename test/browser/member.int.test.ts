/**
 * In a real browser (Chromium, headless), as a member would: change which notifications reach
 * Slack in the App Home, receive a notification of each type as a DM (the one switched off is
 * skipped), and open one from Slack, which the platform then sees as opened.
 */
import type { Page } from 'playwright-core';
import { screenshot, startBrowserSandbox, type BrowserSandbox } from './browser-sandbox';

const PIGMENT = 'T0PIGMENT1';
const EMMA = 'U0MEMBER03';

describe('the sandbox in a browser, as a member', () => {
  let run: BrowserSandbox;
  beforeAll(async () => {
    run = await startBrowserSandbox('browser-member');
    // An admin acknowledges the workspace first: nothing is delivered before.
    const admin = await run.openAs(PIGMENT, 'U0ADMIN001');
    await admin.getByRole('button', { name: 'Acknowledge and connect' }).click();
    await admin.locator('.surface-home', { hasText: 'Connected.' }).waitFor();
    await admin.close();
  });
  afterAll(async () => {
    await run?.stop();
  });

  async function send(page: Page, kind: string, title: string): Promise<string> {
    const form = page.locator('form[data-platform="notify"]');
    await form.locator('select[name="recipient"]').selectOption('default/m-emma');
    await form.locator('select[name="kind"]').selectOption(kind);
    await form.locator('input[name="title"]').fill(title);
    const before = await page.locator('li[data-notification]').count();
    await form.getByRole('button', { name: 'Send' }).click();
    const item = page.locator('li[data-notification]').first();
    await page.locator('li[data-notification]').nth(before).waitFor();
    return (await item.getAttribute('data-notification'))!;
  }

  async function statusOf(id: string): Promise<Record<string, unknown>> {
    return (await run.sandbox.platform.call('GET', `/workspaces/default/notifications/${id}`)).body;
  }

  it('changes notification settings, receives a notification of each type, and opens one from Slack', async () => {
    const page = await run.openAs(PIGMENT, EMMA);
    await page.locator('.surface-home', { hasText: 'You are connected to Pigment as' }).waitFor();
    const automations = page.locator('.surface-home').getByRole('checkbox', { name: 'Automations' });
    await automations.uncheck();
    // The Home is published again with the saved choice.
    await page.locator('.surface-home', { hasText: 'Comments, replies and mentions' }).waitFor();
    await page.locator('.surface-home input[type="checkbox"][value="automation"]:not(:checked)').waitFor();
    await page.locator('.surface-home:not(:has-text("Every type is on"))').waitFor();
    await screenshot(page, 'member-1-settings');

    const sent: Record<string, string> = {};
    for (const kind of ['conversation/comment', 'automation/completed', 'scheduled_import/failed', 'async_task/snapshot']) {
      sent[kind] = await send(page, kind, `Sandbox ${kind}`);
    }
    await page.getByTestId('tab-messages').click();
    await page.locator('.msg').nth(2).waitFor();
    for (const [kind, id] of Object.entries(sent)) {
      const status = await statusOf(id);
      expect([kind, status.status]).toEqual([kind, kind.startsWith('automation') ? 'skipped' : 'delivered']);
    }
    await screenshot(page, 'member-2-messages', true);

    const newest = page.locator('.msg').last();
    await newest.locator('.bk-block', { hasText: 'Sandbox async_task/snapshot' }).first().waitFor();
    const [pigment] = await Promise.all([page.context().waitForEvent('page'), newest.getByRole('button', { name: 'Open in Pigment' }).click()]);
    await pigment.getByRole('heading', { name: 'Pigment' }).waitFor();
    await page.locator(`li[data-notification="${sent['async_task/snapshot']}"] .opened`).waitFor();
    await screenshot(page, 'member-3-opened');
    expect(await statusOf(sent['async_task/snapshot']!)).toHaveProperty('openedInSlackAt');
    await page.close();
  });

  it('recovers from the faults switched on from the page: 429s from Slack and a dropped Socket Mode connection', async () => {
    const page = await run.openAs(PIGMENT, EMMA, 'messages');
    await page.getByRole('checkbox', { name: /answer 429/ }).check();
    await page.locator('input[data-fault="rate-limit"]:checked').waitFor();
    const id = await send(page, 'conversation/reply', 'Delivered despite the 429s');
    await page.locator('.msg', { hasText: 'Delivered despite the 429s' }).waitFor({ timeout: 60_000 });
    expect((await statusOf(id)).status).toBe('delivered');
    await page.getByRole('checkbox', { name: /answer 429/ }).uncheck();
    await page.locator('input[data-fault="rate-limit"]:not(:checked)').waitFor();

    await page.getByRole('button', { name: 'Drop the Socket Mode connection' }).click();
    await page.locator('#panel', { hasText: '1 dropped' }).waitFor();
    await screenshot(page, 'member-4-faults');
    // Bolt's Socket Mode client connects again; a press in the Home then reaches the app.
    await run.sandbox.emulator.socket.waitForConnections(1, 30_000);
    await page.getByTestId('tab-home').click();
    await page.locator('.surface-home').getByRole('checkbox', { name: 'Conversations' }).uncheck();
    await page.locator('.surface-home input[type="checkbox"][value="conversation"]:not(:checked)').waitFor();
    const skipped = await send(page, 'conversation/mention', 'Switched off after the reconnection');
    await page.locator(`li[data-notification="${skipped}"] .status`, { hasText: 'skipped' }).waitFor();
    expect(await statusOf(skipped)).toMatchObject({ status: 'skipped', reason: 'disabled_by_member' });
    await page.close();
  });
});
