import * as tf from '@tensorflow/tfjs-core';
import { FIRST_COPYABLE_ID } from './copy.ts';
import type { GeneratorParams } from './params.ts';

/**
 * What one sequence being decoded can copy from: the last `window` positions
 * it has read, each with its key (W_k of the state before reading it). Never
 * mutated: a step makes a new one, so beams may share a parent's memory.
 */
export interface SequenceMemory {
  keys: Float32Array[];
  ids: number[];
  /** Key of the token that will be read next (W_k h_t): it is known only after the step. */
  pending: Float32Array;
}

/**
 * Decoding with the copy mixture: from the top-layer states after each token,
 * the keys, queries and gates (one matMul), then in JS the attention over each
 * sequence's memory and the mixed distribution over the vocabulary.
 */
export class CopyDecoding {
  /** [H, 2A + 1] = [W_q | W_k | w_g] */
  private readonly weights: tf.Tensor2D;
  private readonly bias: number;
  private readonly A: number;
  readonly window: number;

  constructor(p: GeneratorParams) {
    const c = p.copy!;
    this.A = c.wq.shape[1] as number;
    this.window = c.window;
    this.weights = tf.concat([c.wq, c.wk, c.wg], 1) as tf.Tensor2D;
    this.bias = c.bg.dataSync()[0];
  }

  /** Per row of `h` [n, H]: query, key and gate logit, in JS memory. */
  private project(h: tf.Tensor2D): { q: Float32Array; k: Float32Array; z: number }[] {
    const n = h.shape[0];
    const W = 2 * this.A + 1;
    const product = tf.matMul(h, this.weights);
    const flat = product.dataSync() as Float32Array; // read outside tf.tidy: a tidy walks every element of a returned typed array
    product.dispose();
    return Array.from({ length: n }, (_, i) => {
      const row = flat.subarray(i * W, (i + 1) * W);
      return { q: row.slice(0, this.A), k: row.slice(this.A, 2 * this.A), z: row[2 * this.A] + this.bias };
    });
  }

  /** The memory of a sequence that has read nothing yet (zero state: a zero key comes next). */
  empty(): SequenceMemory {
    return { keys: [], ids: [], pending: new Float32Array(this.A) };
  }

  /**
   * Sequences read `chunks[b]` and are now in the top-layer states `hidden`
   * ([C*B, H], row t*B+b; a chunk shorter than C is right-aligned, its first
   * token at step C − length): every token is remembered with the key of the
   * state before it.
   * @returns the new memories and, per sequence, the query and gate logit after its last token
   */
  read(chunks: number[][], memories: SequenceMemory[], hidden: tf.Tensor2D): { memories: SequenceMemory[]; last: { q: Float32Array; z: number }[] } {
    const B = chunks.length;
    const rows = this.project(hidden);
    const C = hidden.shape[0] / B;
    const next = memories.map((m, b) => {
      const offset = C - chunks[b].length;
      let keys = [...m.keys];
      let ids = [...m.ids];
      let pending = m.pending;
      chunks[b].forEach((id, t) => {
        keys.push(pending);
        ids.push(id);
        pending = rows[(offset + t) * B + b].k;
      });
      const cut = Math.max(0, ids.length - this.window);
      if (cut > 0) [keys, ids] = [keys.slice(cut), ids.slice(cut)];
      return { keys, ids, pending };
    });
    return { memories: next, last: chunks.map((_, b) => rows[(C - 1) * B + b]) };
  }

  /**
   * Logits of the mixture: log(g·softmax(logits) + (1 − g)·Σ_s attn(s)·[ids_s = w])
   * plus logsumexp(logits), a constant that makes them equal the vocabulary
   * logits wherever copying adds nothing (so the repetition penalty, which
   * scales logits, acts alike on copy and plain models); the logits unchanged
   * when the memory holds nothing copyable.
   */
  mix(logits: Float32Array, memory: SequenceMemory, q: Float32Array, z: number): Float32Array {
    // Attention over the copyable positions, as each target id's share of the copy mass.
    const scale = 1 / Math.sqrt(this.A);
    const scores: number[] = [];
    const targets: number[] = [];
    let top = -Infinity;
    for (let s = 0; s < memory.ids.length; s++) {
      const id = memory.ids[s];
      if (id < FIRST_COPYABLE_ID || id >= logits.length) continue;
      const k = memory.keys[s];
      let d = 0;
      for (let a = 0; a < q.length; a++) d += q[a] * k[a];
      scores.push(d * scale);
      targets.push(id);
      if (d * scale > top) top = d * scale;
    }
    if (scores.length === 0) return logits;
    let z2 = 0;
    for (let j = 0; j < scores.length; j++) z2 += scores[j] = Math.exp(scores[j] - top);
    const share = new Map<number, number>();
    targets.forEach((id, j) => share.set(id, (share.get(id) ?? 0) + scores[j] / z2));
    // Where nothing is copied, log(g·softmax(l)_w) + lse = l_w + log g: only the targets need the full formula.
    let max = -Infinity;
    for (let w = 0; w < logits.length; w++) if (logits[w] > max) max = logits[w];
    let sum = 0;
    for (let w = 0; w < logits.length; w++) sum += Math.exp(logits[w] - max);
    const lse = max + Math.log(sum);
    const gate = 1 / (1 + Math.exp(-z));
    const logGate = Math.log(gate);
    const out = new Float32Array(logits.length);
    for (let w = 0; w < logits.length; w++) out[w] = logits[w] + logGate;
    for (const [id, c] of share) out[id] = Math.log(gate * Math.exp(logits[id] - lse) + (1 - gate) * c) + lse;
    return out;
  }

  /** Frees the stacked weights. */
  dispose(): void {
    this.weights.dispose();
  }
}
