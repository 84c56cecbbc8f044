/**
 * Byte-level BPE training. Texts are counted into unique words first; merges
 * are then learned over the word frequencies with incremental pair-count
 * updates (only the words containing the merged pair are revisited) and a
 * lazy max-heap to find the most frequent pair.
 *
 * Ties are broken by the smaller pair (left id, then right id), so the same
 * input always yields the same merges.
 */
import { prepareTurn, pretokenize, type DigitStyle } from './pretokenize.ts';

/** Token ids are below this; a pair (a, b) is keyed as `a * PAIR_BASE + b`. */
export const PAIR_BASE = 2 ** 20;

/** Options for {@link learnMerges}. */
export interface MergeTrainingOptions {
  /** Maximum number of merges to learn. */
  maxMerges: number;
  /** Stop when the most frequent pair occurs fewer times than this. */
  minPairCount: number;
  /** Id of byte 0; bytes take ids byteOffset..byteOffset+255, merges follow. */
  byteOffset: number;
}

/** One merge: the ids of the left and right tokens it joins. */
export type MergePair = [left: number, right: number];

/** Normalizes and pre-tokenizes each text (one turn) and counts its words. */
export function countWords(texts: Iterable<string>, digits: DigitStyle = 'bare'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of pretokenize(prepareTurn(text), digits)) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return counts;
}

/** Packs a pair of ids into one number key. */
export function pairKey(left: number, right: number): number {
  return left * PAIR_BASE + right;
}

/**
 * Learns BPE merges over word frequencies. Merge `i` creates token id
 * `byteOffset + 256 + i`. Returns the merges in the order they were learned.
 */
export function learnMerges(wordCounts: Map<string, number>, opts: MergeTrainingOptions): MergePair[] {
  const { maxMerges, minPairCount, byteOffset } = opts;
  const firstMergeId = byteOffset + 256;
  const encoder = new TextEncoder();
  const words: Int32Array[] = [];
  const freqs: number[] = [];
  for (const [word, count] of wordCounts) {
    const bytes = encoder.encode(word);
    if (bytes.length < 2 || count <= 0) continue;
    const symbols = new Int32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) symbols[i] = bytes[i] + byteOffset;
    words.push(symbols);
    freqs.push(count);
  }

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, number[]>();
  for (let w = 0; w < words.length; w++) {
    const symbols = words[w];
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = pairKey(symbols[i], symbols[i + 1]);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + freqs[w]);
      addWord(pairWords, key, w);
    }
  }
  const heap = new PairHeap();
  for (const [key, count] of pairCounts) heap.push(count, key);

  const merges: MergePair[] = [];
  const stamp = new Int32Array(words.length).fill(-1);
  while (merges.length < maxMerges) {
    const best = heap.popCurrent(pairCounts);
    if (best === undefined || best.count < minPairCount) break;
    const step = merges.length;
    const left = Math.floor(best.key / PAIR_BASE);
    const right = best.key % PAIR_BASE;
    const newId = firstMergeId + step;
    merges.push([left, right]);

    const affected = pairWords.get(best.key) ?? [];
    pairWords.delete(best.key);
    pairCounts.delete(best.key);
    const delta = new Map<number, number>();
    for (const w of affected) {
      if (stamp[w] === step) continue;
      stamp[w] = step;
      const merged = mergeWord(words[w], left, right, newId);
      if (merged === undefined) continue;
      const freq = freqs[w];
      const old = words[w];
      for (let i = 0; i + 1 < old.length; i++) {
        const key = pairKey(old[i], old[i + 1]);
        if (key !== best.key) delta.set(key, (delta.get(key) ?? 0) - freq);
      }
      for (let i = 0; i + 1 < merged.length; i++) {
        const key = pairKey(merged[i], merged[i + 1]);
        delta.set(key, (delta.get(key) ?? 0) + freq);
        if (merged[i] === newId || merged[i + 1] === newId) addWord(pairWords, key, w);
      }
      words[w] = merged;
    }
    for (const [key, change] of delta) {
      if (change === 0) continue;
      const count = (pairCounts.get(key) ?? 0) + change;
      if (count > 0) {
        pairCounts.set(key, count);
        heap.push(count, key);
      } else {
        pairCounts.delete(key);
        pairWords.delete(key);
      }
    }
  }
  return merges;
}

/** Appends word index `w` to the pair's word list unless it was the last one added. */
function addWord(pairWords: Map<number, number[]>, key: number, w: number): void {
  const list = pairWords.get(key);
  if (list === undefined) pairWords.set(key, [w]);
  else if (list[list.length - 1] !== w) list.push(w);
}

/** Replaces each (left, right) occurrence, left to right; undefined when there is none. */
function mergeWord(symbols: Int32Array, left: number, right: number, newId: number): Int32Array | undefined {
  const out = new Int32Array(symbols.length);
  let n = 0;
  let found = false;
  for (let i = 0; i < symbols.length; ) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out[n++] = newId;
      i += 2;
      found = true;
    } else {
      out[n++] = symbols[i++];
    }
  }
  return found ? out.slice(0, n) : undefined;
}

/**
 * Max-heap of (count, pair key), highest count first, then smallest key.
 * Entries go stale when a count changes; a fresh entry is pushed on every
 * change and stale ones are skipped when popped.
 */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Pops until an entry matching the current count is found. */
  popCurrent(current: Map<number, number>): { count: number; key: number } | undefined {
    while (this.counts.length > 0) {
      const count = this.counts[0];
      const key = this.keys[0];
      this.removeTop();
      if (current.get(key) === count) return { count, key };
    }
    return undefined;
  }

  private removeTop(): void {
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    const size = this.counts.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < size && this.before(l, top)) top = l;
      if (r < size && this.before(r, top)) top = r;
      if (top === i) return;
      this.swap(i, top);
      i = top;
    }
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i];
    const cj = this.counts[j];
    return ci > cj || (ci === cj && this.keys[i] < this.keys[j]);
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i];
    this.counts[i] = this.counts[j];
    this.counts[j] = c;
    const k = this.keys[i];
    this.keys[i] = this.keys[j];
    this.keys[j] = k;
  }
}
