/** A reply as it is produced: iterate for text pieces, await `result` for the whole. */
export type ReplyStream<R> = AsyncIterable<string> & { result: Promise<R> };

/**
 * Runs `produce` at once (so `result` settles even if nobody iterates) and
 * keeps the pieces it emits. Every iteration starts from the first piece and
 * follows along live, so a stream can be read more than once.
 */
export function createReplyStream<R>(produce: (emit: (piece: string) => void) => Promise<R>): ReplyStream<R> {
  const pieces: string[] = [];
  let finished = false;
  let failure: unknown;
  let waiters: Array<() => void> = [];
  const notify = () => {
    const ready = waiters;
    waiters = [];
    for (const wake of ready) wake();
  };
  const result = produce((piece) => {
    if (!piece) return;
    pieces.push(piece);
    notify();
  });
  const settle = (err?: unknown) => {
    failure = err;
    finished = true;
    notify();
  };
  result.then(() => settle(), settle);
  result.catch(() => {}); // the error is delivered to whoever iterates or awaits
  return {
    result,
    async *[Symbol.asyncIterator]() {
      for (let next = 0; ; ) {
        if (next < pieces.length) {
          yield pieces[next++];
          continue;
        }
        if (finished) {
          if (failure) throw failure;
          return;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}
