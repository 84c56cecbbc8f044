/**
 * The fast training step (hand-written LSTM, sparse cross-entropy with its own
 * gradient, the project's wasm/cpu kernels) computes the same thing as a
 * straightforward implementation: a plain LSTM written with tfjs ops,
 * differentiated by tfjs autodiff, with tfjs's dense softmax cross-entropy.
 * Same initial weights, same chunks (with dialogue resets and carried state),
 * same Adam: the gradients and the loss curve must match, on wasm and cpu.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../../src/runtime/gradients.ts';
import { sparseCrossEntropy } from '../../src/model/loss.ts';
import { disposeState, keepState, project, runSequence, zeroState, type LayerState } from '../../src/model/lstm.ts';
import { disposeParams, initParams, namedWeights, type GeneratorParams } from '../../src/model/params.ts';
import { initBackend, type BackendName } from '../../src/runtime/backend.ts';
import { trainStep } from '../../src/training/step.ts';
import { buildStreams, chunkAt, type Chunk } from '../../src/training/stream-batches.ts';
import { createRng } from '../../src/util/random.ts';

const CONFIG = { vocabSize: 60, embedDim: 12, hiddenSize: 24, layers: 2, dropout: 0 };
const B = 4;
const T = 10;
const STEPS = 8;

/** Random dialogues `<dlg> <user> words <eot> <bot> words <eot>` with the bot side as targets. */
function dialogues(count: number, seed: number) {
  const rng = createRng(seed);
  const words = (n: number) => Array.from({ length: n }, () => 5 + Math.floor(rng() * (CONFIG.vocabSize - 5)));
  return Array.from({ length: count }, () => {
    const u = words(2 + Math.floor(rng() * 6));
    const b = words(2 + Math.floor(rng() * 8));
    return {
      ids: Int32Array.from([1, 2, ...u, 4, 3, ...b, 4]),
      target: Uint8Array.from([0, 0, ...u.map(() => 0), 0, 0, ...b.map(() => 1), 1]),
    };
  });
}

function chunks(): Chunk[] {
  const d = dialogues(24, 5);
  const streams = buildStreams(d, d.map((_, i) => i), B);
  return Array.from({ length: STEPS }, (_, k) => chunkAt(streams, B, T, k % Math.floor((streams.length - 1) / T)));
}

/** The textbook LSTM: per step z = x·Wx + h·Wh + b, gates [i | f | o | g] by tf.split, state zeroed where a dialogue starts. */
function referenceLoss(p: GeneratorParams, c: Chunk, start: LayerState[]): { loss: tf.Scalar; state: LayerState[] } {
  const steps = c.inputs.length / B;
  let x: tf.Tensor2D[] = [];
  for (let t = 0; t < steps; t++) x.push(tf.gather(p.embedding, tf.tensor1d(c.inputs.slice(t * B, (t + 1) * B), 'int32')) as tf.Tensor2D);
  const state: LayerState[] = [];
  p.layers.forEach((layer, l) => {
    let { h, c: cell } = start[l];
    const out: tf.Tensor2D[] = [];
    for (let t = 0; t < steps; t++) {
      if (c.keep) {
        const m = tf.tensor2d(c.keep.slice(t * B, (t + 1) * B), [B, 1]);
        h = tf.mul(h, m);
        cell = tf.mul(cell, m);
      }
      const z = tf.add(tf.add(tf.matMul(x[t], layer.wx), tf.matMul(h, layer.wh)), layer.b);
      const [i, f, o, g] = tf.split(z, 4, 1);
      cell = tf.add(tf.mul(tf.sigmoid(f), cell), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(cell));
      out.push(h);
    }
    state.push({ h, c: cell });
    x = out;
  });
  const rows = tf.gather(tf.concat(x), tf.tensor1d(c.positions, 'int32'));
  const logits = tf.add(tf.matMul(rows, p.outW), p.outB);
  const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(c.labels, 'int32'), CONFIG.vocabSize), logits) as tf.Scalar;
  return { loss, state };
}

/** Losses of STEPS Adam steps of the reference, with its state carried (detached) from chunk to chunk. */
function referenceCurve(p: GeneratorParams, cs: Chunk[]): number[] {
  const opt = tf.train.adam(0.01);
  const vars = namedWeights(p).map((w) => w.variable);
  let state = zeroState(p, B);
  const losses: number[] = [];
  for (const c of cs) {
    let next: LayerState[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const r = referenceLoss(p, c, state);
      next = keepState(r.state);
      return r.loss;
    }, vars);
    losses.push(value.dataSync()[0]);
    opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    tf.dispose([value, ...Object.values(grads)]);
    disposeState(state);
    state = next;
  }
  disposeState(state);
  opt.dispose();
  return losses;
}

function ourCurve(p: GeneratorParams, cs: Chunk[]): number[] {
  const opt = tf.train.adam(0.01);
  let state = zeroState(p, B);
  const losses: number[] = [];
  for (const c of cs) {
    const r = trainStep(p, opt, c, state, { batch: B, dropout: 0, clipNorm: 1e9, learningRate: 0.01, weightDecay: 0, seed: 1 });
    losses.push(r.loss);
    state = r.state;
  }
  disposeState(state);
  opt.dispose();
  return losses;
}

describe.each(['wasm', 'cpu'] as BackendName[])('training step on %s matches a plain autodiff LSTM', (backend) => {
  it('same gradients at the start, same loss curve over Adam steps', async () => {
    await initBackend(backend);
    const cs = chunks();
    expect(cs.some((c) => c.keep)).toBe(true); // dialogue resets are exercised

    // Gradients of the first chunk from zero state: our forward pass and loss (what trainStep differentiates) vs the reference.
    const a = initParams(CONFIG, 9);
    const vars = namedWeights(a).map((w) => w.variable);
    const ref = tf.variableGrads(() => referenceLoss(a, cs[0], zeroState(a, B)).loss, vars);
    const ours = tf.variableGrads(() => {
      const r = runSequence(a, tf.tensor2d(cs[0].inputs, [T, B], 'int32'), zeroState(a, B), { keep: cs[0].keep, training: true });
      const rows = tf.gather(r.hidden, tf.tensor1d(cs[0].positions, 'int32')) as tf.Tensor2D;
      return sparseCrossEntropy(project(a, rows), tf.tensor1d(cs[0].labels, 'int32'));
    }, vars);
    expect(ours.value.dataSync()[0]).toBeCloseTo(ref.value.dataSync()[0], 5);
    for (const v of vars) {
      const g = ref.grads[v.name];
      const scale = tf.max(tf.abs(g)).dataSync()[0];
      const diff = tf.max(tf.abs(tf.sub(ours.grads[v.name], g))).dataSync()[0];
      expect(scale, v.name).toBeGreaterThan(0);
      expect(diff / scale, v.name).toBeLessThan(1e-4);
    }
    tf.dispose([ref.value, ours.value, ...Object.values(ref.grads), ...Object.values(ours.grads)]);
    disposeParams(a);

    // Loss curves from the same initial weights.
    const p1 = initParams(CONFIG, 9);
    const p2 = initParams(CONFIG, 9);
    const expected = referenceCurve(p1, cs);
    const got = ourCurve(p2, cs);
    disposeParams(p1);
    disposeParams(p2);
    expect(expected[STEPS - 1]).toBeLessThan(expected[0]); // it learns
    got.forEach((loss, i) => expect(Math.abs(loss - expected[i]) / expected[i], `step ${i}: ${loss} vs ${expected[i]}`).toBeLessThan(1e-3));
  }, 300_000);
});
