/**
 * Tiny concurrency helpers. The corpus can hold tens of thousands of files:
 * starting every `stat`/`readFile` at once would exhaust file descriptors
 * (EMFILE) and memory, while doing them one by one wastes the I/O queue.
 */

/** A function that runs `task` once fewer than N other tasks are running. */
export type Limiter = <R>(task: () => Promise<R>) => Promise<R>;

/**
 * Returns a limiter allowing at most `concurrency` tasks in flight.
 *
 * Only leaf I/O calls should be wrapped: a task that awaits other limited
 * tasks while holding a slot can deadlock once every slot is held that way.
 */
export function createLimiter(concurrency: number): Limiter {
  const max = Math.max(1, Math.floor(concurrency));
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (active >= max) {
      // The finishing task hands its slot straight to us (see `finally`), so
      // `active` is not incremented here.
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      active++;
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/**
 * Maps `items` through `fn` with at most `concurrency` calls in flight.
 * Results are in input order whatever order the calls finish in, which keeps
 * the loader's output deterministic.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  const workers = Math.min(Math.max(1, Math.floor(concurrency)), items.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/** `value` if it is a positive finite number (floored), else `fallback`. */
export function positiveInt(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}
