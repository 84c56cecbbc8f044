import { isReplyAt, type Dialogue, type Turn } from '../data/dialogue.ts';
import { createRng, shuffled } from '../util/random.ts';

/** One bot turn to evaluate: what came before it and what the bot (or agent) said. */
export interface EvalTurn {
  id: string;
  history: Turn[];
  reference: string;
  /** How many topics the turn's dialogue covers, when the corpus says. */
  topics?: number;
}

/**
 * Every bot turn that follows a user turn, or a deterministic sample of
 * `maxTurns` of them (kept in corpus order) when there are more.
 */
export function collectEvalTurns(dialogues: Dialogue[], maxTurns = 0, seed = 1): EvalTurn[] {
  const all: EvalTurn[] = [];
  for (const d of dialogues) {
    d.turns.forEach((turn, i) => {
      if (isReplyAt(d.turns, i)) {
        all.push({ id: `${d.id}#${i}`, history: d.turns.slice(0, i), reference: turn.text, ...(d.topics ? { topics: d.topics.length } : {}) });
      }
    });
  }
  if (maxTurns <= 0 || all.length <= maxTurns) return all;
  const keep = new Set(shuffled(all.map((_, i) => i), createRng(seed)).slice(0, maxTurns));
  return all.filter((_, i) => keep.has(i));
}
