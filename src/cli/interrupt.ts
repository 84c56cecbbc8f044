import type { Logger } from '../logger.ts';

/** A long command's stop signal: Ctrl-C (or SIGTERM) asks it to stop cleanly; a second one quits at once. */
export interface Interrupt {
  signal: AbortSignal;
  /** Stops listening to the signals (call when the work ends). */
  release(): void;
}

/**
 * Listens for SIGINT/SIGTERM while a long command runs: the first aborts
 * `signal` and logs `message` (what the command does on the way out), the
 * second exits with 130.
 */
export function onInterrupt(logger: Logger, message: string): Interrupt {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    logger.warn(`${message} (Ctrl-C again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    release() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
