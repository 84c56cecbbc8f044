/**
 * The fixed held-out set a candidate and the current model are both scored
 * on: a deterministic slice of the base corpus (chosen by a hash of each
 * dialogue's id, so it stays put as the corpus grows) plus the reviewed
 * conversations the export held back. Neither part is ever trained on.
 */
import type { Dialogue } from '../data/dialogue.ts';
import { splitHash } from '../data/split.ts';

export interface EvalSliceOptions {
  /** Share of the base corpus held out (default 0.05). */
  fraction?: number;
  /** At most this many base dialogues (default 200): evaluation generates a reply per bot turn. */
  max?: number;
  /** Changes which dialogues are held out (default 7919). */
  seed?: number;
}

/**
 * Splits the base corpus into the part retraining may use and the held-out
 * slice. At least one dialogue is held out when the corpus has two or more.
 *
 * @example
 * const { train, held } = baseEvalSlice(base);
 */
export function baseEvalSlice(base: Dialogue[], { fraction = 0.05, max = 200, seed = 7919 }: EvalSliceOptions = {}): { train: Dialogue[]; held: Dialogue[] } {
  const scored = base.map((d, i) => ({ i, score: splitHash(d.id, seed) }));
  let chosen = scored.filter((s) => s.score < fraction).sort((a, b) => a.score - b.score || a.i - b.i).slice(0, max);
  if (chosen.length === 0 && base.length >= 2 && fraction > 0) chosen = [...scored].sort((a, b) => a.score - b.score || a.i - b.i).slice(0, 1);
  const held = new Set(chosen.map((c) => c.i));
  return { train: base.filter((_, i) => !held.has(i)), held: base.filter((_, i) => held.has(i)) };
}
