/**
 * Summary numbers for a generated shop corpus: sizes, how varied the user and
 * bot turns are, and how often each topic appears.
 */
import { turnToJson } from '../../data/action-text.ts';
import { SHOP_TOPICS, type ShopTopic } from './flow.ts';
import type { TaggedDialogue } from './generate.ts';

/** What `shopCorpusStats` reports. */
export interface ShopCorpusStats {
  dialogues: number;
  turns: number;
  userTurns: number;
  botTurns: number;
  /** Order lookups the shop's system answered (not counted in `turns`). */
  actionTurns: number;
  distinctUserTurns: number;
  distinctBotTurns: number;
  /** Distinct first user turns (how varied the openings are). */
  distinctOpenings: number;
  /** Bytes of the JSONL serialization (one dialogue per line). */
  jsonlBytes: number;
  /** Number of dialogues that contain each topic. */
  topics: Record<ShopTopic, number>;
}

/** Tags that frame any dialogue rather than being what it is about. */
const FRAMING: readonly ShopTopic[] = ['greeting', 'goodbye'];

/** One dialogue as a JSONL line (without the newline), with the topics it is about (small talk counts; greetings and goodbyes do not). */
export function toJsonlLine(tagged: TaggedDialogue): string {
  const { id, turns } = tagged.dialogue;
  return JSON.stringify({ id, turns: turns.map(turnToJson), topics: tagged.topics.filter((t) => !FRAMING.includes(t)) });
}

/** Computes the summary numbers of a tagged corpus. */
export function shopCorpusStats(corpus: readonly TaggedDialogue[]): ShopCorpusStats {
  const user = new Set<string>();
  const bot = new Set<string>();
  const openings = new Set<string>();
  const topics = Object.fromEntries(SHOP_TOPICS.map((t) => [t, 0])) as Record<ShopTopic, number>;
  let userTurns = 0;
  let botTurns = 0;
  let actionTurns = 0;
  let jsonlBytes = 0;
  for (const tagged of corpus) {
    const { turns } = tagged.dialogue;
    if (turns.length > 0) openings.add(turns[0].text);
    for (const turn of turns) {
      if (turn.speaker === 'action') actionTurns++;
      else if (turn.speaker === 'user') {
        userTurns++;
        user.add(turn.text);
      } else {
        botTurns++;
        bot.add(turn.text);
      }
    }
    for (const topic of tagged.topics) topics[topic]++;
    jsonlBytes += Buffer.byteLength(toJsonlLine(tagged), 'utf8') + 1;
  }
  return {
    dialogues: corpus.length,
    turns: userTurns + botTurns,
    userTurns,
    botTurns,
    actionTurns,
    distinctUserTurns: user.size,
    distinctBotTurns: bot.size,
    distinctOpenings: openings.size,
    jsonlBytes,
    topics,
  };
}
