/**
 * CPU seconds of other processes, read from /proc (Linux): a process by pid, and every
 * process named `postgres` (the server's backends, which come and go with connections; one
 * that exits between two readings takes its seconds with it). `clientPid` keeps only the
 * backends serving that process's connections (our FerretDB), so other users of a shared
 * server are not counted.
 */
import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

function statOf(pid: number): { comm: string; seconds: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    // Fields after the command: state is field 3, utime 14 and stime 15 (1-based).
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) the process has spent; 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  return statOf(pid)?.seconds ?? 0;
}

/** CPU seconds per live `postgres` backend serving `clientPid`'s TCP connections, by pid. */
export function postgresCpu(clientPid: number): Map<number, number> {
  const ports = localPortsOf(clientPid);
  const byPid = new Map<number, number>();
  const parallel: Array<{ pid: number; seconds: number }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat?.comm !== 'postgres') continue;
    // A backend's title names its client: "postgres: 15/main: user db 127.0.0.1(58800) idle".
    const port = /\((\d+)\)/.exec(readOr(`/proc/${entry}/cmdline`, ''))?.[1];
    if (port !== undefined && ports.has(Number(port))) byPid.set(Number(entry), stat.seconds);
    else parallel.push({ pid: Number(entry), seconds: stat.seconds });
  }
  // Parallel workers of those backends: "postgres: 15/main: parallel worker for PID 123".
  for (const worker of parallel) {
    const leader = /parallel worker for PID (\d+)/.exec(readOr(`/proc/${worker.pid}/cmdline`, ''))?.[1];
    if (leader !== undefined && byPid.has(Number(leader))) byPid.set(worker.pid, worker.seconds);
  }
  return byPid;
}

/** The local TCP ports of a process's sockets (its fds' socket inodes, looked up in /proc/net/tcp{,6}). */
function localPortsOf(pid: number): Set<number> {
  const inodes = new Set<string>();
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      const match = /^socket:\[(\d+)\]$/.exec(readLinkOr(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    }
  } catch {
    return new Set();
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6'])
    for (const line of readOr(table, '').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && inodes.has(fields[9]!)) ports.add(Number.parseInt(fields[1]!.split(':')[1]!, 16));
    }
  return ports;
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function readLinkOr(file: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return '';
  }
}

/** Seconds the postgres processes spent between two readings (new backends count from 0). */
export function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}
