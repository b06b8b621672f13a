/** The network delay between the app and Slack that the emulator adds to every message. */
import { z } from 'zod';

export interface NetworkLatency {
  eachWayMs: number;
  jitterMs?: number;
}

export const LatencySchema = z.object({ eachWayMs: z.number().nonnegative().max(10_000), jitterMs: z.number().nonnegative().max(10_000).optional() });

/** One way's delay drawn from a latency setting. */
export function oneWay(latency: NetworkLatency | undefined): () => number {
  if (!latency) return () => 0;
  const { eachWayMs, jitterMs = 0 } = LatencySchema.parse(latency);
  return () => eachWayMs + Math.random() * jitterMs;
}
