/**
 * Waits for `promise` at most `ms`: its value if it settles in time, undefined otherwise (the
 * work goes on; the caller decides what to show meanwhile). A rejection in time is thrown.
 * Used where a Slack answer must not wait for slow work (App Home counts).
 */
export async function withinBudget<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
