/**
 * Sessions: what the model sees of a conversation. The log keeps every turn;
 * the model reads only the recent turns of the current session.
 */
import { actionTurn } from '../data/action-text.ts';
import { actionOf, type Turn } from '../data/dialogue.ts';
import type { ConversationRecord } from '../storage/types.ts';

/** When the conversation last saw activity (its last turn, or the start of its session). */
export function lastActivity(record: ConversationRecord): number {
  const last = record.turns[record.turns.length - 1];
  return Math.max(Date.parse(record.sessionStartedAt), last ? Date.parse(last.at) : -Infinity);
}

/** True when the conversation has been idle for longer than `idleMinutes`: the next message starts a new session. */
export function isSessionExpired(record: ConversationRecord, now: Date, idleMinutes: number): boolean {
  return now.getTime() - lastActivity(record) > idleMinutes * 60_000;
}

export interface ContextOptions {
  maxHistoryTurns: number;
  /** User turns that were commands (`/reset`, `/help`, ...) are left out. */
  isCommand: (text: string) => boolean;
}

/**
 * The turns the model is given: the current session's user, bot, agent and
 * action turns (no notices, no commands), the most recent `maxHistoryTurns` of them,
 * oldest first. The generator then cuts to its token budget.
 */
export function modelContext(record: ConversationRecord, { maxHistoryTurns, isCommand }: ContextOptions): Turn[] {
  const picked: Turn[] = [];
  for (let i = record.turns.length - 1; i >= 0 && picked.length < maxHistoryTurns; i--) {
    const t = record.turns[i];
    if (t.sessionId !== record.sessionId) break; // sessions are contiguous: older turns belong to earlier sessions
    if (t.speaker === 'notice') continue;
    if (t.speaker === 'user' && isCommand(t.text)) continue;
    const call = actionOf(t);
    picked.push(call ? actionTurn(call) : { speaker: t.speaker, text: t.text });
  }
  return picked.reverse();
}
