/**
 * Iterates an async source up to `depth` items ahead of its consumer, starting at once. A
 * mapping full pass reads Slack's user pages this way: the pages (and the rate-limit budget
 * they spend) are requested while the store's members and mappings are still being read, and
 * while each page is processed, instead of after. At most `depth` items wait in memory.
 *
 * `close()` stops reading and ends the source (`return()`); call it when the consumer is done
 * or gave up, so no further item is requested. An error of the source reaches the consumer
 * after the items read before it.
 */
export interface ReadAhead<T> extends AsyncIterable<T> {
  close(): Promise<void>;
}

export function readAhead<T>(source: AsyncIterator<T>, depth: number): ReadAhead<T> {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`readAhead depth must be a positive integer, got ${depth}`);
  const buffered: T[] = [];
  let failure: { error: unknown } | undefined;
  let done = false;
  let closed = false;
  /** Wakes whoever waits for the other side: the pump for room, the consumer for an item. */
  let wakeConsumer: (() => void) | undefined;
  let wakePump: (() => void) | undefined;

  const pump = (async () => {
    try {
      while (!closed) {
        if (buffered.length >= depth) {
          await new Promise<void>((resolve) => (wakePump = resolve));
          continue;
        }
        const result = await source.next();
        if (result.done) break;
        buffered.push(result.value);
        wakeConsumer?.();
      }
    } catch (error) {
      failure = { error };
    } finally {
      done = true;
      wakeConsumer?.();
    }
  })();

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    wakePump?.();
    await pump;
    await source.return?.(undefined);
  }

  return {
    close,
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          if (buffered.length > 0) {
            const item = buffered.shift() as T;
            wakePump?.();
            yield item;
            continue;
          }
          if (done) {
            if (failure) throw failure.error;
            return;
          }
          await new Promise<void>((resolve) => (wakeConsumer = resolve));
        }
      } finally {
        await close();
      }
    },
  };
}
