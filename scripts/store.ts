/**
 * `npm run store -- [--data-dir DIR] [--port N] [--handler sqlite|postgresql] [--postgresql-url URL]`
 *
 * Runs the embedded store alone and prints the MONGODB_URI to give several connector
 * processes, so they share one database. Stops on Ctrl-C or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startEmbeddedStore } from '../src/db/embedded-store';
import { createLogger } from '../src/platform/logger';
import { READS_NO_SETTINGS } from './cli-config';

const USAGE = `Usage: npm run store -- [--data-dir DIR] [--port N] [--host H] [--handler sqlite|postgresql] [--postgresql-url URL]
${READS_NO_SETTINGS}
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: './data' },
      port: { type: 'string', default: '27017' },
      host: { type: 'string', default: '127.0.0.1' },
      handler: { type: 'string', default: 'sqlite' },
      'postgresql-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number (0-65535)');
  if (values.handler !== 'sqlite' && values.handler !== 'postgresql') throw new Error('--handler must be sqlite or postgresql');

  const { logger } = createLogger({ level: 'info', pretty: process.stdout.isTTY === true });
  const store = await startEmbeddedStore({
    dataDir: values['data-dir'],
    host: values.host,
    port,
    handler: values.handler,
    postgresqlUrl: values['postgresql-url'],
    logger,
  });
  process.stdout.write(`\nMONGODB_URI=${store.uri}\n\nGive this to each connector process (in .env or the environment). Ctrl-C stops the store.\n`);
  const stop = () => void store.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await store.exited;
  process.exitCode = code === 0 || code === null ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run store: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
