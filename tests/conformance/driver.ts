/**
 * The contract between the adapter conformance kit and one channel. A driver
 * plays the people on the platform: it starts the real adapter (and, for Slack
 * and Discord, the platform's stand-in on 127.0.0.1), sends messages as users,
 * and reads what those users get back — through the platform, never by
 * peeking into the engine.
 */
import type { Engine } from '../../src/engine/types.ts';

export interface ConformanceDriver {
  readonly name: string;
  /** Starts the adapter over `engine`. */
  start(engine: Engine): Promise<void>;
  /** Stops the adapter and any stand-in it started. */
  stop(): Promise<void>;
  /** The engine conversation id the adapter uses for `user`'s conversation (to read the log). */
  conversationId(user: string): string;
  /**
   * `user` sends `text` in their conversation. Resolves with the final text the
   * user sees as the answer (after streaming edits settle), or '' when the bot
   * stays silent (a human holds the conversation) — wait up to `silenceMs`
   * (default 300) before deciding it is silent.
   */
  say(user: string, text: string, opts?: { silenceMs?: number }): Promise<string>;
  /** `user` gives feedback on the last bot reply they saw (👍/👎 reaction, Yes/No button…). */
  feedback(user: string, value: 'up' | 'down'): Promise<void>;
  /**
   * The agents' side of a hand-off through the channel (Slack/Discord: a reply
   * in the announcement's thread in the agents channel). Drivers of channels
   * without an agents' side leave it out and the kit uses `engine.agent`.
   */
  agentSays?(user: string, text: string): Promise<void>;
  /** The agent gives the conversation back to the bot through the channel (button or `/bot`). Optional like `agentSays`. */
  handBack?(user: string): Promise<void>;
  /** Waits (up to `timeoutMs`, default 5,000) for the next message pushed to `user` outside an answer: agent messages, notices. */
  nextPushed(user: string, timeoutMs?: number): Promise<string>;
}
