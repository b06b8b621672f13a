/**
 * CPU seconds of other processes, read from /proc (Linux): a process by pid, and every
 * process named `postgres` (the server's backends, which come and go with connections; one
 * that exits between two readings takes its seconds with it). On a shared machine the
 * postgres figure includes other users of the same server.
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

/** CPU seconds per live `postgres` process, by pid. */
export function postgresCpu(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat?.comm === 'postgres') byPid.set(Number(entry), stat.seconds);
  }
  return byPid;
}

/** Seconds the postgres processes spent between two readings (new backends count from 0). */
export function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}
