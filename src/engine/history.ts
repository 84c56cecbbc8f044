import { ColloquyError } from '../errors.ts';
import type { ConversationStore, LoggedTurn } from '../storage/types.ts';

/** Which page of a conversation's turns `engine.history` returns. */
export interface HistoryQuery {
  /** The turns just before this turn id (older pages), newest last. */
  before?: string;
  /** The turns just after this turn id (a reconnecting view catching up), oldest first. */
  after?: string;
  /** At most this many turns (default 50, 1 to 1,000). */
  limit?: number;
}

/** A page of turns, oldest first; `hasMore`: there are more in the direction asked. */
export interface HistoryPage {
  turns: LoggedTurn[];
  hasMore: boolean;
}

export const DEFAULT_HISTORY_LIMIT = 50;
const MAX_HISTORY_LIMIT = 1000;

/**
 * One page of a conversation's logged turns, action turns left out (copies: changing them changes
 * nothing stored). An unknown conversation has no turns; an unknown `before`
 * or `after` turn id is an error naming it.
 */
export async function readHistory(store: ConversationStore, conversationId: string, { before, after, limit = DEFAULT_HISTORY_LIMIT }: HistoryQuery = {}): Promise<HistoryPage> {
  if (before !== undefined && after !== undefined) throw new ColloquyError('history_query_invalid', 'history() takes "before" or "after", not both');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) throw new ColloquyError('history_query_invalid', `history() limit must be an integer from 1 to ${MAX_HISTORY_LIMIT}, got ${limit}`);
  // action turns are the backend's data the model read, not messages anybody in the conversation saw
  const turns = ((await store.get(conversationId))?.turns ?? []).filter((t) => t.speaker !== 'action');
  const indexOf = (id: string) => {
    const at = turns.findIndex((t) => t.id === id);
    if (at < 0) throw new ColloquyError('history_turn_unknown', `No turn "${id}" in conversation "${conversationId}"`);
    return at;
  };
  let start: number;
  let end: number;
  let hasMore: boolean;
  if (after !== undefined) {
    start = indexOf(after) + 1;
    end = Math.min(turns.length, start + limit);
    hasMore = end < turns.length;
  } else {
    end = before !== undefined ? indexOf(before) : turns.length;
    start = Math.max(0, end - limit);
    hasMore = start > 0;
  }
  return { turns: structuredClone(turns.slice(start, end)), hasMore };
}
