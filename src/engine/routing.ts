/**
 * Per-channel and per-conversation delivery of the engine's events. A channel
 * `connect`s under its name and hears only the events of conversations it
 * owns; a view of one conversation (the web widget's live stream) `watch`es
 * that conversation's id. Nothing is fanned out globally to be filtered.
 * Payloads are the `EngineEvents` shapes, plain JSON-able objects, so a bus
 * between processes can carry them unchanged.
 */
import type { Logger } from '../logger.ts';
import type { ChannelEventName, ChannelHandlers, ConversationEvent, ConversationListener, EngineEventName, EngineEvents } from './types.ts';

export type { ChannelEventName, ChannelHandlers, ConversationEvent, ConversationEventName, ConversationListener } from './types.ts';

export interface Router {
  connect(channel: string, handlers: ChannelHandlers): () => void;
  watch(conversationId: string, listener: ConversationListener): () => void;
  /** Hands `payload` to its channel's handlers and its conversation's watchers. */
  dispatch<E extends EngineEventName>(event: E, payload: EngineEvents[E]): void;
}

/** A keyed set of subscribers whose keys disappear with their last subscriber. */
function createRegistry<T>() {
  const byKey = new Map<string, Set<T>>();
  return {
    add(key: string, item: T): () => void {
      const set = byKey.get(key) ?? new Set<T>();
      byKey.set(key, set);
      set.add(item);
      return () => {
        set.delete(item);
        if (!set.size && byKey.get(key) === set) byKey.delete(key);
      };
    },
    get: (key: string): T[] => [...(byKey.get(key) ?? [])],
  };
}

/** Handlers run synchronously in subscription order; one that throws or rejects is logged and the others still run. */
export function createRouter(logger: Logger): Router {
  const channels = createRegistry<ChannelHandlers>();
  const watchers = createRegistry<ConversationListener>();
  const run = (what: string, call: () => void | Promise<void>) => {
    const failed = (err: unknown) => logger.error(`${what} failed`, { error: err instanceof Error ? err.message : String(err) });
    try {
      const r = call();
      if (r && typeof r.then === 'function') r.then(undefined, failed);
    } catch (err) {
      failed(err);
    }
  };
  return {
    connect: (channel, handlers) => channels.add(channel, handlers),
    watch: (conversationId, listener) => watchers.add(conversationId, listener),
    dispatch(event, payload) {
      if (event === 'error') return;
      const channel = event === 'feedback' ? undefined : (payload as { channel: string }).channel;
      if (channel !== undefined) {
        for (const handlers of channels.get(channel)) {
          const handler = handlers[event as ChannelEventName] as ((p: EngineEvents[typeof event]) => void | Promise<void>) | undefined;
          if (handler) run(`${channel} channel's "${event}" handler`, () => handler(payload));
        }
      }
      const message = { event, payload } as ConversationEvent;
      for (const listener of watchers.get((payload as { conversationId: string }).conversationId)) run(`"${event}" watcher`, () => listener(message));
    },
  };
}
