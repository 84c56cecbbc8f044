/**
 * Scheduled retention for `colloquy serve --retention 90d`: at start and then
 * every hour, conversations idle for longer than the age are deleted with all
 * their copies. Runs never overlap; a failed run is logged and retried at the
 * next tick.
 */
import type { Logger } from '../logger.ts';
import type { ConversationStore, DeletionReport } from '../storage/types.ts';
import { describeDeletion } from './operations.ts';

/**
 * Options of `startRetention`.
 *
 * @example
 * const retention = startRetention({ store, maxAgeMs: parseAge('90d'), logger });
 */
export interface RetentionOptions {
  store: ConversationStore;
  /** Conversations last active longer ago than this are deleted. */
  maxAgeMs: number;
  logger: Logger;
  /** Time between runs (default 1 hour). */
  everyMs?: number;
  now?: () => number;
}

export interface RetentionSchedule {
  /** Runs once now (waiting for a run under way), resolving with its report, or undefined when it failed. */
  runNow(): Promise<DeletionReport | undefined>;
  stop(): Promise<void>;
}

export function startRetention({ store, maxAgeMs, logger, everyMs = 3_600_000, now = Date.now }: RetentionOptions): RetentionSchedule {
  let running: Promise<DeletionReport | undefined> = Promise.resolve(undefined);
  const run = (): Promise<DeletionReport | undefined> => {
    running = running.then(async () => {
      try {
        const cutoff = new Date(now() - maxAgeMs);
        const report = await store.deleteOlderThan(cutoff);
        if (report.conversations > 0 || report.tempFiles || report.corruptFiles) logger.info(`retention: ${describeDeletion(report)}`, { cutoff: cutoff.toISOString() });
        return report;
      } catch (err) {
        logger.error('retention run failed; retried at the next run', { error: (err as Error)?.message ?? String(err) });
        return undefined;
      }
    });
    return running;
  };
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  void run();
  return {
    runNow: run,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
