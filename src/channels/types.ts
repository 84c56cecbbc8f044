import type { Engine } from '../engine/types.ts';

/** What a channel can do beyond plain text, so shared code can adapt. */
export interface ChannelCapabilities {
  /** Replies appear as they are generated (edits or SSE). */
  streaming: boolean;
  /** Shows a "typing…" indicator while generating. */
  typing: boolean;
  /** Users give feedback with reactions. */
  reactions: boolean;
  /** Conversations live in threads. */
  threads: boolean;
}

/**
 * A channel adapter carries messages in and replies out, nothing else: it
 * turns platform events into `engine.handle` calls and engine hooks
 * (agent messages, notices, hand-offs) into platform messages.
 */
export interface ChannelAdapter {
  readonly name: string;
  readonly capabilities: ChannelCapabilities;
  /** Connects to the platform and starts answering through `engine`. Rejects with a clear error on bad credentials. */
  start(engine: Engine): Promise<void>;
  /** Disconnects and stops listening to the engine's hooks; replies in flight finish first. */
  stop(): Promise<void>;
}
