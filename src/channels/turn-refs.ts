/**
 * Which platform message shows which logged turn, kept in the conversation
 * store (engine.channelState): a 👍 on a reply posted before a restart, or
 * handled by another instance, still finds its turn.
 */
import type { Engine } from '../engine/types.ts';

/** A logged turn, as feedback names it. */
export interface TurnRef {
  conversationId: string;
  turnId: string;
}

export interface TurnRefs {
  /** Notes that the platform message `messageKey` (e.g. `C1:1700000000.0001`) shows `ref`. */
  remember(messageKey: string, ref: TurnRef): Promise<void>;
  /** The turn a platform message shows, if it is one of the bot's (and younger than `ttlMs`). */
  find(messageKey: string): Promise<TurnRef | undefined>;
}

/** How long a message keeps its turn: feedback on older replies is ignored. */
export const TURN_REF_TTL_MS = 30 * 24 * 3_600_000;

/**
 * The message → turn map of one channel.
 *
 * @example
 * const refs = createTurnRefs(engine, 'slack');
 * await refs.remember(`${channel}:${ts}`, { conversationId, turnId });
 * const ref = await refs.find(`${item.channel}:${item.ts}`); // in reaction_added
 */
export function createTurnRefs(engine: Engine, channel: string, ttlMs = TURN_REF_TTL_MS): TurnRefs {
  const key = (messageKey: string) => `${channel}:turn:${messageKey}`;
  return {
    remember: (messageKey, ref) => engine.channelState.set(key(messageKey), ref, { ttlMs }),
    find: async (messageKey) => {
      const v = (await engine.channelState.get(key(messageKey))) as Partial<TurnRef> | undefined;
      return typeof v?.conversationId === 'string' && typeof v.turnId === 'string' ? { conversationId: v.conversationId, turnId: v.turnId } : undefined;
    },
  };
}
