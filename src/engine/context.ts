import { ColloquyError } from '../errors.ts';
import type { Generator } from '../generation/generator.ts';
import type { Logger } from '../logger.ts';
import type { ConversationRecord, ConversationStore } from '../storage/types.ts';
import { Draft, newRecord } from './draft.ts';
import type { Grounding } from './grounding.ts';
import type { Hooks } from './hooks.ts';
import type { EngineOptions } from './options.ts';
import type { KeyedQueue } from './queue.ts';
import type { Clock } from './types.ts';

/** What the engine's parts share. */
export interface EngineContext {
  generator: Generator;
  store: ConversationStore;
  options: EngineOptions;
  logger: Logger;
  clock: Clock;
  hooks: Hooks;
  queue: KeyedQueue;
  /** Hand-off requests waiting for an agent: conversation id → requested-at (ms). */
  pending: Map<string, number>;
  /** Actions, the fact check and the intent predictor. */
  grounding: Grounding;
  /** True when people answer hand-offs for conversations of `channel` (see `engine.agent.join`). */
  agentsFor(channel: string): boolean;
}

/** Opens a draft on a stored conversation, or fails naming it. */
export async function draftFor(ctx: EngineContext, conversationId: string, at: string): Promise<Draft> {
  const record = await ctx.store.get(conversationId);
  if (!record) throw new ColloquyError('conversation_not_found', `No conversation "${conversationId}"`);
  return new Draft(record, at);
}

/** Opens a draft on a conversation, starting a new record when there is none. */
export async function draftOrNew(ctx: EngineContext, ref: { id: string; channel: string; userId: string }, at: string): Promise<{ draft: Draft; isNew: boolean }> {
  const record = await ctx.store.get(ref.id);
  return { draft: new Draft(record ?? newRecord(ref, at), at, record !== undefined), isNew: !record };
}

/** Writes a draft, then notes an open hand-off request for the timeout sweep and fires the hook events the draft collected. */
export async function commit(ctx: EngineContext, draft: Draft): Promise<void> {
  const saved = await draft.commit(ctx.store);
  if (saved.handoff.state === 'requested' && saved.handoff.requestedAt) ctx.pending.set(saved.id, Date.parse(saved.handoff.requestedAt));
  else ctx.pending.delete(saved.id);
  for (const [event, payload] of draft.pendingEvents) ctx.hooks.emit(event, payload as never);
}

/** Who a record's messages go to (for event payloads). */
export function refOf(record: ConversationRecord): { conversationId: string; channel: string; userId: string } {
  return { conversationId: record.id, channel: record.channel, userId: record.userId };
}

/**
 * Runs `task` holding conversation `id` across every instance sharing the
 * store (its `exclusive`); with a single-process store, the engine's own
 * queue already serializes it and `task` just runs.
 */
export function holdingConversation<T>(ctx: EngineContext, id: string, task: () => Promise<T>): Promise<T> {
  return ctx.store.exclusive ? ctx.store.exclusive(id, task) : task();
}
