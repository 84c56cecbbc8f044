import * as tf from '@tensorflow/tfjs-core';
import type { GeneratorParams, LstmLayerParams } from './params.ts';
import { lstmRecurrence } from './recurrence.ts';
import { LSTM_STEPS } from '../runtime/kernels/lstm-steps-wasm.ts';

/** The carried state of one LSTM layer: h and c, each [batch, H]. */
export interface LayerState {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

/** Zero state for every layer at a batch size. */
export function zeroState(p: GeneratorParams, batch: number): LayerState[] {
  const H = p.layers[0].wh.shape[0];
  return p.layers.map(() => ({ h: tf.zeros([batch, H]) as tf.Tensor2D, c: tf.zeros([batch, H]) as tf.Tensor2D }));
}

/** Keeps state tensors alive outside a tidy. */
export function keepState(state: LayerState[]): LayerState[] {
  return state.map(({ h, c }) => ({ h: tf.keep(h), c: tf.keep(c) }));
}

/** Frees state tensors. */
export function disposeState(state: LayerState[]): void {
  for (const { h, c } of state) tf.dispose([h, c]);
}

/**
 * One LSTM step from a precomputed input projection.
 * @param zx [B, 4H] = x·Wx + b
 */
function cell(zx: tf.Tensor2D, s: LayerState, wh: tf.Tensor2D, H: number): LayerState {
  const z = tf.add(zx, tf.matMul(s.h, wh)) as tf.Tensor2D;
  // Gate layout [i | f | o | g]: one sigmoid covers the first 3H columns.
  const ifo = tf.sigmoid(tf.slice(z, [0, 0], [-1, 3 * H]));
  const g = tf.tanh(tf.slice(z, [0, 3 * H], [-1, H]));
  const i = tf.slice(ifo, [0, 0], [-1, H]);
  const f = tf.slice(ifo, [0, H], [-1, H]);
  const o = tf.slice(ifo, [0, 2 * H], [-1, H]);
  const c = tf.add(tf.mul(f, s.c), tf.mul(i, g)) as tf.Tensor2D;
  const h = tf.mul(o, tf.tanh(c)) as tf.Tensor2D;
  return { h, c };
}

/** Zeroes the state of the streams whose input at step t starts a new dialogue. */
function resetWhere(s: LayerState, keep: Float32Array | undefined, t: number, B: number): LayerState {
  if (!keep) return s;
  const row = keep.subarray(t * B, (t + 1) * B);
  if (row.every((v) => v === 1)) return s;
  const m = tf.tensor2d(row, [B, 1]);
  return { h: tf.mul(s.h, m) as tf.Tensor2D, c: tf.mul(s.c, m) as tf.Tensor2D };
}

/** The streams whose input at step t is padding (`hold` 0) keep their previous state. */
function holdWhere(next: LayerState, prev: LayerState, hold: Float32Array | undefined, t: number, B: number): LayerState {
  if (!hold) return next;
  const row = hold.subarray(t * B, (t + 1) * B);
  if (row.every((v) => v === 1)) return next;
  const m = tf.tensor2d(row, [B, 1]);
  const mix = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.add(b, tf.mul(m, tf.sub(a, b))) as tf.Tensor2D;
  return { h: mix(next.h, prev.h), c: mix(next.c, prev.c) };
}

/** `runLayer` for training: the recurrence as one op with a hand-written gradient (recurrence.ts). */
function runLayerFused(layer: LstmLayerParams, x: tf.Tensor2D, T: number, state: LayerState, keep?: Float32Array): { out: tf.Tensor2D; state: LayerState } {
  const H = layer.wh.shape[0];
  const B = x.shape[0] / T;
  const zx = tf.add(tf.matMul(x, layer.wx), layer.b) as tf.Tensor2D;
  const all = lstmRecurrence(zx, layer.wh as tf.Tensor2D, state.h, state.c, T, keep);
  return {
    out: tf.slice(all, [0, 0], [T * B, H]),
    state: { h: tf.slice(all, [(T - 1) * B, 0], [B, H]), c: tf.slice(all, [T * B, 0], [B, H]) },
  };
}

/**
 * The recurrence over T steps of precomputed input projections `zx` [T*B, 4H],
 * without gradients. One sequence (a prompt, a lone reply) runs as one kernel
 * where the backend has `ColloquyLstmSteps` (wasm): its steps are dispatch,
 * not arithmetic. Batches keep ~14 tf ops a step, whose vectorized gates beat
 * the kernel's plain loop from two rows on (a decoder step at 2 rows: 0.70 ms
 * with the kernel, 0.59 with tf ops; at 32 rows 3.3 and 2.7).
 */
function recurrence(zx: tf.Tensor2D, wh: tf.Tensor2D, T: number, state: LayerState, keep?: Float32Array, hold?: Float32Array): { out: tf.Tensor2D; state: LayerState } {
  const [B, H] = state.h.shape;
  if (B === 1 && !keep && !hold && tf.getKernel(LSTM_STEPS, tf.getBackend()) != null) {
    const all = tf.engine().runKernel(LSTM_STEPS, { zx, wh, h: state.h, c: state.c }, { steps: T }) as tf.Tensor2D;
    return {
      out: tf.slice(all, [0, 0], [T * B, H]),
      state: { h: tf.slice(all, [(T - 1) * B, 0], [B, H]), c: tf.slice(all, [T * B, 0], [B, H]) },
    };
  }
  // tf.unstack's gradient breaks on a length-1 axis (tfjs passes a lone tensor, not an array).
  const steps = T === 1 ? [zx] : (tf.unstack(tf.reshape(zx, [T, B, 4 * H])) as tf.Tensor2D[]);
  const outs: tf.Tensor2D[] = [];
  let s = state;
  for (let t = 0; t < T; t++) {
    const prev = resetWhere(s, keep, t, B);
    s = holdWhere(cell(steps[t], prev, wh, H), prev, hold, t, B);
    outs.push(s.h);
  }
  return { out: T === 1 ? s.h : (tf.reshape(tf.stack(outs), [T * B, H]) as tf.Tensor2D), state: s };
}

function runLayer(layer: LstmLayerParams, x: tf.Tensor2D, T: number, state: LayerState, keep?: Float32Array, hold?: Float32Array): { out: tf.Tensor2D; state: LayerState } {
  // Input projection for all timesteps in one matMul: [T*B, 4H].
  const zx = tf.add(tf.matMul(x, layer.wx), layer.b) as tf.Tensor2D;
  return recurrence(zx, layer.wh as tf.Tensor2D, T, state, keep, hold);
}

export interface SequenceOptions {
  /** Dropout rate; 0 at inference. */
  dropout?: number;
  /** Seed for the dropout masks of this call. */
  seed?: number;
  /**
   * [T*B], 0 where a stream starts a new dialogue at that step: its state is
   * zeroed first, so training sees each dialogue as inference does (from zero).
   */
  keep?: Float32Array;
  /**
   * Training: each layer's recurrence runs as one op with a hand-written
   * gradient (fewer kernels; the same values). Not with `hold`.
   */
  training?: boolean;
  /** [T*B], 0 where a stream's input at that step is padding: its state passes through unchanged (inference only). */
  hold?: Float32Array;
}

/**
 * Runs the LSTM stack over a time-major batch of token ids.
 * @param ids int32 [T, B]
 * @returns hidden states of the top layer [T*B, H] (row t*B+b) and the final state per layer
 */
export function runSequence(p: GeneratorParams, ids: tf.Tensor2D, state: LayerState[], opts: SequenceOptions = {}): { hidden: tf.Tensor2D; state: LayerState[] } {
  const { dropout = 0, seed, keep, hold, training = false } = opts;
  const T = ids.shape[0];
  const drop = (x: tf.Tensor2D, k: number) => (dropout > 0 ? (tf.dropout(x, dropout, undefined, seed === undefined ? undefined : seed * 31 + k) as tf.Tensor2D) : x);
  let x = drop(tf.gather(p.embedding, tf.reshape(ids, [-1])) as tf.Tensor2D, 0);
  const finals: LayerState[] = [];
  p.layers.forEach((layer, i) => {
    const r = training && !hold ? runLayerFused(layer, x, T, state[i], keep) : runLayer(layer, x, T, state[i], keep, hold);
    finals.push(r.state);
    x = drop(r.out, i + 1);
  });
  return { hidden: x, state: finals };
}

/** Logits over the vocabulary for hidden rows: [N, H] → [N, V]. */
export function project(p: GeneratorParams, hidden: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(hidden, p.outW), p.outB) as tf.Tensor2D;
}

/**
 * The first layer's input projection for every token, [V, 4H]: during
 * decoding a gather replaces embedding lookup + matMul (PERFORMANCE.md).
 */
export function inputTable(p: GeneratorParams): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(p.embedding, p.layers[0].wx), p.layers[0].b) as tf.Tensor2D);
}

/**
 * One decoding step for a batch of sequences, each with its own carried state.
 * @param tokens int32 [n]: the last token of each sequence
 * @param table the result of inputTable(p)
 * @returns logits [n, V] and the new state
 */
export function decodeStep(p: GeneratorParams, table: tf.Tensor2D, tokens: tf.Tensor1D, state: LayerState[]): { logits: tf.Tensor2D; state: LayerState[] } {
  return decodeStepFrom(p, tf.gather(table, tokens) as tf.Tensor2D, state);
}

/**
 * `decodeStep` from the first layer's input projection of each sequence's
 * token, i.e. its rows of inputTable(p) (a caller may copy them itself:
 * cheaper than the wasm gather kernel at larger batches).
 * @param zx0 [n, 4H]
 */
export function decodeStepFrom(p: GeneratorParams, zx0: tf.Tensor2D, state: LayerState[]): { logits: tf.Tensor2D; state: LayerState[] };
/** With `logitRows`: logits only for those rows, in that order (null for none) — rows still reading a prompt need none. */
export function decodeStepFrom(p: GeneratorParams, zx0: tf.Tensor2D, state: LayerState[], logitRows: number[]): { logits: tf.Tensor2D | null; state: LayerState[] };
export function decodeStepFrom(p: GeneratorParams, zx0: tf.Tensor2D, state: LayerState[], logitRows?: number[]): { logits: tf.Tensor2D | null; state: LayerState[] } {
  const next: LayerState[] = [];
  let zx = zx0;
  p.layers.forEach((layer, i) => {
    const s = recurrence(zx, layer.wh as tf.Tensor2D, 1, state[i]).state;
    next.push(s);
    if (i + 1 < p.layers.length) zx = tf.add(tf.matMul(s.h, p.layers[i + 1].wx), p.layers[i + 1].b) as tf.Tensor2D;
  });
  const top = next[next.length - 1].h;
  if (logitRows === undefined) return { logits: project(p, top), state: next };
  if (logitRows.length === 0) return { logits: null, state: next };
  return { logits: project(p, tf.gather(top, tf.tensor1d(Int32Array.from(logitRows), 'int32')) as tf.Tensor2D), state: next };
}
