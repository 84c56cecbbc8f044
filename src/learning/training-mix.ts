/**
 * The data a retraining run learns from: the base corpus plus the reviewed
 * export, the export repeated until it is at least a given share of the mix —
 * a handful of corrections among thousands of base dialogues would otherwise
 * barely move the weights.
 */
import type { Dialogue } from '../data/dialogue.ts';

/** The export should be at least a fifth of what the model sees. */
export const DEFAULT_EXPORT_SHARE = 0.2;

/**
 * No reviewed dialogue is repeated more often than this: with a handful of
 * corrections and a large base corpus, reaching the share would mean hundreds
 * of copies of the same few lines, and the model would answer everything with
 * them (measured on the bundled model: one correction ×909 took held-out BLEU
 * from 17.0 to 14.4).
 */
export const MAX_EXPORT_REPEATS = 25;

export interface TrainingMix {
  dialogues: Dialogue[];
  /** How many copies of the export are in the mix (1 or more). */
  repeats: number;
}

/**
 * Base dialogues, then the export `repeats` times (ids suffixed `~r<n>` from
 * the second copy on), with `repeats` the least that makes the export at
 * least `share` of the mix, but at most MAX_EXPORT_REPEATS.
 *
 * @example
 * mixTrainingSet(base, exported).repeats; // 1000 base, 10 exported → 25
 */
export function mixTrainingSet(base: Dialogue[], exported: Dialogue[], share = DEFAULT_EXPORT_SHARE): TrainingMix {
  if (exported.length === 0) return { dialogues: [...base], repeats: 0 };
  const s = Math.min(Math.max(share, 0), 0.95);
  const repeats = Math.min(MAX_EXPORT_REPEATS, Math.max(1, Math.ceil((s * base.length) / ((1 - s) * exported.length))));
  const dialogues = [...base];
  for (let r = 0; r < repeats; r++) for (const d of exported) dialogues.push(r === 0 ? d : { id: `${d.id}~r${r}`, turns: d.turns });
  return { dialogues, repeats };
}
