/**
 * The embedded store: FerretDB 1.24 (a MongoDB-wire server) compiled from
 * `scripts/embedded-store/` with the machine's Go, cached, and run as a child process.
 *
 * The binary lives in `.cache/embedded-store/<hash>/`, where the hash covers the Go sources,
 * so changing `go.mod` or `main.go` rebuilds it and nothing else does. The child gets a pipe
 * as its stdin and exits when the pipe closes, so it never outlives the connector, not even
 * after a SIGKILL of the parent.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { EmbeddedStoreError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { projectRoot } from '../platform/project-root';

const SOURCE_FILES = ['go.mod', 'go.sum', 'main.go', 'path_indexes.go'];
const BUILD_LOCK_STALE_MS = 15 * 60_000;
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export interface EmbeddedStorePaths {
  sourceDir: string;
  binary: string;
}

/** Where the sources are and where their binary is (or will be) cached. */
export function embeddedStorePaths(root: string = projectRoot()): EmbeddedStorePaths {
  const sourceDir = path.join(root, 'scripts', 'embedded-store');
  const hash = createHash('sha256');
  for (const file of SOURCE_FILES) hash.update(fs.readFileSync(path.join(sourceDir, file)));
  const binary = path.join(root, '.cache', 'embedded-store', hash.digest('hex').slice(0, 16), 'embedded-store');
  return { sourceDir, binary };
}

/** The `go` command to use, or undefined when Go is not installed. */
export function findGo(): string | undefined {
  for (const candidate of ['go', '/usr/local/go/bin/go']) {
    const probe = spawnSync(candidate, ['version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

/**
 * Returns the path of the store binary, building it first if it is not cached yet.
 * Several processes may call this at once (jest workers, npm install): one builds, the
 * others wait for its result.
 */
export async function ensureEmbeddedStoreBinary(
  logger: Logger,
  paths = embeddedStorePaths(),
  findGoCommand: () => string | undefined = findGo,
): Promise<string> {
  if (fs.existsSync(paths.binary)) return paths.binary;
  const go = findGoCommand();
  if (!go) {
    throw new EmbeddedStoreError(
      'go_missing',
      'The embedded store needs Go to be built, and Go was not found. Either set MONGODB_URI to your own MongoDB (6+, Atlas or FerretDB 1.24+), or install Go 1.24+ (https://go.dev/dl/) and start again.',
    );
  }
  const lockDir = `${path.dirname(paths.binary)}.lock`;
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  while (!tryLock(lockDir)) {
    logger.info({ lockDir }, 'another process is building the embedded store; waiting for it');
    // Re-checked on every poll: a builder that was killed (Ctrl-C during npm install) leaves
    // its lock behind, and tryLock takes it over once its pid is gone or it went stale.
    await waitFor(() => fs.existsSync(paths.binary) || !fs.existsSync(lockDir) || isLockAbandoned(lockDir), 2_000);
    if (fs.existsSync(paths.binary)) return paths.binary;
  }
  // Touched while building, so a slow first build is never mistaken for an abandoned one.
  const heartbeat = setInterval(() => touch(lockDir), 30_000);
  try {
    if (!fs.existsSync(paths.binary)) await buildBinary(go, paths, logger);
    return paths.binary;
  } finally {
    clearInterval(heartbeat);
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Takes the build lock (a directory holding the builder's pid), or takes over an abandoned one. */
function tryLock(lockDir: string): boolean {
  try {
    fs.mkdirSync(lockDir);
    fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (isLockAbandoned(lockDir)) fs.rmSync(lockDir, { recursive: true, force: true });
    return false;
  }
}

/** True when the lock's builder process is gone, or the lock was not touched for a long time. */
function isLockAbandoned(lockDir: string): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    if (Number.isInteger(pid) && pid > 0 && !processExists(pid)) return true;
    return Date.now() - fs.statSync(lockDir).mtimeMs > BUILD_LOCK_STALE_MS;
  } catch {
    // No pid file yet (just created) or the lock vanished: not abandoned.
    return false;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function touch(dir: string): void {
  const now = new Date();
  fs.utimesSync(dir, now, now);
}

async function waitFor(done: () => boolean, intervalMs: number): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, intervalMs));
}

async function buildBinary(go: string, paths: EmbeddedStorePaths, logger: Logger): Promise<void> {
  const version = spawnSync(go, ['version'], { encoding: 'utf8' }).stdout.trim();
  logger.info(
    { go: version, binary: paths.binary },
    'building the embedded store (FerretDB 1.24) with Go; the first build downloads modules and takes 1-3 minutes',
  );
  const started = Date.now();
  const tmp = `${paths.binary}.tmp-${process.pid}`;
  fs.mkdirSync(path.dirname(paths.binary), { recursive: true });
  const child = spawn(go, ['build', '-trimpath', '-v', '-o', tmp, '.'], {
    cwd: paths.sourceDir,
    env: { ...process.env, GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const tail: string[] = [];
  let downloaded = 0;
  let compiled = 0;
  const lines = readline.createInterface({ input: child.stderr! });
  lines.on('line', (line) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    if (line.startsWith('go: downloading')) {
      downloaded += 1;
      if (downloaded % 10 === 1) logger.info({ modules: downloaded }, `embedded store build: ${line}`);
    } else if (!line.startsWith('#')) {
      compiled += 1;
      if (compiled % 50 === 0) logger.info({ packages: compiled }, 'embedded store build: compiling');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new EmbeddedStoreError(
      'build_failed',
      `Building the embedded store with ${version} failed (exit ${code}). Last lines:\n${tail.join('\n')}\n` +
        'Set MONGODB_URI to use your own MongoDB instead, or see README "Troubleshooting".',
    );
  }
  fs.renameSync(tmp, paths.binary); // atomic: other processes never see half a binary
  logger.info({ seconds: Math.round((Date.now() - started) / 1000), packages: compiled }, 'embedded store built');
}

export interface EmbeddedStoreOptions {
  dataDir: string;
  logger: Logger;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  handler?: 'sqlite' | 'postgresql';
  postgresqlUrl?: string;
  /** When false the store keeps running if this process dies (true by default, also for `npm run store`). */
  tiedToParent?: boolean;
}

export interface RunningEmbeddedStore {
  uri: string;
  pid: number;
  /** Resolves when the process has exited (on its own or after stop()). */
  exited: Promise<number | null>;
  /** Stops the store: SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/** Builds the binary if needed, starts the store and resolves once it listens. */
export async function startEmbeddedStore(options: EmbeddedStoreOptions): Promise<RunningEmbeddedStore> {
  const binary = await ensureEmbeddedStoreBinary(options.logger);
  const handler = options.handler ?? 'sqlite';
  const args = [
    '--host',
    options.host ?? '127.0.0.1',
    '--port',
    String(options.port ?? 0),
    '--handler',
    handler,
    '--data-dir',
    path.join(options.dataDir, 'store'),
  ];
  if (options.postgresqlUrl) args.push('--postgresql-url', options.postgresqlUrl);
  const tied = options.tiedToParent ?? true;
  if (tied) args.push('--exit-on-stdin-close');

  const child = spawn(binary, args, { stdio: [tied ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stderrTail: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    options.logger.warn({ component: 'embedded-store' }, line);
  });

  const uri = await readReadyLine(child, exited, stderrTail);
  options.logger.info({ uri, handler, storePid: child.pid }, 'embedded store listening');
  return {
    uri,
    pid: child.pid!,
    exited,
    stop: () => stopChild(child, exited),
  };
}

async function readReadyLine(child: ChildProcess, exited: Promise<number | null>, stderrTail: string[]): Promise<string> {
  const lines = readline.createInterface({ input: child.stdout! });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      new Promise<string>((resolve, reject) => {
        lines.once('line', (line) => {
          try {
            const ready = JSON.parse(line) as { uri?: unknown };
            if (typeof ready.uri !== 'string') throw new Error('no uri');
            resolve(ready.uri);
          } catch {
            reject(new EmbeddedStoreError('start_failed', `The embedded store printed an unexpected line: ${line}`));
          }
        });
      }),
      exited.then((code) => {
        throw new EmbeddedStoreError('start_failed', `The embedded store exited with code ${code} before listening:\n${stderrTail.join('\n')}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new EmbeddedStoreError('start_timeout', `The embedded store did not listen within ${START_TIMEOUT_MS / 1000} s`));
        }, START_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    lines.close();
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
