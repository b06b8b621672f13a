/** Small measuring helpers every benchmark shares. */

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
