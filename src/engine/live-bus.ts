/**
 * The live events of conversations between instances. One process needs no
 * bus: the engine's router hands every event to the watchers in the process.
 * With several instances, an event raised on one (an agent's message arriving
 * through Slack) must reach a watcher on another (the widget whose events
 * stream that instance holds); the engine publishes each conversation event
 * to the bus and hands what the bus brings from other instances to its own
 * watchers. Channel handlers never get remote events: the instance that
 * raised an event delivers it to its channel once.
 */
import type { ConversationEvent, ConversationListener } from './routing.ts';

export interface LiveBus {
  /** Sends an event raised here to the other instances (never throws; a bus that is down drops it, logged). */
  publish(conversationId: string, event: ConversationEvent): void;
  /** Hears the events other instances raise for one conversation. */
  subscribe(conversationId: string, listener: ConversationListener): () => void;
  close(): Promise<void>;
}
