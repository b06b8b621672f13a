/**
 * `npm run bench`: runs every benchmark, prints each figure as it comes, and rewrites
 * BENCHMARKS.md. Speed and memory targets are checked here, never by timed assertions in tests.
 */
import path from 'node:path';
import { benchConnector } from './bench/connector.bench';
import { benchMapping } from './bench/mapping.bench';
import { writeBenchmarksFile, type BenchmarkSection } from './bench/report';

async function main(): Promise<void> {
  const sections: BenchmarkSection[] = [];
  process.stdout.write('Connector foundation\n');
  sections.push(await benchConnector());
  sections.push(await benchMapping());
  const file = writeBenchmarksFile(path.resolve(__dirname, '..'), 'npm run bench', sections);
  process.stdout.write(`\nWritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
