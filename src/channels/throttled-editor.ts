/**
 * Shows a streamed reply on a platform that can only edit messages (Slack's
 * `chat.update`, Discord's message edit) without breaking its rate limits:
 * `update(text)` may be called for every token; at most one edit runs at a
 * time, edits are at least `intervalMs` apart, intermediate texts are skipped,
 * and `finish(text)` always lands last. The first write waits one interval
 * after the first update, so a reply finished by then is written once, whole:
 * one message, no partial text, no edits.
 */
export interface ThrottledEditor {
  /** The latest text so far; shown at the next allowed moment. */
  update(text: string): void;
  /** Shows the final text (after any edit in flight) and resolves when it is shown. */
  finish(text: string): Promise<void>;
}

export interface ThrottledEditorOptions {
  /** Writes `text` to the platform (the first call may create the message). */
  edit(text: string): Promise<void>;
  /** Minimum time between two edits. */
  intervalMs: number;
  /** Called when an intermediate edit fails (the final one rejects `finish`). */
  onError?(err: unknown): void;
  now?(): number;
}

export function createThrottledEditor({ edit, intervalMs, onError, now = Date.now }: ThrottledEditorOptions): ThrottledEditor {
  let shown: string | undefined;
  let pending: string | undefined;
  let lastEditAt = -Infinity;
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let finished = false;

  const write = (text: string): Promise<void> => {
    lastEditAt = now();
    shown = text;
    return edit(text);
  };

  const flush = () => {
    timer = undefined;
    if (finished || pending === undefined || pending === shown) return;
    const text = pending;
    pending = undefined;
    inFlight = inFlight.then(() => (finished ? undefined : write(text))).catch((err) => onError?.(err));
  };

  const schedule = () => {
    if (timer || finished) return;
    const wait = Math.max(0, lastEditAt + intervalMs - now());
    timer = setTimeout(() => void inFlight.then(flush), wait);
  };

  return {
    update(text) {
      if (finished) return;
      if (lastEditAt === -Infinity) lastEditAt = now(); // the first write is due one interval from now
      pending = text;
      schedule();
    },
    async finish(text) {
      finished = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
      if (text === shown) return;
      // nothing written yet: the final text is the first write, at once
      const wait = shown === undefined ? 0 : lastEditAt + intervalMs - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await write(text);
    },
  };
}
