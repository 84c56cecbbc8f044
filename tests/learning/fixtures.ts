/**
 * Conversations for the review and export tests, written to a real lowdb
 * store: turns are given as `[speaker, text, extra]` and get ids `<conv>-<n>`.
 */
import type { ConversationRecord, ConversationStore, LoggedTurn, ReviewState } from '../../src/storage/types.ts';
import { createRecord, createTurn } from '../storage/fixtures/records.ts';

export type TurnSpec = [LoggedTurn['speaker'], string, Partial<LoggedTurn>?];

/**
 * Stores a conversation with the given turns (one session unless turns say otherwise) and returns it.
 *
 * @example
 * await putConversation(store, 'c1', [['user', 'hi'], ['bot', 'hello', { confidence: -0.3 }]]);
 */
export async function putConversation(
  store: ConversationStore,
  id: string,
  turns: TurnSpec[],
  over: Partial<ConversationRecord> & { review?: ReviewState } = {},
): Promise<ConversationRecord> {
  const record = createRecord(id, {
    ...over,
    turns: turns.map(([speaker, text, extra], i) => createTurn(`${id}-${i + 1}`, { speaker, text, ...(speaker === 'bot' ? { confidence: -0.4 } : {}), ...extra })),
  });
  return store.update(id, () => record);
}

/** A review state as a reviewer would leave it. */
export function reviewed(status: ReviewState['status'], corrections: Record<string, string> = {}): ReviewState {
  return { status, reviewedAt: '2025-01-02T09:00:00.000Z', corrections };
}
