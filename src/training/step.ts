import * as tf from '@tensorflow/tfjs-core';
import '../runtime/gradients.ts';
import { disposeState, keepState, runSequence, project, type LayerState } from '../model/lstm.ts';
import { sparseCrossEntropy, rowNll } from '../model/loss.ts';
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
 * One optimizer step on a chunk: forward with carried state, loss on the
 * bot-side positions only, clipped gradients, Adam, decoupled weight decay.
 * The incoming state is freed; the returned state is detached and kept.
 * @returns the mean loss (NaN when the chunk has no targets) and the new state
 */
export function trainStep(p: GeneratorParams, optimizer: tf.AdamOptimizer, chunk: Chunk, state: LayerState[], s: StepSettings): { loss: number; state: LayerState[] } {
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
    const r = runSequence(p, ids, state, { dropout: s.dropout, seed: s.seed, keep: chunk.keep });
    next = keepState(r.state);
    const rows = tf.gather(r.hidden, tf.tensor1d(chunk.positions, 'int32')) as tf.Tensor2D;
    return sparseCrossEntropy(project(p, rows), tf.tensor1d(chunk.labels, 'int32'));
  }, vars);
  const loss = value.dataSync()[0];
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
  tf.dispose([value, ...Object.values(grads)]);
  disposeState(state);
  return { loss, state: next };
}

/**
 * Teacher-forced loss of a chunk without gradients: the NLL of every target
 * position, so callers can sum by turn or by corpus.
 */
export function evalChunk(p: GeneratorParams, chunk: Chunk, state: LayerState[], batch: number): { nll: Float32Array; state: LayerState[] } {
  const T = chunk.inputs.length / batch;
  let nll: Float32Array = new Float32Array(0);
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
