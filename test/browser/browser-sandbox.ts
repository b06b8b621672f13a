/**
 * For the browser tests: the sandbox (real connector, Slack and Ashby emulators, demo data) on
 * the test run's store, and Debian's Chromium driven headless through playwright-core.
 * Screenshots go to test-results/browser/ (git-ignored).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createLogger } from '../../src/platform/logger';
import { startSandbox, type Sandbox } from '../../scripts/sandbox/start';
import { testStoreUri, uniqueDbName } from '../support/store';
import { appendSuiteLog, registerSuiteSecret } from '../support/suite-log';

/** Debian's `chromium` package (`.ci/run` installs it); CHROMIUM_PATH for another one. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '../../test-results/browser');

export interface BrowserSandbox {
  sandbox: Sandbox;
  browser: Browser;
  /** A page acting as `userId` of `teamId`, on its Home tab (or Messages). */
  openAs(teamId: string, userId: string, tab?: 'home' | 'messages'): Promise<Page>;
  stop(): Promise<void>;
}

export async function startBrowserSandbox(label: string, options: { mongoDb?: string; dataDir?: string } = {}): Promise<BrowserSandbox> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `sandbox-${label}-`));
  const logging = createLogger({
    level: 'warn',
    destination: new Writable({
      write(chunk, _encoding, callback) {
        appendSuiteLog(chunk as Buffer);
        callback();
      },
    }),
    secrets: [],
  });
  const sandbox = await startSandbox({
    env: { DATA_DIR: dataDir, HTTP_PORT: '0', SANDBOX_PORT: '0', MONGODB_URI: testStoreUri(), MONGODB_DB: options.mongoDb ?? uniqueDbName(label) },
    logging,
  });
  registerSuiteSecret('sandbox API token', sandbox.connector.config.http.apiToken);
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  return {
    sandbox,
    browser,
    async openAs(teamId, userId, tab = 'home') {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      // Confirm dialogs (Slack's `confirm` objects) are accepted, as a person who means it would.
      page.on('dialog', (dialog) => void dialog.accept());
      page.on('console', (message) => appendSuiteLog(`[browser ${message.type()}] ${message.text()}\n`));
      await page.goto(`${sandbox.pageUrl}?team=${teamId}&user=${userId}&tab=${tab}`);
      await page.locator('#sidebar .sb-team').waitFor();
      return page;
    },
    async stop() {
      await browser.close().catch(() => undefined);
      await sandbox.connector.store.db.dropDatabase().catch(() => undefined);
      await sandbox.stop();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot as test-results/browser/<name>.png. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** The modal on top, once it shows `text`. */
export async function modalWith(page: Page, text: string) {
  const modal = page.locator('.modal', { hasText: text });
  await modal.waitFor();
  return modal;
}
