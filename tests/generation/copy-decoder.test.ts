import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { StepDecoder } from '../../src/generation/decoder.ts';
import { copyMasks, copyTargetLogProb, statesBefore } from '../../src/model/copy.ts';
import { parseModelConfig } from '../../src/model/config.ts';
import { project, runSequence, zeroState } from '../../src/model/lstm.ts';
import { disposeParams, initParams, type GeneratorParams } from '../../src/model/params.ts';
import { initBackend } from '../../src/runtime/backend.ts';

/** A dialogue that repeats a two-piece "name" (7 8) and a digit (9); window 4 makes the memory slide. */
const SEQ = [1, 2, 7, 8, 9, 4, 3, 7, 8, 9, 9, 4];
const WINDOW = 4;

function copyParams(): GeneratorParams {
  const p = initParams(parseModelConfig({ vocabSize: 12, embedDim: 4, hiddenSize: 6, layers: 2, dropout: 0, copy: { window: WINDOW, keyDim: 3 } }), 11);
  p.copy!.bg.assign(tf.tensor1d([-1])); // lean towards copying, so the mixture matters
  return p;
}

/** Teacher-forced log p(SEQ[t+1]) for t = 0…n−2, as training and `colloquy eval` compute it. */
function teacherForced(p: GeneratorParams): number[] {
  return tf.tidy(() => {
    const T = SEQ.length - 1;
    const inputs = Int32Array.from(SEQ.slice(0, T));
    const labels = Int32Array.from(SEQ.slice(1));
    const positions = Int32Array.from({ length: T }, (_, t) => t);
    const state = zeroState(p, 1);
    const r = runSequence(p, tf.tensor2d(inputs, [T, 1], 'int32'), state);
    const pos = tf.tensor1d(positions, 'int32');
    const logits = project(p, tf.gather(r.hidden, pos) as tf.Tensor2D);
    const masks = copyMasks(undefined, inputs, 1, positions, labels, WINDOW);
    const before = statesBefore(r.hidden, state[state.length - 1].h, undefined, 1);
    return Array.from(copyTargetLogProb(p.copy!, { hidden: r.hidden, before, B: 1, positions: pos, logits, labels: tf.tensor1d(labels, 'int32'), masks }).dataSync());
  });
}

/** log-softmax of a row (the decoder returns the mixture's logits, up to a constant). */
const logSoftmax = (row: Float32Array) => {
  const max = Math.max(...row);
  const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  return Array.from(row, (v) => v - lse);
};

describe('StepDecoder with the copy mixture', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('gives each next token the probability training and eval give it (prefill, then steps past the window)', () => {
    const p = copyParams();
    const expected = teacherForced(p);
    const d = new StepDecoder(p);
    let { state, logits } = d.prefill(SEQ.slice(0, 2));
    const got = [logSoftmax(logits)[SEQ[2]]];
    for (let t = 2; t < SEQ.length - 1; t++) {
      const r = d.step([SEQ[t]], state);
      state = r.state;
      logits = r.logits[0];
      got.push(logSoftmax(logits)[SEQ[t + 1]]);
    }
    d.disposeState(state);
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i + 1], 4));
    d.dispose();
    disposeParams(p);
  });

  it('keeps each row its own memory through prefillChunk, concat, split, select and steps', () => {
    const p = copyParams();
    const d = new StepDecoder(p);
    const a = [1, 2, 7, 8, 9, 4, 3];
    const b = [1, 2, 9, 4, 3];
    const alone = [a, b].map((ids) => {
      const r = d.prefill(ids);
      const s = d.step([8], r.state);
      d.disposeState(s.state);
      return { first: r.logits, next: s.logits[0] };
    });
    // Both prompts in one pass (b is shorter and fresh), then one batched step.
    const chunk = d.prefillChunk([{ tokens: a, fresh: true }, { tokens: b, fresh: true }], d.emptyState(2), [0, 1]);
    chunk.logits.forEach((row, i) => Array.from(row).forEach((v, w) => expect(v).toBeCloseTo(alone[i].first[w], 4)));
    // Reorder through split + concat + select: rows come back as [b, a], then [a, b].
    const { picked, rest } = d.splitState(chunk.state, [1]);
    const swapped = d.select(d.concatStates([picked, rest!]), [1, 0]);
    const stepped = d.step([8, 8], swapped);
    stepped.logits.forEach((row, i) => Array.from(row).forEach((v, w) => expect(v).toBeCloseTo(alone[i].next[w], 4)));
    d.disposeState(stepped.state);
    d.dispose();
    disposeParams(p);
  });

  it('leaves plain models untouched: logits are the vocabulary logits', () => {
    const p = initParams(parseModelConfig({ vocabSize: 12, embedDim: 4, hiddenSize: 6, layers: 1, dropout: 0 }), 11);
    const d = new StepDecoder(p);
    const r = d.prefill([1, 2, 7, 8]);
    const direct = tf.tidy(() => {
      const s = runSequence(p, tf.tensor2d([1, 2, 7, 8], [4, 1], 'int32'), zeroState(p, 1));
      return project(p, tf.slice(s.hidden, [3, 0], [1, -1]) as tf.Tensor2D).dataSync();
    });
    Array.from(r.logits).forEach((v, w) => expect(v).toBeCloseTo(direct[w], 5));
    d.disposeState(r.state);
    disposeParams(p);
  });
});
