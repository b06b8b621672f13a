/**
 * Helpers for tests that run real processes: spawn a TypeScript entry with tsx, read its
 * lines, wait for exits, and check whether a pid is still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import readline from 'node:readline';

export const ROOT = path.resolve(__dirname, '../..');
/**
 * Runs a TypeScript entry in ONE node process (`node --import tsx`), so the pid we signal is
 * the program itself; the tsx CLI would put a wrapper process in between.
 */
export function spawnTs(entry: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = ROOT): ChildProcess {
  // tsx resolved from the project, so `cwd` can be any folder (e.g. one without a .env).
  const tsx = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;
  return spawn(process.execPath, ['--import', tsx, path.join(ROOT, entry), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Collects a process's stdout and stderr as text. */
export function collectOutput(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { stdout: () => out, stderr: () => err };
}

/** Resolves with the first stdout line that parses as JSON and passes `accept`. */
export function waitForJsonLine<T>(child: ChildProcess, accept: (value: T) => boolean = () => true, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    const stderr: string[] = [];
    child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
    const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; stderr: ${stderr.join('')}`)), timeoutMs);
    rl.on('line', (line) => {
      try {
        const value = JSON.parse(line) as T;
        if (accept(value)) {
          clearTimeout(timer);
          resolve(value);
        }
      } catch {
        // not JSON: ignore
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code}) first; stderr: ${stderr.join('')}`));
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until the pid is gone; resolves false if it is still alive after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
