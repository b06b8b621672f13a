/**
 * The store settings every store-backed benchmark reads the same way: `<PREFIX>_BENCH_STORE`
 * (FerretDB's `postgresql` backend, the default, or `sqlite`) and
 * `<PREFIX>_BENCH_POSTGRESQL_URL` (a PostgreSQL of one's own; the local one otherwise).
 */
export interface BenchStoreSetting {
  store: 'postgresql' | 'sqlite';
  postgresqlUrl: string | undefined;
}

export function benchStoreSetting(prefix: string): BenchStoreSetting {
  const store = process.env[`${prefix}_BENCH_STORE`] ?? 'postgresql';
  if (store !== 'postgresql' && store !== 'sqlite') throw new Error(`${prefix}_BENCH_STORE must be postgresql or sqlite`);
  return { store, postgresqlUrl: process.env[`${prefix}_BENCH_POSTGRESQL_URL`] || undefined };
}

/** How a section of BENCHMARKS.md names the store it measured on. */
export function benchStoreName(store: BenchStoreSetting['store']): string {
  return store === 'postgresql' ? 'embedded FerretDB 1.24.2, PostgreSQL backend (local PostgreSQL 15)' : 'embedded FerretDB 1.24.2, SQLite backend';
}
