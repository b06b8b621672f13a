/**
 * `npm run bench`: runs every benchmark, prints each figure as it comes, and rewrites
 * BENCHMARKS.md. Speed and memory targets are checked here, never by timed assertions in tests.
 */
import path from 'node:path';
import { benchConnector } from './bench/connector.bench';
import { benchDelivery } from './bench/delivery.bench';
import { benchHome } from './bench/home.bench';
import { benchIdle } from './bench/idle.bench';
import { benchMapping } from './bench/mapping.bench';
import { benchProvisioning } from './bench/provisioning.bench';
import { benchFairness, benchTenantProcesses, benchTenants } from './bench/tenants.bench';
import { writeBenchmarksFile, type BenchmarkSection } from './bench/report';

const BENCHMARKS: Record<string, () => Promise<BenchmarkSection>> = {
  connector: () => {
    process.stdout.write('Connector foundation\n');
    return benchConnector();
  },
  mapping: benchMapping,
  delivery: benchDelivery,
  provisioning: benchProvisioning,
  home: benchHome,
  idle: benchIdle,
  tenants: benchTenants,
  'tenant-processes': benchTenantProcesses,
  fairness: benchFairness,
};

/** `npm run bench` runs them all; `npm run bench -- delivery` only the ones named. */
async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(
      `Usage: npm run bench [-- ${Object.keys(BENCHMARKS).join(' | ')} ...]\nReads no connector setting (each benchmark starts its own emulator and store); optional *_BENCH_* variables (e.g. DELIVERY_BENCH_NOTIFICATIONS, MAPPING_BENCH_USERS, TENANTS_BENCH_COUNTS) size the runs.\n`,
    );
    return;
  }
  const named = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = named.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  const sections: BenchmarkSection[] = [];
  for (const [name, run] of Object.entries(BENCHMARKS)) if (named.length === 0 || named.includes(name)) sections.push(await run());
  const file = writeBenchmarksFile(path.resolve(__dirname, '..'), named.length === 0 ? 'npm run bench' : `npm run bench -- ${named.join(' ')}`, sections);
  process.stdout.write(`\nWritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
