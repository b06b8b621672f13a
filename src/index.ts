/**
 * `npm start`: loads settings, starts the connector, and stops it on SIGINT/SIGTERM within
 * 10 seconds. Exit code 1 when settings are invalid or Slack refuses a token.
 *
 * With no Slack setting at all outside production, it runs the local sandbox instead
 * (scripts/sandbox: the Slack and Ashby emulators, demo data and a page in the browser).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startConnector, type Connector } from './app';
import { ConfigError, loadConfig, readEnvFile, sandboxWanted, secretsOf, type Config } from './config';
import { ConnectorError } from './platform/errors';
import { createLogger } from './platform/logger';

const STOP_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  readEnvFile();
  if (sandboxWanted(process.env)) {
    await runSandboxFromSources();
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // No logger yet: the settings that configure it are what is wrong.
      process.stderr.write(`The connector cannot start; fix these settings (in .env or the environment):\n`);
      for (const problem of error.problems) process.stderr.write(`  ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }

  const logging = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const { logger } = logging;
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  let connector: Connector;
  try {
    connector = await startConnector({ config, logging });
  } catch (error) {
    if (error instanceof ConnectorError) {
      logger.fatal({ code: error.code, ...error.context }, error.message);
    } else {
      logger.fatal({ err: error }, 'the connector could not start');
    }
    logger.flush();
    process.exitCode = 1;
    return;
  }

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error(`did not stop within ${STOP_DEADLINE_MS / 1000} s; exiting`);
      logger.flush();
      process.exit(1);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    connector
      .stop()
      .then(() => {
        logger.flush();
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        logger.flush();
        process.exit(1);
      });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/**
 * The sandbox is development tooling: it is run from its TypeScript sources with tsx (a dev
 * dependency), so nothing of it, nor of the emulators, is in the compiled connector.
 */
async function runSandboxFromSources(): Promise<void> {
  let root = __dirname;
  while (!fs.existsSync(path.join(root, 'scripts', 'sandbox', 'main.ts'))) {
    const parent = path.dirname(root);
    if (parent === root) throw new Error('the sandbox sources (scripts/sandbox) are not here: set the Slack settings to run the connector');
    root = parent;
  }
  try {
    // Registered for the whole process (not namespaced), so the sandbox shares the modules already loaded (pino's symbols…).
    (require('tsx/cjs/api') as { register: () => unknown }).register();
  } catch {
    process.stderr.write(
      'No Slack settings are given, and the sandbox needs the dev dependencies (npm install). Set the Slack settings to run the connector.\n',
    );
    process.exit(1);
  }
  const sandbox = require(path.join(root, 'scripts', 'sandbox', 'main.ts')) as { runSandbox(): Promise<void> };
  await sandbox.runSandbox();
}

void main();
