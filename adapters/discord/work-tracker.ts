/**
 * Keeps the promises of work in flight (replies, hook deliveries) so `stop()`
 * can wait for them. Tracked work must not reject: callers log their errors.
 */
export interface WorkTracker {
  /** Adds `work` until it settles; returns it. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves once nothing is in flight (work added while waiting is awaited too). */
  idle(): Promise<void>;
  readonly size: number;
}

export function createWorkTracker(): WorkTracker {
  const active = new Set<Promise<unknown>>();
  return {
    track(work) {
      active.add(work);
      const done = () => void active.delete(work);
      work.then(done, done);
      return work;
    },
    async idle() {
      while (active.size > 0) await Promise.allSettled([...active]);
    },
    get size() {
      return active.size;
    },
  };
}
