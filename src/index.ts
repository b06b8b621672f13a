/**
 * `npm start`: loads settings, starts the connector, and stops it on SIGINT/SIGTERM within
 * 10 seconds. Exit code 1 when settings are invalid or Slack refuses a token.
 */
import { startConnector, type Connector } from './app';
import { ConfigError, loadConfig, secretsOf, type Config } from './config';
import { ConnectorError } from './platform/errors';
import { createLogger } from './platform/logger';

const STOP_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
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

void main();
