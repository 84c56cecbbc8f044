/**
 * What the scorer reads of a message: its words (a vocabulary learnt from the
 * training texts), hashed word pairs and hashed character n-grams (so a typo or
 * an unseen inflection still lands near its word), plus how many of its words
 * the bot's own training turns never contain — the plainest sign that a
 * message is about something else, or in another language.
 */

import { CUE_KINDS } from './kind-cues.ts';

/** Lower-cased words and numbers; every run of digits reads as `0` (order numbers differ, their role does not). */
export function words(text: string): string[] {
  const found = text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
  return found.map((w) => w.replace(/\p{N}+/gu, '0'));
}

/** FNV-1a, 32 bits: stable across runs and machines (the scorer file depends on it). */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Which feature rows a message switches on: vocabulary words first, then hashed buckets. */
export interface FeatureSpace {
  /** Word → row. */
  vocab: Map<string, number>;
  /** Rows after the vocabulary shared by word pairs and character n-grams. */
  buckets: number;
}

/** Feature rows of a message (repeats kept: a word said twice weighs twice in the mean). */
export function featureRows(ws: string[], space: FeatureSpace): number[] {
  const rows: number[] = [];
  const base = space.vocab.size;
  const bucket = (s: string) => base + (hash(s) % space.buckets);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    const id = space.vocab.get(w);
    if (id !== undefined) rows.push(id);
    if (i > 0) rows.push(bucket(`${ws[i - 1]} ${w}`));
    const padded = `<${w}>`;
    for (let n = 3; n <= 5; n++) for (let j = 0; j + n <= padded.length; j++) rows.push(bucket(padded.slice(j, j + n)));
  }
  return rows;
}

/** Dense inputs beside the pooled embedding: share of unknown words, all unknown, length, four of the tone of the typing, and the strongest cue of each rare kind. */
export const DENSE_FEATURES = 7 + CUE_KINDS.length;

/** A swear word with its letters starred out ("f***", "sh*t") or a run of symbols standing for one ("#@$%"). */
const MASKED_SWEARING = /\p{L}\*+|[#@$%&*]{3,}/u;

/**
 * Dense inputs of a message. `known(word)` says whether the bot's in-scope
 * training texts contain the word (training passes a leave-one-out test, so
 * that a word seen only in this very text counts as unknown, as it would be
 * for a new message). The next four read what {@link words} lowers away: how
 * much is shouted in capitals, doubled marks ("??", "?!", "!!!"), how many
 * exclamation marks, and swearing starred out. `cues(words)` gives the
 * strongest word of each rare kind ({@link KindCues}; zeros without one).
 */
export function denseFeatures(text: string, ws: string[], known: (w: string) => boolean, cues?: (ws: readonly string[]) => Float32Array): Float32Array {
  let unknown = 0;
  for (const w of ws) if (!known(w)) unknown++;
  const share = ws.length ? unknown / ws.length : 1;
  const long = text.match(/\p{L}{3,}/gu) ?? [];
  const shouted = long.filter((w) => w === w.toUpperCase() && w !== w.toLowerCase()).length;
  const exclamations = text.match(/!/g)?.length ?? 0;
  const masked = MASKED_SWEARING.test(text) ? 1 : 0;
  return Float32Array.of(
    share,
    ws.length > 0 && unknown === ws.length ? 1 : 0,
    Math.log1p(ws.length) / 3,
    long.length ? shouted / long.length : 0,
    /[!?]{2,}/.test(text) ? 1 : 0,
    Math.min(exclamations, 3) / 3,
    masked,
    ...(cues ? cues(ws) : new Float32Array(CUE_KINDS.length)),
  );
}
