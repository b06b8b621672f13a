/**
 * Helpers for tests that run real processes: spawn a TypeScript entry with tsx, read its
 * lines, wait for exits, and check whether a pid is still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import readline from 'node:readline';
import { appendSuiteLog } from './suite-log';

export const ROOT = path.resolve(__dirname, '../..');
/**
 * Runs a TypeScript entry in ONE node process (`node --import tsx`), so the pid we signal is
 * the program itself; the tsx CLI would put a wrapper process in between.
 */
export function spawnTs(entry: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = ROOT): ChildProcess {
  // tsx resolved from the project, so `cwd` can be any folder (e.g. one without a .env).
  const tsx = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;
  const child = spawn(process.execPath, ['--import', tsx, path.join(ROOT, entry), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  watchOutput(child);
  return child;
}

const outputs = new WeakMap<ChildProcess, { out: string; err: string }>();

/**
 * Reads a spawned process's output from its first byte: kept for collectOutput and
 * waitForJsonLine (which may be called later, once the output already flows) and appended
 * to the suite's log, which is scanned for secrets at the end of the run.
 */
function watchOutput(child: ChildProcess): void {
  const output = { out: '', err: '' };
  outputs.set(child, output);
  child.stdout?.on('data', (d: Buffer) => {
    output.out += d.toString();
    appendSuiteLog(d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    output.err += d.toString();
    appendSuiteLog(d);
  });
  lineLogOf(child);
}

/** Collects a process's stdout and stderr as text (from its start, for processes from spawnTs). */
export function collectOutput(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  const watched = outputs.get(child);
  if (watched) return { stdout: () => watched.out, stderr: () => watched.err };
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { stdout: () => out, stderr: () => err };
}

interface LineLog {
  lines: string[];
  listeners: Set<() => void>;
  exited: boolean;
  stderr: string[];
}

const lineLogs = new WeakMap<ChildProcess, LineLog>();

/** Every stdout line the child printed so far, read once per child so no waiter misses one. */
function lineLogOf(child: ChildProcess): LineLog {
  let log = lineLogs.get(child);
  if (!log) {
    const created: LineLog = { lines: [], listeners: new Set(), exited: false, stderr: [] };
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      created.lines.push(line);
      created.listeners.forEach((notify) => notify());
    });
    child.stderr?.on('data', (d: Buffer) => created.stderr.push(d.toString()));
    child.once('exit', () => {
      created.exited = true;
      created.listeners.forEach((notify) => notify());
    });
    lineLogs.set(child, created);
    log = created;
  }
  return log;
}

/** Resolves with the first stdout line (printed before or after the call) that parses as JSON and passes `accept`. */
export function waitForJsonLine<T>(child: ChildProcess, accept: (value: T) => boolean = () => true, timeoutMs = 60_000): Promise<T> {
  const log = lineLogOf(child);
  return new Promise((resolve, reject) => {
    let checked = 0;
    const check = () => {
      for (; checked < log.lines.length; checked += 1) {
        try {
          const value = JSON.parse(log.lines[checked]!) as T;
          if (accept(value)) return finish(() => resolve(value));
        } catch {
          // not JSON: skip
        }
      }
      if (log.exited) finish(() => reject(new Error(`process exited first; stderr: ${log.stderr.join('')}`)));
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`no matching line within ${timeoutMs} ms; stderr: ${log.stderr.join('')}`))), timeoutMs);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      log.listeners.delete(check);
      settle();
    };
    log.listeners.add(check);
    check();
  });
}

/** True while the process runs; a zombie (exited, not yet reaped by its new parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) STATE ..."; Z = zombie.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
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
