/**
 * Serializes work per key: tasks with the same key run one after another in
 * call order; tasks with different keys run concurrently.
 */
export interface KeyedQueue {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Resolves when every task queued so far has settled. */
  idle(): Promise<void>;
}

export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run(key, task) {
      const previous = tails.get(key) ?? Promise.resolve();
      const next = previous.then(() => task()); // tails never reject: a failed task does not block the ones behind it
      const tail = next.catch(() => {});
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key); // keep the map to conversations with work in flight
      });
      return next;
    },
    async idle() {
      while (tails.size) await Promise.all(tails.values());
    },
  };
}
