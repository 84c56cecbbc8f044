/**
 * Exactly-once answers: a message carrying the channel's own id
 * (`InboundMessage.externalId`) is logged with it, and a redelivery of that id
 * — Slack retries an event whose acknowledgement was late, a widget resends
 * after a dropped connection, another instance got the same event — finds it
 * in the conversation and is not answered again. The engine checks while
 * holding the conversation (its queue, and across instances the store's
 * lock), so two deliveries never both pass.
 */
import type { ConversationRecord } from '../storage/types.ts';
import type { EngineResult } from './types.ts';

/** The longest external id the engine takes (platform ids are far shorter). */
export const MAX_EXTERNAL_ID_CHARS = 200;

/**
 * The result for a redelivered message, or undefined when `externalId` is new
 * to the conversation: silent, with the earlier answer in `duplicateOf`.
 *
 * @example
 * const again = redelivery(record, 'Ev0123'); // { kind: 'silent', duplicateOf: { userTurnId, turnId, text }, ... }
 */
export function redelivery(record: ConversationRecord, externalId: string): EngineResult | undefined {
  const at = record.turns.findIndex((t) => t.speaker === 'user' && t.externalId === externalId);
  if (at < 0) return undefined;
  const userTurn = record.turns[at]!;
  // the answer is what followed the message before the next user message
  const next = record.turns.slice(at + 1);
  const end = next.findIndex((t) => t.speaker === 'user');
  const answer = (end < 0 ? next : next.slice(0, end)).find((t) => t.speaker === 'bot' || t.speaker === 'notice');
  return {
    conversationId: record.id,
    kind: 'silent',
    text: '',
    userTurnId: userTurn.id,
    duplicateOf: { userTurnId: userTurn.id, ...(answer ? { turnId: answer.id, text: answer.text } : { text: '' }) },
  };
}
