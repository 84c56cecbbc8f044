/**
 * The nearest training message of a message: TF-IDF weighted words, cosine
 * similarity. "Is this like anything my users have asked?" — a message far
 * from every training turn is likely out of scope, which the scorer's network
 * alone, having seen only a few hundred off-topic examples, misses.
 */
import { TfidfIndex } from '../retrieval/tfidf.ts';
import { words } from './features.ts';

export class NeighbourIndex {
  private readonly tfidf: TfidfIndex;

  /** `texts`: the in-scope training messages (kept, so that the index can be saved and rebuilt). */
  constructor(readonly texts: readonly string[]) {
    this.tfidf = new TfidfIndex(texts.map((t) => counts(words(t))));
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
    for (const [w, c] of q) qNorm += (c * this.tfidf.idfOf(w)) ** 2;
    const qn = Math.sqrt(qNorm) || 1;
    let index = -1;
    let similarity = 0;
    this.tfidf.match(q, (i, dot) => {
      if (dot / qn > similarity) [index, similarity] = [i, dot / qn];
    });
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
