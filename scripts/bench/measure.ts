/** Small measuring helpers every benchmark shares. */
import os from 'node:os';
import type { Figure } from './report';

export const MB = 2 ** 20;
export const fmt = (n: number) => n.toLocaleString('en-US');
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Web API calls per method as an emulator counted them: answered, and refused with 429. */
export type CallCounts = Record<string, { answered: number; limited: number }>;

/** The calls of `method` between two counts. */
export function diff(after: CallCounts, before: CallCounts, method: string): { answered: number; limited: number } {
  return {
    answered: (after[method]?.answered ?? 0) - (before[method]?.answered ?? 0),
    limited: (after[method]?.limited ?? 0) - (before[method]?.limited ?? 0),
  };
}

/** Samples the resident set size every 100 ms; `stop` returns the highest value seen. */
export function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

/** What the load sampler read: mean and highest 1-minute load average, and a sentence of both. */
export interface LoadReading {
  mean: number;
  max: number;
  text: string;
}

/**
 * The machine's 1-minute load average (as `uptime` shows it) over a run, sampled every 5 s: the
 * store, the emulator and whatever else runs on the machine (other work may share its cores)
 * all count, so a high load says the wall times are pessimistic.
 */
export function sampleLoad(): { stop(): LoadReading; figure(): Figure } {
  const samples: number[] = [os.loadavg()[0]!];
  const timer = setInterval(() => samples.push(os.loadavg()[0]!), 5_000);
  timer.unref();
  const stop = (): LoadReading => {
    clearInterval(timer);
    samples.push(os.loadavg()[0]!);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const max = Math.max(...samples);
    return { mean, max, text: `load (1 min, as \`uptime\` shows it) ${mean.toFixed(2)} on average, ${max.toFixed(2)} at most, on ${os.cpus().length} cores` };
  };
  return {
    stop,
    figure: () => {
      const { mean, max } = stop();
      return {
        name: 'machine load during the benchmark',
        value: `1-minute load average ${mean.toFixed(2)} on average, ${max.toFixed(2)} at most, on ${os.cpus().length} cores`,
        note: 'sampled every 5 s; counts the connector, the store, the emulator and any other work sharing the machine',
      };
    },
  };
}
