/** The time, injected so jobs and leases can be tested with a clock that jumps. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
