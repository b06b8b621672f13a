/**
 * Builds (or finds in the cache) the embedded store binary, printing progress.
 * Run by `npm install` (postinstall) and by the test suite's global setup.
 */
import { ensureEmbeddedStoreBinary, findGo } from '../src/db/embedded-store';
import { createLogger } from '../src/platform/logger';

async function main(): Promise<void> {
  const { logger } = createLogger({ level: 'info', pretty: true });
  if (!findGo()) {
    logger.warn('Go not found: the embedded store is not built. Set MONGODB_URI to your own MongoDB, or install Go 1.24+.');
    process.exitCode = 1;
    return;
  }
  const binary = await ensureEmbeddedStoreBinary(logger);
  logger.info({ binary }, 'embedded store ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
});
