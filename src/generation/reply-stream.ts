/** A reply as it is produced: iterate for text pieces, await `result` for the whole. */
export type ReplyStream<R> = AsyncIterable<string> & { result: Promise<R> };

/**
 * Runs `produce` at once (so `result` settles even if nobody iterates) and
 * buffers the pieces it emits until the consumer reads them.
 */
export function createReplyStream<R>(produce: (emit: (piece: string) => void) => Promise<R>): ReplyStream<R> {
  const pieces: string[] = [];
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const result = produce((piece) => {
    if (piece) pieces.push(piece);
    notify();
  });
  result.then(
    () => {
      finished = true;
      notify();
    },
    (err) => {
      failure = err;
      finished = true;
      notify();
    },
  );
  async function* iterate(): AsyncGenerator<string> {
    for (;;) {
      if (pieces.length) {
        yield pieces.shift()!;
        continue;
      }
      if (finished) {
        if (failure) throw failure;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  result.catch(() => {}); // the error is delivered to whoever iterates or awaits
  return Object.assign(iterate(), { result }) as ReplyStream<R>;
}
