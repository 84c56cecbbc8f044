/**
 * Words that mark a request for a person or frustration wherever they stand
 * in a message: each word's log-count ratio between the messages of that kind
 * and all others (naive Bayes features, as in Wang & Manning's NBSVM). The
 * network averages a message's features, so in "Bloody hell, the charger
 * arrived smashed to bits" the one telling word is outweighed by the rest; the
 * strongest cue of each kind goes in beside the average, undiluted.
 */

import { USER_TURN_KINDS, type UserTurnKind } from '../data/dialogue.ts';

/** The kinds cues are counted for (those a corpus can mark a turn with), in the order the dense inputs give them. */
export const CUE_KINDS = USER_TURN_KINDS;

/** A ratio this large (in nats) reads as 1; larger ones are cut to it. */
const FULL_CUE = 6;
/** Words said in fewer of a kind's messages than this are no cue of it. */
const MIN_COUNT = 3;

/** What the scorer file keeps: per word, in how many messages of each cue kind and of all kinds it occurs. */
export interface KindCuesFile {
  words: string[];
  /** [count in each CUE_KINDS kind…, count in all messages] per word. */
  counts: number[][];
  /** [messages of each CUE_KINDS kind…, all messages]. */
  totals: number[];
}

export class KindCues {
  private readonly counts: Map<string, readonly number[]>;

  constructor(readonly file: KindCuesFile) {
    this.counts = new Map(file.words.map((w, i) => [w, file.counts[i]]));
  }

  /** Counts each word once per message; `kinds[i]` is the message's kind (any string; only CUE_KINDS count as cues). */
  static learn(messages: readonly (readonly string[])[], kinds: readonly string[]): KindCues {
    const totals = new Array<number>(CUE_KINDS.length + 1).fill(0);
    const counts = new Map<string, number[]>();
    messages.forEach((ws, i) => {
      const k = CUE_KINDS.indexOf(kinds[i] as UserTurnKind);
      if (k >= 0) totals[k]++;
      totals[CUE_KINDS.length]++;
      for (const w of new Set(ws)) {
        let c = counts.get(w);
        if (!c) counts.set(w, (c = new Array<number>(CUE_KINDS.length + 1).fill(0)));
        if (k >= 0) c[k]++;
        c[CUE_KINDS.length]++;
      }
    });
    const kept = [...counts].filter(([, c]) => CUE_KINDS.some((_, k) => logCountRatio(c, totals, k, undefined) > 0)).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return new KindCues({ words: kept.map(([w]) => w), counts: kept.map(([, c]) => c), totals });
  }

  /**
   * The strongest cue of each kind among the words, each in [0, 1]. `own`:
   * the kind of the training message these words come from, whose own counts
   * are left out (so a word seen only in this message is no cue, as it would
   * not be for a new one); absent for new messages.
   */
  strongest(ws: readonly string[], own?: string): Float32Array {
    const ownKind = own === undefined ? undefined : CUE_KINDS.indexOf(own as UserTurnKind);
    const out = new Float32Array(CUE_KINDS.length);
    for (const w of new Set(ws)) {
      const c = this.counts.get(w);
      if (!c) continue;
      for (let k = 0; k < CUE_KINDS.length; k++) out[k] = Math.max(out[k], Math.min(1, logCountRatio(c, this.file.totals, k, ownKind) / FULL_CUE));
    }
    return out;
  }
}

/**
 * Log-count ratio of kind `k` against the rest, add-one smoothed, 0 when
 * fewer than MIN_COUNT of the kind's messages have the word. `ownKind` (-1:
 * a message of no cue kind) leaves that one message out of the counts.
 */
function logCountRatio(c: readonly number[], totals: readonly number[], k: number, ownKind: number | undefined): number {
  const all = CUE_KINDS.length;
  const mine = ownKind === k ? 1 : 0;
  const theirs = ownKind !== undefined && ownKind !== k ? 1 : 0;
  const inKind = c[k] - mine;
  if (inKind < MIN_COUNT) return 0;
  return Math.log((inKind + 1) / (totals[k] - mine + 1)) - Math.log((c[all] - c[k] - theirs + 1) / (totals[all] - totals[k] - theirs + 1));
}
