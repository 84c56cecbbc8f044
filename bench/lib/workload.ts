/** What the benchmarks replay: conversations and a history taken from the bundled shop corpus. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.ts';
import type { Dialogue, Turn } from '../../src/data/dialogue.ts';

export interface Workload {
  /** Conversations (the user turns each sends, in order), the corpus's cycled to `count`. */
  conversations: string[][];
  /** The longest of the first dialogues, cut before its last bot reply: a realistic history to prefill. */
  history: Turn[];
}

/** `count` conversations from the first 200 dialogues of conversations/corpus/shop-support.jsonl. */
export function corpusWorkload(turnsPerConversation: number, count = 150): Workload {
  const file = path.join(PROJECT_ROOT, 'conversations', 'corpus', 'shop-support.jsonl');
  const dialogues = readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(0, 200).map((l) => JSON.parse(l) as Dialogue);
  const userTurns = (d: Dialogue) => d.turns.filter((t) => t.speaker === 'user').map((t) => t.text);
  const usable = dialogues
    .map(userTurns)
    .filter((turns) => turns.length >= turnsPerConversation)
    .map((turns) => turns.slice(0, turnsPerConversation));
  const conversations = Array.from({ length: count }, (_, i) => usable[i % usable.length]);
  // the longest conversation's user and bot turns (its order lookups left out: the bench adds one where it measures them)
  const long = dialogues.map((d) => d.turns.filter((t) => t.speaker !== 'action')).reduce((a, b) => (b.length > a.length ? b : a));
  const lastUser = long.map((t) => t.speaker).lastIndexOf('user');
  return { conversations, history: long.slice(0, lastUser + 1) };
}
