import fs from 'node:fs';
import { TEST_SECRETS } from './factories';
import { findLeakedSecrets, registeredSecrets, SUITE_LOG_DIR_ENV } from './suite-log';

export default async function globalTeardown(): Promise<void> {
  const running = globalThis.__EMBEDDED_STORE__;
  if (running) {
    await running.store.stop();
    fs.rmSync(running.dataDir, { recursive: true, force: true });
  }
  scanSuiteLogForSecrets();
}

/**
 * Fails the run when any log line of the whole suite holds a secret a test used: the fixed
 * test secrets and the ones tests registered (emulator tokens, Ashby API keys).
 */
function scanSuiteLogForSecrets(): void {
  const logDir = process.env[SUITE_LOG_DIR_ENV];
  if (!logDir || !fs.existsSync(logDir)) return;
  const secrets = [...Object.entries(TEST_SECRETS).map(([label, value]) => ({ label, value })), ...registeredSecrets(logDir)];
  const findings = findLeakedSecrets(logDir, secrets);
  if (findings.length === 0) {
    fs.rmSync(logDir, { recursive: true, force: true });
    return;
  }
  // The log directory is kept for reading; the message names the secret, never its value.
  const lines = findings.map((f) => `  ${f.label} in ${logDir}/${f.file} line ${f.line}`);
  throw new Error(`secrets found in the suite's log output:\n${lines.join('\n')}`);
}
