import * as tf from '@tensorflow/tfjs-core';
import { SPECIAL_TOKENS } from '../tokenizer/index.ts';
import { targetLogSoftmax } from './loss.ts';
import type { CopyParams, GeneratorParams } from './params.ts';

/**
 * The copy (pointer-sentinel) mixture, teacher-forced: for a prediction after
 * reading x_t with top-layer state h_t,
 *
 *   p(w) = g_t · softmax(logits_t)(w) + (1 − g_t) · Σ_{s ∈ window, x_s = w} attn_t(s)
 *
 * with key_s = W_k h_{s−1} (the state *before* reading x_s, so "after copying
 * x_s, copy x_{s+1}" is learnable for multi-piece names and numbers),
 * q_t = W_q h_t, attn_t = softmax over s of q_t·key_s / √A, and the sentinel
 * gate g_t = sigmoid(w_g·h_t + b_g). Only the target's probability is needed,
 * so the copy part is Σ attn·[x_s = target] through an equality mask built in
 * JS: no [T, V] copy tensor. Positions are copyable when they hold a non-special
 * token, lie in the same dialogue and within the last `window` positions.
 */

const DIALOGUE_START = SPECIAL_TOKENS.indexOf('<dlg>');
/** Ids below this are special tokens (padding, role tags, end of turn): never copied. */
export const FIRST_COPYABLE_ID = SPECIAL_TOKENS.length;
/** Added to the scores of positions that may not be copied. */
const MASKED = -1e9;

/**
 * Detached memory of each stream's latest positions, carried from chunk to
 * chunk in training so a prediction reaches `window` positions back even at
 * the start of a chunk. Rows are stream-major: slot m of stream b is b*M+m.
 */
export interface CopyMemory {
  /** [B, M, H] the top-layer state before reading each remembered token. */
  h: tf.Tensor3D;
  /** [B*M] the remembered tokens, -1 for empty slots. */
  ids: Int32Array;
  /** The model's copy window. */
  window: number;
}

/** Slots of training memory for a window: the current input is in the chunk, so window − 1 earlier ones. */
export function memorySlots(window: number): number {
  return Math.max(1, window - 1);
}

/** Empty memory for `batch` streams. */
export function emptyCopyMemory(p: GeneratorParams, batch: number, window: number): CopyMemory {
  const H = p.layers[0].wh.shape[0];
  const M = memorySlots(window);
  return { h: tf.zeros([batch, M, H]) as tf.Tensor3D, ids: new Int32Array(batch * M).fill(-1), window };
}

/** Frees a memory's tensor. */
export function disposeCopyMemory(m: CopyMemory | undefined): void {
  m?.h.dispose();
}

/** Which earlier positions each target row may copy from, as float masks [N, L] (L = memory slots + T). */
export interface CopyMasks {
  /** 0 where copyable, a large negative number elsewhere (added to the scores). */
  allowed: Float32Array;
  /** 1 where copyable and the token equals the row's target. */
  matches: Float32Array;
  /** [N] 1 when the row has at least one copyable position, else 0 (the vocabulary alone predicts). */
  available: Float32Array;
  /** Positions per row: memory slots + T. */
  L: number;
}

/**
 * The masks for the target rows of a time-major chunk.
 * @param memoryIds stream-major [B*M] ids of the memory (-1 empty), or undefined for none
 * @param inputs time-major [T*B] input ids
 * @param positions target rows t*B+b; labels their targets
 */
export function copyMasks(memoryIds: Int32Array | undefined, inputs: Int32Array, B: number, positions: Int32Array, labels: Int32Array, window: number): CopyMasks {
  const T = inputs.length / B;
  const M = memoryIds ? memoryIds.length / B : 0;
  const L = M + T;
  const N = positions.length;
  const allowed = new Float32Array(N * L).fill(MASKED);
  const matches = new Float32Array(N * L);
  const available = new Float32Array(N);
  // Per stream: its combined ids and where the dialogue of each position started.
  const ids = new Int32Array(L);
  const start = new Int32Array(L);
  let stream = -1;
  const load = (b: number) => {
    for (let l = 0; l < L; l++) ids[l] = l < M ? memoryIds![b * M + l] : inputs[(l - M) * B + b];
    let last = 0;
    for (let l = 0; l < L; l++) {
      if (ids[l] === DIALOGUE_START) last = l;
      start[l] = last;
    }
    stream = b;
  };
  for (let i = 0; i < N; i++) {
    const b = positions[i] % B;
    const t = (positions[i] - b) / B;
    if (b !== stream) load(b);
    const now = M + t;
    const from = Math.max(start[now], now - window + 1);
    for (let s = from; s <= now; s++) {
      if (ids[s] < FIRST_COPYABLE_ID) continue;
      allowed[i * L + s] = 0;
      available[i] = 1;
      if (ids[s] === labels[i]) matches[i * L + s] = 1;
    }
  }
  return { allowed, matches, available, L };
}

/** The last M positions of memory + chunk ids per stream: the next chunk's memory ids. */
export function nextMemoryIds(memoryIds: Int32Array, inputs: Int32Array, B: number): Int32Array {
  const M = memoryIds.length / B;
  const T = inputs.length / B;
  const L = M + T;
  const out = new Int32Array(B * M);
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < M; m++) {
      const l = L - M + m;
      out[b * M + m] = l < M ? memoryIds[b * M + l] : inputs[(l - M) * B + b];
    }
  }
  return out;
}

/**
 * The top-layer state before each position of memory + chunk, [B, L, H]:
 * h_{t−1} for the chunk (the carried state for t = 0) after the memory's.
 * @param hidden [T*B, H] states after each input (row t*B+b)
 * @param hStart [B, H] the state before the chunk's first input
 */
export function statesBefore(hidden: tf.Tensor2D, hStart: tf.Tensor2D, memory: CopyMemory | undefined, B: number): tf.Tensor3D {
  const H = hidden.shape[1];
  const T = hidden.shape[0] / B;
  const prev = T > 1 ? tf.concat([hStart, tf.slice(hidden, [0, 0], [(T - 1) * B, H])]) : hStart;
  const chunkBefore = tf.transpose(tf.reshape(prev, [T, B, H]), [1, 0, 2]) as tf.Tensor3D;
  return (memory ? tf.concat([memory.h, chunkBefore], 1) : chunkBefore) as tf.Tensor3D;
}

export interface CopyForward {
  /** [T*B, H] top-layer states after each input (row t*B+b). */
  hidden: tf.Tensor2D;
  /** statesBefore(…) for the same chunk. */
  before: tf.Tensor3D;
  B: number;
  /** int32 [N] target rows of `hidden`. */
  positions: tf.Tensor1D;
  /** [N, V] vocabulary logits of those rows. */
  logits: tf.Tensor2D;
  labels: tf.Tensor1D;
  masks: CopyMasks;
}

/** log p(target) under the mixture for every target row (differentiable), [N]. */
export function copyTargetLogProb(c: CopyParams, f: CopyForward): tf.Tensor1D {
  const { hidden, before, B, masks } = f;
  const H = hidden.shape[1];
  const T = hidden.shape[0] / B;
  const A = c.wq.shape[1] as number;
  const N = f.positions.shape[0];
  const L = masks.L;
  const keys = tf.reshape(tf.matMul(tf.reshape(before, [B * L, H]), c.wk), [B, L, A]);
  const queries = tf.transpose(tf.reshape(tf.matMul(hidden, c.wq), [T, B, A]), [1, 0, 2]);
  const scores = tf.mul(tf.matMul(queries, keys, false, true), 1 / Math.sqrt(A)); // [B, T, L]
  const rows = tf.gather(tf.reshape(tf.transpose(scores, [1, 0, 2]), [T * B, L]), f.positions);
  const attn = tf.softmax(tf.add(rows, tf.tensor2d(masks.allowed, [N, L])));
  const copied = tf.sum(tf.mul(attn, tf.tensor2d(masks.matches, [N, L])), 1);
  const z = tf.reshape(tf.add(tf.matMul(tf.gather(hidden, f.positions), c.wg), c.bg), [N]);
  const available = tf.tensor1d(masks.available);
  // Rows with nothing to copy: log g = 0 and log(1 − g) very negative, so p = p_vocab.
  // log σ(z) = −softplus(−z); tf.logSigmoid's gradient reads a freed tensor under variableGrads.
  const logGate = tf.mul(tf.neg(tf.softplus(tf.neg(z))), available);
  const logNotGate = tf.sub(tf.mul(tf.sub(available, 1), 1e4), tf.softplus(z));
  const fromVocab = tf.add(logGate, targetLogSoftmax(f.logits, f.labels));
  const fromCopy = tf.add(logNotGate, tf.log(tf.add(copied, 1e-30)));
  return tf.logSumExp(tf.stack([fromVocab, fromCopy], 1), 1) as tf.Tensor1D;
}

/** The next chunk's memory: the last M states-before and ids (detached, kept). */
export function advanceMemory(before: tf.Tensor3D, memory: CopyMemory, inputs: Int32Array, B: number): CopyMemory {
  const [, L, H] = before.shape;
  const M = memory.ids.length / B;
  return { h: tf.keep(tf.slice(before, [0, L - M, 0], [B, M, H])), ids: nextMemoryIds(memory.ids, inputs, B), window: memory.window };
}
