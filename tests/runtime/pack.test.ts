import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../../src/runtime/gradients.ts';
import { expectClose, randomFloats, randomInts, runOn } from './helpers.ts';

function floats(shape: number[], seed = 1): tf.Tensor {
  return tf.tensor(randomFloats(tf.util.sizeFromShape(shape), seed), shape);
}

function many(n: number, shape: number[], seed = 1): tf.Tensor[] {
  return Array.from({ length: n }, (_, i) => floats(shape, seed + i));
}

async function expectSameOnWasmAndCpu(run: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  expectClose(await runOn('wasm', run), await runOn('cpu', run), 0);
}

describe('wasm Pack (tf.stack)', () => {
  const cases: [string, number, number[], number][] = [
    ['LSTM step outputs: 32 x [32, 64] on axis 0', 32, [32, 64], 0],
    ['axis 1 (batch-major)', 32, [8, 64], 1],
    ['last axis of 2-D inputs', 5, [4, 3], 2],
    ['axis -1', 4, [3, 5], -1],
    ['axis -3 (= 0 for 2-D inputs)', 3, [2, 6], -3],
    ['1-D inputs on axis 0', 7, [9], 0],
    ['1-D inputs on axis 1', 7, [9], 1],
    ['scalars', 6, [], 0],
    ['a single input', 1, [4, 5], 1],
    ['inner blocks of length 1', 3, [5, 1], 1],
    ['3-D inputs, middle axis', 4, [3, 2, 40], 2],
  ];
  for (const [name, n, shape, axis] of cases) {
    it(`equals cpu: ${name}`, async () => {
      await expectSameOnWasmAndCpu(() => tf.stack(many(n, shape), axis));
    });
  }

  it('stacks empty tensors into the right shape', async () => {
    await expectSameOnWasmAndCpu(() => tf.stack([tf.zeros([0, 3]), tf.zeros([0, 3])], 1));
    const [out] = await runOn('wasm', () => tf.stack([tf.zeros([2, 0]), tf.zeros([2, 0]), tf.zeros([2, 0])], 0));
    expect(out.shape).toEqual([3, 2, 0]);
  });

  it('stacks int32 and bool tensors', async () => {
    await expectSameOnWasmAndCpu(() => tf.stack([0, 1, 2].map((i) => tf.tensor(randomInts(12, -50, 50, i), [3, 4], 'int32')), 1));
    await expectSameOnWasmAndCpu(() => tf.stack([0, 1].map((i) => tf.tensor(randomInts(12, 0, 2, i), [3, 4], 'bool')), 0));
  });

  it('still stacks string tensors (stock path)', async () => {
    const [out] = await runOn('wasm', () => tf.stack([tf.tensor(['a', 'b']), tf.tensor(['c', 'd'])], 1));
    expect(out.shape).toEqual([2, 2]);
  });

  it('rejects inputs of different shapes', async () => {
    await runOn('wasm', () => {
      expect(() => tf.stack([floats([2, 3]), floats([3, 2])])).toThrow(/matching shapes/);
      return [];
    });
  });

  it('gradients through stack equal cpu', async () => {
    const run = () => {
      const xs = many(3, [4, 5], 20);
      const w = floats([4, 3, 5], 30);
      return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(tf.stack([a, b, c], 1), w)))(xs);
    };
    expectClose(await runOn('wasm', run), await runOn('cpu', run));
  });
});
