/**
 * The anchor for out-of-scope detection and intents: the TF-IDF
 * nearest training message (cosine over words). Its similarity is the
 * in-scope score; its intent the prediction.
 */
import { words } from '../../src/understanding/features.ts';
import type { Message } from '../../src/understanding/read-examples.ts';

export function createTfidfAnchor(train: Message[]) {
  const df = new Map<string, number>();
  const docs = train.map((m) => {
    const tf = counts(words(m.text));
    for (const w of tf.keys()) df.set(w, (df.get(w) ?? 0) + 1);
    return tf;
  });
  const idf = (w: string) => Math.log((train.length + 1) / ((df.get(w) ?? 0) + 1)) + 1;
  const postings = new Map<string, Array<[number, number]>>();
  const norms = docs.map((tf, i) => {
    let n = 0;
    for (const [w, c] of tf) {
      const v = c * idf(w);
      n += v * v;
      let list = postings.get(w);
      if (!list) postings.set(w, (list = []));
      list.push([i, v]);
    }
    return Math.sqrt(n) || 1;
  });
  return {
    nearest(text: string): { similarity: number; intent?: string } {
      const q = counts(words(text));
      let qn = 0;
      const dots = new Map<number, number>();
      for (const [w, c] of q) {
        const v = c * idf(w);
        qn += v * v;
        for (const [i, dv] of postings.get(w) ?? []) dots.set(i, (dots.get(i) ?? 0) + v * dv);
      }
      let best = -1;
      let sim = 0;
      for (const [i, d] of dots) {
        const s = d / (norms[i] * (Math.sqrt(qn) || 1));
        if (s > sim) [best, sim] = [i, s];
      }
      return { similarity: sim, intent: best >= 0 ? train[best].intent : undefined };
    },
  };
}

function counts(ws: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of ws) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}
