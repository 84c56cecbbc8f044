/**
 * Store and generator failures: the user gets a polite notice (the callers do that); the
 * operator gets a log line and the engine's `error` hook with a coded error and the conversation.
 */
import { ColloquyError, isColloquyError } from '../errors.ts';
import type { EngineContext } from './context.ts';
import type { EngineErrorEvent } from './types.ts';

/** Logs the failure and emits `error`; the error keeps its own code, or is wrapped with the original as `cause`. */
export function reportFailure(ctx: EngineContext, source: EngineErrorEvent['source'], err: unknown, ref: { conversationId?: string; channel?: string } = {}): void {
  const error = isColloquyError(err)
    ? err
    : new ColloquyError(
        source === 'store' ? 'engine_store_failed' : 'engine_generator_failed',
        `The ${source === 'store' ? 'conversation log' : 'reply generator'} failed: ${(err as Error)?.message ?? String(err)}`,
        undefined,
        { cause: err },
      );
  ctx.logger.error(`${source} failed`, { ...ref, code: error.code, error: error.message });
  ctx.hooks.emit('error', { source, error, ...ref });
}
