/**
 * The nearest training message of a message: TF-IDF weighted words, cosine
 * similarity. "Is this like anything my users have asked?" — a message far
 * from every training turn is likely out of scope, which the scorer's network
 * alone, having seen only a few hundred off-topic examples, misses.
 */
import { words } from './features.ts';

export class NeighbourIndex {
  private readonly idf = new Map<string, number>();
  private readonly postings = new Map<string, Array<[number, number]>>();
  private readonly norms: Float64Array;
  private readonly dots: Float64Array;

  /** `texts`: the in-scope training messages (kept, so that the index can be saved and rebuilt). */
  constructor(readonly texts: readonly string[]) {
    const docs = texts.map((t) => counts(words(t)));
    const df = new Map<string, number>();
    for (const tf of docs) for (const w of tf.keys()) df.set(w, (df.get(w) ?? 0) + 1);
    for (const [w, n] of df) this.idf.set(w, Math.log((texts.length + 1) / (n + 1)) + 1);
    this.norms = new Float64Array(docs.length);
    this.dots = new Float64Array(docs.length);
    docs.forEach((tf, i) => {
      let norm = 0;
      for (const [w, c] of tf) {
        const v = c * this.idf.get(w)!;
        norm += v * v;
        let list = this.postings.get(w);
        if (!list) this.postings.set(w, (list = []));
        list.push([i, v]);
      }
      this.norms[i] = Math.sqrt(norm) || 1;
    });
  }

  /**
   * The most similar training text (its index in `texts`, -1 when no word is
   * shared) and the cosine similarity, 0 to 1.
   *
   * @example
   * new NeighbourIndex(['where is my order', 'cancel my order']).nearest('where is order 5'); // { index: 0, similarity: 0.8… }
   */
  nearest(text: string): { index: number; similarity: number } {
    const q = counts(words(text));
    let qNorm = 0;
    const touched: number[] = [];
    for (const [w, c] of q) {
      const v = c * (this.idf.get(w) ?? Math.log(this.texts.length + 1) + 1); // an unseen word is as rare as can be
      qNorm += v * v;
      for (const [i, dv] of this.postings.get(w) ?? []) {
        if (this.dots[i] === 0) touched.push(i);
        this.dots[i] += v * dv;
      }
    }
    let index = -1;
    let similarity = 0;
    const qn = Math.sqrt(qNorm) || 1;
    for (const i of touched) {
      const s = this.dots[i] / (this.norms[i] * qn);
      this.dots[i] = 0;
      if (s > similarity) [index, similarity] = [i, s];
    }
    return { index, similarity: Math.min(1, similarity) };
  }

  /** 1 − the similarity of the nearest training text: 0 for a message seen in training, 1 for one sharing no word with any. */
  distance(text: string): number {
    return 1 - this.nearest(text).similarity;
  }
}

function counts(ws: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of ws) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}
