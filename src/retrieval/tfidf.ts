/**
 * TF-IDF over documents given as term counts (raw term frequency,
 * idf = ln((N+1)/(df+1)) + 1, each document l2-normalized), searched through
 * an inverted index in flat typed arrays. The reply index (retrieval and
 * consensus) and the scorer's nearest training message share it; each brings
 * its own terms.
 */
export class TfidfIndex {
  private readonly termIds = new Map<string, number>();
  private readonly idf: Float64Array;
  private readonly offsets: Int32Array;
  private readonly postings: Int32Array;
  private readonly weights: Float32Array;
  private readonly scores: Float64Array;
  private readonly touched: Int32Array;

  constructor(docs: readonly ReadonlyMap<string, number>[]) {
    const n = docs.length;
    const df: number[] = [];
    for (const doc of docs) {
      for (const term of doc.keys()) {
        let id = this.termIds.get(term);
        if (id === undefined) {
          id = df.length;
          this.termIds.set(term, id);
          df.push(0);
        }
        df[id]++;
      }
    }
    this.idf = Float64Array.from(df, (f) => Math.log((n + 1) / (f + 1)) + 1);
    this.offsets = new Int32Array(df.length + 1);
    for (let t = 0; t < df.length; t++) this.offsets[t + 1] = this.offsets[t] + df[t];
    this.postings = new Int32Array(this.offsets[df.length]);
    this.weights = new Float32Array(this.offsets[df.length]);
    const fill = this.offsets.slice(0, df.length);
    docs.forEach((doc, docId) => {
      let norm = 0;
      for (const [term, tf] of doc) norm += (tf * this.idf[this.termIds.get(term)!]) ** 2;
      norm = Math.sqrt(norm);
      for (const [term, tf] of doc) {
        const t = this.termIds.get(term)!;
        const at = fill[t]++;
        this.postings[at] = docId;
        this.weights[at] = (tf * this.idf[t]) / norm;
      }
    });
    this.scores = new Float64Array(n);
    this.touched = new Int32Array(n);
  }

  /** A term's idf; a term no document holds is as rare as can be (df 0). */
  idfOf(term: string): number {
    const t = this.termIds.get(term);
    return t === undefined ? Math.log(this.scores.length + 1) + 1 : this.idf[t];
  }

  /**
   * The `k` documents with the highest dot product with the query (see
   * {@link match}), best first; ties go to the earlier document.
   */
  top(query: ReadonlyMap<string, number>, k: number, maxDocFrequency = Infinity): Array<{ docId: number; dot: number }> {
    const best: Array<{ docId: number; dot: number }> = [];
    const better = (dot: number, docId: number, at: number) => dot > best[at].dot || (dot === best[at].dot && docId < best[at].docId);
    this.match(
      query,
      (docId, dot) => {
        if (best.length === k && !better(dot, docId, k - 1)) return;
        let at = Math.min(best.length, k - 1);
        while (at > 0 && better(dot, docId, at - 1)) {
          best[at] = best[at - 1];
          at--;
        }
        best[at] = { docId, dot };
      },
      maxDocFrequency,
    );
    return best;
  }

  /**
   * The dot product of the query's tf·idf weights with every (normalized)
   * document sharing a term with it, passed to `visit` in the order the
   * documents were first reached. Terms in more than `maxDocFrequency`
   * documents are skipped.
   */
  match(query: ReadonlyMap<string, number>, visit: (docId: number, dot: number) => void, maxDocFrequency = Infinity): void {
    const { scores, touched, postings, weights, offsets } = this;
    let count = 0;
    for (const [term, tf] of query) {
      const t = this.termIds.get(term);
      if (t === undefined || offsets[t + 1] - offsets[t] > maxDocFrequency) continue;
      const q = tf * this.idf[t];
      for (let p = offsets[t]; p < offsets[t + 1]; p++) {
        const docId = postings[p];
        if (scores[docId] === 0) touched[count++] = docId;
        scores[docId] += q * weights[p];
      }
    }
    for (let i = 0; i < count; i++) visit(touched[i], scores[touched[i]]);
    for (let i = 0; i < count; i++) scores[touched[i]] = 0;
  }
}
