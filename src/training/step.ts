import * as tf from '@tensorflow/tfjs-core';
import '../runtime/gradients.ts';
import { disposeState, keepState, runSequence, project, type LayerState } from '../model/lstm.ts';
import { sparseCrossEntropy, rowNll } from '../model/loss.ts';
import { advanceMemory, copyMasks, copyTargetLogProb, statesBefore, type CopyMemory } from '../model/copy.ts';
import { namedWeights, type GeneratorParams } from '../model/params.ts';
import type { Chunk } from './stream-batches.ts';
import { tidyKeep } from '../util/tidy.ts';

export interface StepSettings {
  batch: number;
  dropout: number;
  clipNorm: number;
  learningRate: number;
  weightDecay: number;
  seed: number;
}

/**
 * Copy models: loss rows under the copy mixture, and the next memory.
 * @returns −log p(target) per row, [N], and the memory for the next chunk (kept)
 */
function copyNll(p: GeneratorParams, chunk: Chunk, hidden: tf.Tensor2D, hStart: tf.Tensor2D, memory: CopyMemory, batch: number): { nll: tf.Tensor1D | null; memory: CopyMemory } {
  const before = statesBefore(hidden, hStart, memory, batch);
  const next = advanceMemory(before, memory, chunk.inputs, batch);
  if (chunk.positions.length === 0) return { nll: null, memory: next };
  const positions = tf.tensor1d(chunk.positions, 'int32');
  const labels = tf.tensor1d(chunk.labels, 'int32');
  const masks = copyMasks(memory.ids, chunk.inputs, batch, chunk.positions, chunk.labels, memory.window);
  const logits = project(p, tf.gather(hidden, positions) as tf.Tensor2D);
  const logProb = copyTargetLogProb(p.copy!, { hidden, before, B: batch, positions, logits, labels, masks });
  return { nll: tf.neg(logProb), memory: next };
}

/**
 * One optimizer step on a chunk: forward with carried state, loss on the
 * bot-side positions only, clipped gradients, Adam, decoupled weight decay.
 * The incoming state is freed; the returned state is detached and kept.
 * Copy models pass their `memory` of the previous chunks (emptyCopyMemory at
 * the start; freed here, the next one returned); without it the copy part
 * is neither used nor trained.
 * @returns the mean loss (NaN when the chunk has no targets), the new state and, for copy models, the next memory
 */
export function trainStep(p: GeneratorParams, optimizer: tf.AdamOptimizer, chunk: Chunk, state: LayerState[], s: StepSettings, memory?: CopyMemory): { loss: number; state: LayerState[]; memory?: CopyMemory } {
  if (p.copy && memory) return copyTrainStep(p, optimizer, chunk, state, s, memory);
  const T = chunk.inputs.length / s.batch;
  const vars = namedWeights(p).map((w) => w.variable);
  let next: LayerState[] = [];
  if (chunk.positions.length === 0) {
    next = tidyKeep(() => keepState(runSequence(p, tf.tensor2d(chunk.inputs, [T, s.batch], 'int32'), state, { keep: chunk.keep }).state));
    disposeState(state);
    return { loss: NaN, state: next };
  }
  const { value, grads } = tf.variableGrads(() => {
    const ids = tf.tensor2d(chunk.inputs, [T, s.batch], 'int32');
    const r = runSequence(p, ids, state, { dropout: s.dropout, seed: s.seed, keep: chunk.keep, training: true });
    next = keepState(r.state);
    const rows = tf.gather(r.hidden, tf.tensor1d(chunk.positions, 'int32')) as tf.Tensor2D;
    return sparseCrossEntropy(project(p, rows), tf.tensor1d(chunk.labels, 'int32'));
  }, vars);
  const loss = value.dataSync()[0];
  applyGradients(optimizer, vars, grads, s);
  tf.dispose([value, ...Object.values(grads)]);
  disposeState(state);
  return { loss, state: next };
}

/** `trainStep` for copy models: the loss is the mixture's, and the copy memory moves on (the old one is freed). */
function copyTrainStep(p: GeneratorParams, optimizer: tf.AdamOptimizer, chunk: Chunk, state: LayerState[], s: StepSettings, memory: CopyMemory): { loss: number; state: LayerState[]; memory: CopyMemory } {
  const T = chunk.inputs.length / s.batch;
  const vars = namedWeights(p).map((w) => w.variable);
  let next: LayerState[] = [];
  let nextMemory!: CopyMemory;
  const hStart = state[state.length - 1].h;
  if (chunk.positions.length === 0) {
    next = tidyKeep(() => {
      const r = runSequence(p, tf.tensor2d(chunk.inputs, [T, s.batch], 'int32'), state, { keep: chunk.keep });
      nextMemory = copyNll(p, chunk, r.hidden, hStart, memory, s.batch).memory;
      return keepState(r.state);
    });
    disposeState(state);
    memory.h.dispose();
    return { loss: NaN, state: next, memory: nextMemory };
  }
  const { value, grads } = tf.variableGrads(() => {
    const r = runSequence(p, tf.tensor2d(chunk.inputs, [T, s.batch], 'int32'), state, { dropout: s.dropout, seed: s.seed, keep: chunk.keep, training: true });
    next = keepState(r.state);
    const c = copyNll(p, chunk, r.hidden, hStart, memory, s.batch);
    nextMemory = c.memory;
    return tf.mean(c.nll!) as tf.Scalar;
  }, vars);
  const loss = value.dataSync()[0];
  applyGradients(optimizer, vars, grads, s);
  tf.dispose([value, ...Object.values(grads)]);
  disposeState(state);
  memory.h.dispose();
  return { loss, state: next, memory: nextMemory };
}

/** Clipped Adam update plus decoupled weight decay on the weight matrices. */
function applyGradients(optimizer: tf.AdamOptimizer, vars: tf.Variable[], grads: tf.NamedTensorMap, s: StepSettings): void {
  tf.tidy(() => {
    const list = vars.map((v) => ({ name: v.name, tensor: grads[v.name] }));
    const norm = Math.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g.tensor)))).dataSync()[0]);
    const scale = norm > s.clipNorm ? s.clipNorm / norm : 1;
    (optimizer as unknown as { learningRate: number }).learningRate = s.learningRate;
    optimizer.applyGradients(scale === 1 ? list : list.map((g) => ({ name: g.name, tensor: tf.mul(g.tensor, scale) })));
    if (s.weightDecay > 0) {
      for (const v of vars) if (v.rank === 2) v.assign(tf.mul(v, 1 - s.learningRate * s.weightDecay));
    }
  });
}

/**
 * Teacher-forced loss of a chunk without gradients: the NLL of every target
 * position, so callers can sum by turn or by corpus.
 */
export function evalChunk(p: GeneratorParams, chunk: Chunk, state: LayerState[], batch: number, memory?: CopyMemory): { nll: Float32Array; state: LayerState[]; memory?: CopyMemory } {
  const T = chunk.inputs.length / batch;
  let nll: Float32Array = new Float32Array(0);
  if (p.copy && memory) {
    let nextMemory!: CopyMemory;
    const next = tidyKeep(() => {
      const r = runSequence(p, tf.tensor2d(chunk.inputs, [T, batch], 'int32'), state, { keep: chunk.keep });
      const c = copyNll(p, chunk, r.hidden, state[state.length - 1].h, memory, batch);
      nextMemory = c.memory;
      if (c.nll) nll = c.nll.dataSync() as Float32Array;
      return keepState(r.state);
    });
    disposeState(state);
    memory.h.dispose();
    return { nll, state: next, memory: nextMemory };
  }
  const next = tidyKeep(() => {
    const r = runSequence(p, tf.tensor2d(chunk.inputs, [T, batch], 'int32'), state, { keep: chunk.keep });
    if (chunk.positions.length > 0) {
      const rows = tf.gather(r.hidden, tf.tensor1d(chunk.positions, 'int32')) as tf.Tensor2D;
      nll = rowNll(project(p, rows), tf.tensor1d(chunk.labels, 'int32'));
    }
    return keepState(r.state);
  });
  disposeState(state);
  return { nll, state: next };
}
