import type { Logger } from '../logger.ts';
import type { EngineEventHandler, EngineEventName, EngineEvents } from './types.ts';

/** The engine's hooks: named events with typed payloads. Handlers observe; they cannot stop or change the engine. */
export interface Hooks {
  on<E extends EngineEventName>(event: E, handler: EngineEventHandler<E>): () => void;
  emit<E extends EngineEventName>(event: E, payload: EngineEvents[E]): void;
}

/**
 * Handlers run in subscription order, synchronously; one that throws (or
 * whose promise rejects) is logged with the event's name and the others still run.
 */
export function createHooks(logger: Logger): Hooks {
  const handlers = new Map<EngineEventName, Set<EngineEventHandler<never>>>();
  const failed = (event: string) => (err: unknown) =>
    logger.error(`hook "${event}" failed`, { error: err instanceof Error ? err.message : String(err) });
  return {
    on(event, handler) {
      const set = handlers.get(event) ?? new Set();
      handlers.set(event, set);
      set.add(handler as EngineEventHandler<never>);
      return () => void set.delete(handler as EngineEventHandler<never>);
    },
    emit(event, payload) {
      for (const handler of [...(handlers.get(event) ?? [])]) {
        try {
          const r = (handler as EngineEventHandler<typeof event>)(payload);
          if (r && typeof r.then === 'function') r.then(undefined, failed(event));
        } catch (err) {
          failed(event)(err);
        }
      }
    },
  };
}
