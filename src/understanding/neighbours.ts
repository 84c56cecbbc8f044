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

  /**
   * `texts`: the in-scope training messages (kept, so that the index can be
   * saved and rebuilt); `labels`: each one's intent (an index; -1 for none),
   * when the corpus has intents.
   */
  constructor(
    readonly texts: readonly string[],
    readonly labels?: readonly number[],
  ) {
    if (labels && labels.length !== texts.length) throw new RangeError(`NeighbourIndex: ${labels.length} labels for ${texts.length} texts`);
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
    const { query, norm } = this.query(text);
    let index = -1;
    let similarity = 0;
    this.tfidf.match(query, (i, dot) => {
      if (dot / norm > similarity) [index, similarity] = [i, dot / norm];
    });
    return { index, similarity: Math.min(1, similarity) };
  }

  /** The `k` most similar training texts sharing a word with `text`, most similar first (ties: the earlier text). */
  nearestMany(text: string, k: number): Array<{ index: number; similarity: number }> {
    const { query, norm } = this.query(text);
    return this.tfidf.top(query, k).map(({ docId, dot }) => ({ index: docId, similarity: dot / norm }));
  }

  /** The text's word counts as a TF-IDF query, and the norm of its weights (1 when it has none). */
  private query(text: string): { query: Map<string, number>; norm: number } {
    const query = counts(words(text));
    let norm = 0;
    for (const [w, c] of query) norm += (c * this.tfidf.idfOf(w)) ** 2;
    return { query, norm: Math.sqrt(norm) || 1 };
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
