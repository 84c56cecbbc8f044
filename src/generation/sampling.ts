/**
 * Choosing the next token from logits, in plain JS on a [V] Float32Array
 * (cheaper than more tensor kernels at batch 1).
 */

/** log-softmax of logits / temperature. */
export function logSoftmax(logits: Float32Array, temperature = 1): Float32Array {
  const out = new Float32Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    out[i] = logits[i] / temperature;
    if (out[i] > max) max = out[i];
  }
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += Math.exp(out[i] - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < out.length; i++) out[i] -= lse;
  return out;
}

/**
 * CTRL-style repetition penalty: logits of tokens already in the reply are
 * divided by `penalty` when positive, multiplied when negative. Returns a copy.
 */
export function penalizeRepeats(logits: Float32Array, seen: Iterable<number>, penalty: number, exempt: ReadonlySet<number> = new Set()): Float32Array {
  const out = logits.slice();
  if (penalty === 1) return out;
  for (const id of new Set(seen)) {
    if (exempt.has(id)) continue;
    out[id] = out[id] > 0 ? out[id] / penalty : out[id] * penalty;
  }
  return out;
}

/** Index of the largest value. */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Indices of the k largest values, best first. */
export function topIndices(values: Float32Array, k: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (idx.length < k) {
      idx.push(i);
      idx.sort((a, b) => values[b] - values[a]);
    } else if (values[i] > values[idx[k - 1]]) {
      idx[k - 1] = i;
      idx.sort((a, b) => values[b] - values[a]);
    }
  }
  return idx;
}

/**
 * Samples from log-probabilities restricted to the top-k tokens and then to
 * the smallest set whose probability reaches top-p (nucleus).
 */
export function sampleToken(logProbs: Float32Array, rng: () => number, topK = 0, topP = 1): number {
  const candidates = topK > 0 ? topIndices(logProbs, Math.min(topK, logProbs.length)) : Array.from(logProbs.keys()).sort((a, b) => logProbs[b] - logProbs[a]);
  const kept: number[] = [];
  let mass = 0;
  for (const id of candidates) {
    kept.push(id);
    mass += Math.exp(logProbs[id]);
    if (mass >= topP) break;
  }
  let r = rng() * mass;
  for (const id of kept) {
    r -= Math.exp(logProbs[id]);
    if (r <= 0) return id;
  }
  return kept[kept.length - 1];
}
