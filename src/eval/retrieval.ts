/**
 * A retrieval baseline for evaluation: answer with the bot turn that followed
 * the training user turn most similar (TF-IDF cosine) to the last user turn of
 * the context. Generated replies should beat it to be worth their cost.
 */
import { ColloquyError } from '../errors.ts';
import { isBotSide, type Dialogue, type Turn } from '../data/dialogue.ts';
import { scoreTokens } from './metrics.ts';

/**
 * Something that replies to a conversation so far.
 *
 * @example
 * const text = baseline.reply([{ speaker: 'user', text: 'Can I get a refund?' }]);
 */
export interface RetrievalBaseline {
  /** The retrieved reply for a context (the turns so far, oldest first). */
  reply(context: Turn[]): string;
}

/** Counts each token of a list. */
function termCounts(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/**
 * Builds the baseline from training dialogues. Every user turn immediately
 * followed by a bot-side turn is indexed: TF-IDF over those user turns
 * (tokens from `scoreTokens`, raw term frequency, idf = ln((N+1)/(df+1)) + 1,
 * l2-normalized), searched by cosine similarity through an inverted index.
 * Ties, including a context with no known words, go to the earliest training turn.
 *
 * @example
 * const baseline = createRetrievalBaseline(trainDialogues);
 * baseline.reply([{ speaker: 'user', text: 'Where is my parcel?' }]); // the bot turn after the closest match
 */
export function createRetrievalBaseline(trainDialogues: Dialogue[]): RetrievalBaseline {
  const replies: string[] = [];
  const docs: Map<string, number>[] = [];
  for (const d of trainDialogues) {
    for (let i = 0; i + 1 < d.turns.length; i++) {
      if (d.turns[i].speaker !== 'user' || !isBotSide(d.turns[i + 1].speaker)) continue;
      docs.push(termCounts(scoreTokens(d.turns[i].text)));
      replies.push(d.turns[i + 1].text);
    }
  }
  const n = docs.length;
  if (n === 0) {
    throw new ColloquyError('retrieval_empty', 'The retrieval baseline needs at least one user turn followed by a bot turn', 'Check the training corpus has both speakers.');
  }

  // Term ids and document frequencies.
  const termIds = new Map<string, number>();
  const df: number[] = [];
  for (const doc of docs) {
    for (const term of doc.keys()) {
      let id = termIds.get(term);
      if (id === undefined) {
        id = df.length;
        termIds.set(term, id);
        df.push(0);
      }
      df[id]++;
    }
  }
  const idf = Float64Array.from(df, (f) => Math.log((n + 1) / (f + 1)) + 1);

  // Inverted index in flat typed arrays: postings of term t are [offsets[t], offsets[t+1]).
  const offsets = new Int32Array(df.length + 1);
  for (let t = 0; t < df.length; t++) offsets[t + 1] = offsets[t] + df[t];
  const postDoc = new Int32Array(offsets[df.length]);
  const postWeight = new Float32Array(offsets[df.length]);
  const fill = offsets.slice(0, df.length);
  for (let docId = 0; docId < n; docId++) {
    const doc = docs[docId];
    let norm = 0;
    for (const [term, tf] of doc) norm += (tf * idf[termIds.get(term)!]) ** 2;
    norm = Math.sqrt(norm);
    for (const [term, tf] of doc) {
      const t = termIds.get(term)!;
      const at = fill[t]++;
      postDoc[at] = docId;
      postWeight[at] = (tf * idf[t]) / norm;
    }
  }
  docs.length = 0;

  const scores = new Float64Array(n);
  const touched = new Int32Array(n);
  return {
    reply(context: Turn[]): string {
      let last: Turn | undefined;
      for (let i = context.length - 1; i >= 0 && !last; i--) if (context[i].speaker === 'user') last = context[i];
      if (!last) return replies[0];
      let touchedCount = 0;
      for (const [term, tf] of termCounts(scoreTokens(last.text))) {
        const t = termIds.get(term);
        if (t === undefined) continue;
        const q = tf * idf[t];
        for (let p = offsets[t]; p < offsets[t + 1]; p++) {
          const docId = postDoc[p];
          if (scores[docId] === 0) touched[touchedCount++] = docId;
          scores[docId] += q * postWeight[p];
        }
      }
      // The query norm scales every score equally, so it does not change the winner.
      let best = 0;
      let bestScore = 0;
      for (let k = 0; k < touchedCount; k++) {
        const docId = touched[k];
        const s = scores[docId];
        if (s > bestScore || (s === bestScore && docId < best)) {
          best = docId;
          bestScore = s;
        }
        scores[docId] = 0;
      }
      return replies[best];
    },
  };
}
