/**
 * Deterministic train/validation split. Each dialogue's side is decided by a
 * hash of its id and the seed alone, so adding dialogues to a corpus never
 * moves existing ones between train and valid.
 */
import { ColloquyError } from '../errors.ts';
import type { Dialogue } from './dialogue.ts';

/**
 * How to split: the validation share and the seed.
 *
 * @example
 * const opts: SplitOptions = { validFraction: 0.1, seed: 42 };
 */
export interface SplitOptions {
  /** Share of dialogues for validation, 0–1 (e.g. 0.1). */
  validFraction: number;
  /** Any integer; the same seed gives the same split. */
  seed: number;
}

/**
 * The two sides of a split, each in input order.
 *
 * @example
 * const { train, valid }: SplitResult = splitDialogues(dialogues, { validFraction: 0.1, seed: 42 });
 */
export interface SplitResult {
  train: Dialogue[];
  valid: Dialogue[];
}

/**
 * A uniform number in [0, 1) from a string and a seed (FNV-1a over UTF-16
 * code units, then a murmur3 finalizer for good mixing).
 *
 * @example
 * splitHash('1_00000', 42); // e.g. 0.7319…, always the same
 */
export function splitHash(id: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/**
 * Splits dialogues into train and valid, keeping the input order within each.
 * A dialogue goes to valid when `splitHash(id, seed) < validFraction`. Train
 * is never empty; with two or more dialogues and a positive fraction, valid is
 * not empty either (the lowest-hash dialogue is moved there if needed).
 *
 * @example
 * const { train, valid } = splitDialogues(dialogues, { validFraction: 0.1, seed: 7 });
 */
export function splitDialogues(dialogues: Dialogue[], opts: SplitOptions): SplitResult {
  const { validFraction, seed } = opts;
  if (!Number.isFinite(validFraction) || validFraction < 0 || validFraction > 1) {
    throw new ColloquyError('split_invalid', `validFraction must be between 0 and 1, got ${validFraction}`);
  }
  if (!Number.isFinite(seed)) throw new ColloquyError('split_invalid', `seed must be a finite number, got ${seed}`);
  const hashes = dialogues.map((d) => splitHash(d.id, seed));
  const inValid = hashes.map((h) => h < validFraction);
  const validCount = inValid.filter(Boolean).length;
  if (dialogues.length > 0 && validCount === dialogues.length) {
    inValid[argExtreme(hashes, (a, b) => a > b)] = false;
  } else if (dialogues.length >= 2 && validFraction > 0 && validCount === 0) {
    inValid[argExtreme(hashes, (a, b) => a < b)] = true;
  }
  const train: Dialogue[] = [];
  const valid: Dialogue[] = [];
  dialogues.forEach((d, i) => (inValid[i] ? valid : train).push(d));
  return { train, valid };
}

/** Index of the value that `better` prefers over all others (first on ties). */
function argExtreme(values: number[], better: (a: number, b: number) => boolean): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (better(values[i], values[best])) best = i;
  return best;
}
