/**
 * In a real browser (Chromium, headless), as an admin would: connect a platform workspace
 * through the install pages and Slack's consent page, acknowledge the bot-token workspace,
 * review the members who are not connected and set one up, configure and run a provisioning
 * sync and export its report. Every click sends what Slack sends, through Socket Mode.
 */
import { modalWith, screenshot, startBrowserSandbox, type BrowserSandbox } from './browser-sandbox';

const PIGMENT = 'T0PIGMENT1';
const ALICE = 'U0ADMIN001';

describe('the sandbox in a browser, as an admin', () => {
  let run: BrowserSandbox;
  beforeAll(async () => {
    run = await startBrowserSandbox('browser-admin');
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('connects a platform workspace to a Slack workspace through the install link and the OAuth consent page', async () => {
    const page = await run.openAs('T0ACME0001', 'U0ACMEOWN1');
    await page.locator('#main', { hasText: 'not installed' }).waitFor();
    const row = page.locator('tr[data-workspace="acme"]');
    await row.locator('select[name="memberId"]').selectOption('m-amir');
    await row.getByRole('button', { name: 'Install link' }).click();
    const link = page.getByTestId('install-link-acme');
    await link.waitFor();
    await page.goto((await link.getAttribute('href'))!);
    await page.getByRole('heading', { name: 'Connect Slack to Acme Planning' }).waitFor();
    await page.getByRole('checkbox', { name: /I have read this/ }).check();
    await screenshot(page, 'admin-1-install-disclaimer');
    await page.getByRole('button', { name: 'Continue to Slack' }).click();
    await page.locator('#as').selectOption('T0ACME0001:U0ACMEOWN1');
    await screenshot(page, 'admin-2-oauth-consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Acme Planning is connected to Acme Planning' }).waitFor();
    await screenshot(page, 'admin-3-connected');
    expect((await run.sandbox.platform.call('GET', '/workspaces/acme/slack')).body).toMatchObject({ status: 'live', team: { id: 'T0ACME0001' } });

    await page.goto(`${run.sandbox.pageUrl}?team=T0ACME0001&user=U0ACMEOWN1`);
    await page.locator('.surface-home', { hasText: 'Pigment for Slack' }).waitFor();
    await page.locator('tr[data-workspace="acme"] .conn-live').waitFor();
    await page.close();
  });

  it('acknowledges the workspace connected with the bot token from the App Home', async () => {
    const page = await run.openAs(PIGMENT, ALICE);
    await page.getByRole('button', { name: 'Acknowledge and connect' }).click();
    await page.locator('.surface-home', { hasText: 'Connected.' }).waitFor();
    await page.locator('tr[data-workspace="default"] .conn-live').waitFor();
    await screenshot(page, 'admin-4-acknowledged', true);
    expect((await run.sandbox.platform.call('GET', '/workspaces/default/slack')).body).toMatchObject({ status: 'live' });
    await page.close();
  });

  it('reviews the members who are not connected and sets one up by their Slack email', async () => {
    const page = await run.openAs(PIGMENT, ALICE);
    await page.getByRole('button', { name: 'Review members' }).click();
    const review = await modalWith(page, 'David Chen');
    await screenshot(page, 'admin-5-review-members');
    await review.locator('.bk-section', { hasText: 'David Chen' }).getByRole('button', { name: 'Set up' }).click();
    const setUp = await modalWith(page, 'Their email address on Slack');
    await page.getByTestId('modal-stack').filter({ hasText: 'Review members › Set up connection' }).waitFor();
    await setUp.locator('input[type="email"]').fill('david@example.com');
    await setUp.getByRole('button', { name: 'Connect' }).click();
    await page.locator('.modal', { hasText: 'Review members' }).waitFor();
    await screenshot(page, 'admin-6-after-set-up');
    const david = await run.sandbox.platform.call('GET', '/workspaces/default/members/m-david');
    expect(david.body.mapping).toMatchObject({ status: 'connected', slackUserId: 'U0MEMBER02' });
    await page.locator('.modal .modal-x').click();
    await page.locator('.overlay').waitFor({ state: 'detached' });
    await page.close();
  });

  it('configures a provisioning sync, runs it and exports its report', async () => {
    const page = await run.openAs(PIGMENT, ALICE);
    // Provisioning lives in the Home's Sync area (the row of area buttons under the attention items).
    await page.locator('.surface-home').getByRole('button', { name: 'Sync', exact: true }).click();
    await page.locator('.surface-home').getByRole('button', { name: 'Configure' }).click();
    const config = await modalWith(page, 'Who is synced');
    await config.getByRole('radio', { name: 'Everyone in the Slack workspace' }).check();
    await screenshot(page, 'admin-7-sync-config');
    await config.getByRole('button', { name: 'Save' }).click();
    await page.locator('.overlay').waitFor({ state: 'detached' });
    await page.locator('.surface-home').getByRole('button', { name: 'Sync now' }).click();
    await page.locator('.surface-home').getByRole('button', { name: 'Open report' }).first().waitFor();
    await screenshot(page, 'admin-8-sync-ran', true);
    await page.locator('.surface-home').getByRole('button', { name: 'Open report' }).first().click();
    const report = await modalWith(page, 'Export CSV');
    await report.getByRole('button', { name: 'Export CSV' }).click();
    await page.goto(`${run.sandbox.pageUrl}?team=${PIGMENT}&user=${ALICE}&tab=messages`);
    await page
      .locator('.msg', { hasText: /report/i })
      .first()
      .waitFor();
    await screenshot(page, 'admin-9-report-exported');
    await page.close();
  });
});
