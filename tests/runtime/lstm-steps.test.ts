import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../src/model/config.ts';
import { decodeStepFrom, runSequence, type LayerState } from '../../src/model/lstm.ts';
import { disposeParams, initParams, type GeneratorParams } from '../../src/model/params.ts';
import { LSTM_STEPS } from '../../src/runtime/kernels/lstm-steps-wasm.ts';
import { expectClose, randomFloats, randomInts, runOn } from './helpers.ts';

const H = 16;

/** A small model, made afresh on the active backend (the same weights for the same seed on every backend). */
function withModel(layers: number, fn: (p: GeneratorParams) => tf.Tensor[]): () => tf.Tensor[] {
  return () => {
    const p = initParams(parseModelConfig({ vocabSize: 40, embedDim: 8, hiddenSize: H, layers, dropout: 0 }), 7);
    try {
      return fn(p);
    } finally {
      disposeParams(p);
    }
  };
}

/** A state that is not zero, as after an earlier turn. */
function someState(layers: number, batch: number): LayerState[] {
  return Array.from({ length: layers }, (_, i) => ({
    h: tf.tensor2d(randomFloats(batch * H, 10 + i), [batch, H]),
    c: tf.tensor2d(randomFloats(batch * H, 20 + i).map((v) => 3 * v), [batch, H]),
  }));
}

function flat(r: { hidden: tf.Tensor2D; state: LayerState[] }): tf.Tensor[] {
  return [r.hidden, ...r.state.flatMap((s) => [s.h, s.c])];
}

/** wasm reads one sequence with the kernel; cpu has none and runs the tf ops, which training's fused recurrence also matches. */
async function expectWasmLikeCpu(run: () => tf.Tensor[]): Promise<void> {
  expectClose(await runOn('wasm', run), await runOn('cpu', run), 2e-5);
}

describe('wasm ColloquyLstmSteps (reading one sequence)', () => {
  it('is what a prompt read runs on wasm, and cpu does not have it', async () => {
    await runOn('wasm', () => []);
    expect(tf.getKernel(LSTM_STEPS, 'wasm')).toBeDefined();
    expect(tf.getKernel(LSTM_STEPS, 'cpu')).toBeUndefined();
  });

  for (const layers of [1, 2]) {
    it(`reads a 120-token prompt from a carried state as the tf ops do (${layers} layer${layers > 1 ? 's' : ''})`, async () => {
      await expectWasmLikeCpu(
        withModel(layers, (p) => {
          const ids = tf.tensor2d(randomInts(120, 0, 40, 3), [120, 1], 'int32');
          return flat(runSequence(p, ids, someState(layers, 1)));
        }),
      );
    });
  }

  it('takes one decoding step as the tf ops do', async () => {
    await expectWasmLikeCpu(
      withModel(2, (p) => {
        const zx = tf.tensor2d(randomFloats(4 * H, 5), [1, 4 * H]);
        const r = decodeStepFrom(p, zx, someState(2, 1));
        return [r.logits, ...r.state.flatMap((s) => [s.h, s.c])];
      }),
    );
  });

  it('leaves batches and masked reads (several conversations at once) to the tf ops, with the same results', async () => {
    await expectWasmLikeCpu(
      withModel(1, (p) => {
        const ids = tf.tensor2d(randomInts(30 * 3, 0, 40, 4), [30, 3], 'int32');
        const hold = new Float32Array(30 * 3).fill(1);
        for (let t = 0; t < 10; t++) hold[t * 3 + 1] = 0; // the second stream waits 10 steps
        return flat(runSequence(p, ids, someState(1, 3), { hold }));
      }),
    );
  });

  it('saturates without NaN on huge pre-activations, freeing its temporaries', async () => {
    const T = 4;
    const run = () => {
      const zx = tf.tensor2d(Float32Array.from({ length: T * 4 * H }, (_, i) => (i % 2 ? 1 : -1) * 1e4), [T, 4 * H]);
      const wh = tf.tensor2d(randomFloats(H * 4 * H, 6), [H, 4 * H]);
      return [tf.engine().runKernel(LSTM_STEPS, { zx, wh, h: tf.ones([1, H]), c: tf.fill([1, H], 1e4) }, { steps: T }) as tf.Tensor];
    };
    const [out] = await runOn('wasm', run);
    expect(out.shape).toEqual([T + 1, H]);
    expect(Array.from(out.values).every(Number.isFinite)).toBe(true);
    expect(Math.max(...Array.from(out.values.subarray(0, T * H), Math.abs))).toBeLessThanOrEqual(1);
  });
});
