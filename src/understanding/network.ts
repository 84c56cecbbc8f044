/**
 * The scorer's network, small enough to run in plain TypeScript in a few
 * microseconds: the mean of a message's feature embeddings (words, word pairs,
 * character n-grams) beside a few dense inputs, one tanh layer, then two
 * softmax heads — the message's kind (ordinary, off-topic, asks for a person,
 * frustrated) and its intent. Trained by plain SGD that touches only the
 * embedding rows a message uses (fastText's trick), so a pass over 100k turns
 * takes seconds on one core.
 */
import { ColloquyError } from '../errors.ts';
import { createRng } from '../util/random.ts';

/** Shapes of a scorer network. */
export interface NetworkShape {
  /** Embedding rows (vocabulary + hashed buckets). */
  rows: number;
  /** Embedding width. */
  dim: number;
  /** Dense inputs beside the pooled embedding. */
  dense: number;
  hidden: number;
  kinds: number;
  /** 0 when the training data has no intents. */
  intents: number;
}

/** What the network says about one message. */
export interface Forward {
  /** Pooled embedding followed by the dense inputs: [dim + dense]. */
  x: Float32Array;
  /** [hidden] */
  h: Float32Array;
  /** Kind probabilities: [kinds]. */
  kind: Float32Array;
  /** Intent probabilities: [intents]. */
  intent: Float32Array;
}

export class Network {
  readonly emb: Float32Array;
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly wk: Float32Array;
  readonly bk: Float32Array;
  readonly wi: Float32Array;
  readonly bi: Float32Array;

  constructor(readonly shape: NetworkShape, arrays?: Float32Array[], seed = 1) {
    const { rows, dim, dense, hidden, kinds, intents } = shape;
    const sizes = [rows * dim, hidden * (dim + dense), hidden, kinds * hidden, kinds, intents * hidden, intents];
    if (arrays) {
      if (arrays.length !== sizes.length || arrays.some((a, i) => a.length !== sizes[i])) throw new ColloquyError('model_file_corrupt', `The scorer weights do not match the shape ${JSON.stringify(shape)}`, 'Retrain the scorer: colloquy scorer --help.');
      [this.emb, this.w1, this.b1, this.wk, this.bk, this.wi, this.bi] = arrays;
      return;
    }
    const rand = createRng(seed);
    const uniform = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
    this.emb = uniform(rows * dim, 1 / dim);
    this.w1 = uniform(hidden * (dim + dense), Math.sqrt(6 / (dim + dense + hidden)));
    this.b1 = new Float32Array(hidden);
    this.wk = uniform(kinds * hidden, Math.sqrt(6 / (hidden + kinds)));
    this.bk = new Float32Array(kinds);
    this.wi = uniform(intents * hidden, Math.sqrt(6 / (hidden + Math.max(intents, 1))));
    this.bi = new Float32Array(intents);
  }

  /** The weights in a fixed order (what the scorer file stores). */
  arrays(): Float32Array[] {
    return [this.emb, this.w1, this.b1, this.wk, this.bk, this.wi, this.bi];
  }

  forward(rows: number[], dense: Float32Array): Forward {
    const { dim, hidden, kinds, intents } = this.shape;
    const width = dim + dense.length;
    const x = new Float32Array(width);
    if (rows.length) {
      for (const r of rows) {
        const o = r * dim;
        for (let j = 0; j < dim; j++) x[j] += this.emb[o + j];
      }
      for (let j = 0; j < dim; j++) x[j] /= rows.length;
    }
    x.set(dense, dim);
    const h = new Float32Array(hidden);
    for (let i = 0; i < hidden; i++) {
      let s = this.b1[i];
      const o = i * width;
      for (let j = 0; j < width; j++) s += this.w1[o + j] * x[j];
      h[i] = Math.tanh(s);
    }
    return { x, h, kind: softmaxLayer(this.wk, this.bk, h, kinds), intent: softmaxLayer(this.wi, this.bi, h, intents) };
  }

  /**
   * One SGD step on one message: `kinds` are the kinds it may be (one, or
   * several whose summed probability the step raises); `intent` < 0 when it
   * has none. Returns the example's loss (kind plus intent cross-entropy).
   */
  train(rows: number[], dense: Float32Array, kinds: readonly number[], intent: number, lr: number): number {
    const { dim, hidden, intents } = this.shape;
    const width = dim + dense.length;
    const f = this.forward(rows, dense);
    // d(−log Σ_{k∈S} p_k)/dz_j = p_j − [j ∈ S] p_j / Σ_{k∈S} p_k
    const allowed = kinds.reduce((sum, k) => sum + f.kind[k], 0);
    const dk = f.kind.slice();
    for (const k of kinds) dk[k] -= f.kind[k] / Math.max(allowed, 1e-12);
    let loss = -Math.log(Math.max(allowed, 1e-12));
    const di = new Float32Array(intents);
    if (intent >= 0) {
      di.set(f.intent);
      di[intent] -= 1;
      loss -= Math.log(Math.max(f.intent[intent], 1e-12));
    }
    // back through the heads (before they change), then update them
    const dh = new Float32Array(hidden);
    backHead(this.wk, this.bk, dk, f.h, dh, this.shape.kinds, lr);
    if (intent >= 0) backHead(this.wi, this.bi, di, f.h, dh, intents, lr);
    const dx = new Float32Array(width);
    for (let i = 0; i < hidden; i++) {
      const dz = dh[i] * (1 - f.h[i] * f.h[i]);
      if (dz === 0) continue;
      const o = i * width;
      for (let j = 0; j < width; j++) {
        dx[j] += this.w1[o + j] * dz;
        this.w1[o + j] -= lr * dz * f.x[j];
      }
      this.b1[i] -= lr * dz;
    }
    // only the rows this message used move
    if (rows.length) {
      const scale = lr / rows.length;
      for (const r of rows) {
        const o = r * dim;
        for (let j = 0; j < dim; j++) this.emb[o + j] -= scale * dx[j];
      }
    }
    return loss;
  }
}

function softmaxLayer(w: Float32Array, b: Float32Array, h: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n);
  if (!n) return out;
  const hidden = h.length;
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    let s = b[k];
    const o = k * hidden;
    for (let j = 0; j < hidden; j++) s += w[o + j] * h[j];
    out[k] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let k = 0; k < n; k++) sum += out[k] = Math.exp(out[k] - max);
  for (let k = 0; k < n; k++) out[k] /= sum;
  return out;
}

/** Adds the head's gradient with respect to `h` into `dh`, then takes the SGD step on the head. */
function backHead(w: Float32Array, b: Float32Array, d: Float32Array, h: Float32Array, dh: Float32Array, n: number, lr: number): void {
  const hidden = h.length;
  for (let k = 0; k < n; k++) {
    const g = d[k];
    if (g === 0) continue;
    const o = k * hidden;
    for (let j = 0; j < hidden; j++) {
      dh[j] += w[o + j] * g;
      w[o + j] -= lr * g * h[j];
    }
    b[k] -= lr * g;
  }
}
