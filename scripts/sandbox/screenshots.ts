/**
 * `npm run screenshots`: regenerates the README's pictures (docs/screenshots/) from the
 * sandbox in headless Chromium, so they never go stale: an admin's App Home, a notification
 * DM, and the Review members modal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { createLogger } from '../../src/platform/logger';
import { startSandbox } from './start';

const OUT = path.resolve(__dirname, '../../docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-screenshots-'));
  const sandbox = await startSandbox({
    env: { DATA_DIR: dataDir, HTTP_PORT: '0', SANDBOX_PORT: '0', MONGODB_URI: process.env.MONGODB_URI, MONGODB_DB: 'pigment_sandbox_screenshots' },
    logging: createLogger({ level: 'error', secrets: [] }),
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    fs.mkdirSync(OUT, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('dialog', (dialog) => void dialog.accept());
    const open = async (tab: 'home' | 'messages') => {
      await page.goto(`${sandbox.pageUrl}?team=T0PIGMENT1&user=U0ADMIN001&tab=${tab}`);
      await page.locator('#sidebar .sb-team').waitFor();
    };
    await open('home');
    await page.getByRole('button', { name: 'Acknowledge and connect' }).click();
    await page.locator('.surface-home', { hasText: 'Connected.' }).waitFor();
    // Matching by email runs right after the acknowledgement; the Home shows it once opened again.
    for (let attempt = 0; ; attempt += 1) {
      await open('home');
      const connected = page.locator('.surface-home', { hasText: 'You are connected to Pigment as' });
      if (
        await connected.waitFor({ timeout: 2_000 }).then(
          () => true,
          () => attempt >= 15,
        )
      )
        break;
    }
    const reply = await sandbox.platform.call('POST', '/workspaces/default/notifications', {
      id: 'readme-comment',
      type: 'conversation',
      subtype: 'mention',
      recipient: { memberId: 'm-alice' },
      title: 'Budget 2027 · Headcount plan',
      body: '@Alice can you check the *Q3 hiring* assumptions before Friday?',
      url: `${sandbox.emulator.baseUrl}/pigment/default/boards/headcount`,
      actor: { name: 'Bruno Leroy' },
    });
    if (reply.status >= 300) throw new Error(`notification refused: ${JSON.stringify(reply.body)}`);
    await page.locator('li[data-notification], .surface-home').first().waitFor();
    for (let attempt = 0; ; attempt += 1) {
      await open('home');
      const listed = page.locator('.surface-home', { hasText: 'Budget 2027' });
      if (
        await listed.waitFor({ timeout: 2_000 }).then(
          () => true,
          () => attempt >= 15,
        )
      )
        break;
    }
    await shot(page, 'admin-home.png', true);
    await open('messages');
    await page.locator('.msg', { hasText: 'Budget 2027' }).waitFor();
    await shot(page, 'notification-dm.png');
    await open('home');
    await page.getByRole('button', { name: 'Review members' }).click();
    await page.locator('.modal', { hasText: 'David Chen' }).waitFor();
    await shot(page, 'review-members.png');
  } finally {
    await browser.close();
    await sandbox.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: path.join(OUT, name), fullPage });
  process.stdout.write(`docs/screenshots/${name}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run screenshots: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
