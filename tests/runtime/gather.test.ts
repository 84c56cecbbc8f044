import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../../src/runtime/gradients.ts';
import { expectClose, randomFloats, randomInts, runOn } from './helpers.ts';

function floats(shape: number[], seed = 1): tf.Tensor {
  return tf.tensor(randomFloats(tf.util.sizeFromShape(shape), seed), shape);
}

function ids(shape: number[], hi: number, seed = 2): tf.Tensor {
  return tf.tensor(randomInts(tf.util.sizeFromShape(shape), 0, hi, seed), shape, 'int32');
}

async function expectSameOnWasmAndCpu(run: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  expectClose(await runOn('wasm', run), await runOn('cpu', run), 0);
}

describe('wasm GatherV2 (tf.gather)', () => {
  const cases: [string, number[], number[], number][] = [
    ['embedding lookup: 1024 rows of 64 from 2000', [2000, 64], [1024], 0],
    ['hidden-state rows: 1024 of 256', [1024, 256], [1024], 0],
    ['2-D ids (batch x time)', [30, 8], [4, 6], 0],
    ['columns (axis 1)', [7, 20], [5], 1],
    ['axis -1', [3, 4, 10], [6], -1],
    ['middle axis of 3-D', [3, 9, 4], [2, 5], 1],
    ['1-D', [12], [20], 0],
    ['rows of length 1', [9, 1], [4], 0],
    ['repeated ids', [5, 40], [12], 0],
    ['no ids', [6, 3], [0], 0],
    ['scalar id', [6, 3], [], 0],
  ];
  for (const [name, xShape, idShape, axis] of cases) {
    it(`equals cpu: ${name}`, async () => {
      const dim = xShape[axis < 0 ? axis + xShape.length : axis];
      await expectSameOnWasmAndCpu(() => tf.gather(floats(xShape), ids(idShape, dim), axis));
    });
  }

  it('gathers from empty rows and int32 / bool tensors', async () => {
    await expectSameOnWasmAndCpu(() => tf.gather(tf.zeros([5, 0]), ids([3], 5), 0));
    await expectSameOnWasmAndCpu(() => tf.gather(tf.tensor(randomInts(40, -9, 9, 3), [8, 5], 'int32'), ids([6], 8), 0));
    await expectSameOnWasmAndCpu(() => tf.gather(tf.tensor(randomInts(40, 0, 2, 4), [8, 5], 'bool'), ids([3], 5), 1));
  });

  it('equals cpu with batchDims > 0 (the stock wasm kernel gets these wrong)', async () => {
    await expectSameOnWasmAndCpu(() => tf.gather(floats([4, 6, 3]), ids([4, 2], 6), 1, 1));
    await expectSameOnWasmAndCpu(() => tf.gather(floats([3, 5, 4, 2]), ids([3, 5, 6], 4), 2, 2));
    await expectSameOnWasmAndCpu(() => tf.gather(floats([2, 3, 7, 4]), ids([2, 5], 7), 2, -1));
  });

  it('rejects float indices passed straight to the kernel instead of misreading them', async () => {
    await runOn('wasm', () => {
      const run = () => tf.engine().runKernel(tf.GatherV2, { x: floats([6, 4]), indices: tf.tensor1d([5, 0], 'float32') }, { axis: 0, batchDims: 0 });
      expect(run).toThrow(/indices must be int32, got float32/);
      return [];
    });
  });

  it('throws a clear error for an index out of range instead of reading past the tensor', async () => {
    for (const bad of [[0, 5], [-1], [2, 1000000]]) {
      await runOn('wasm', () => {
        expect(() => tf.gather(floats([5, 3]), tf.tensor1d(bad, 'int32'))).toThrow(/GatherV2: the index value -?\d+ is not in \[0, 4\]/);
        expect(() => tf.gather(floats([3, 4]), tf.tensor1d(bad, 'int32'), 1)).toThrow(/is not in \[0, 3\]/);
        return [];
      });
    }
    await runOn('wasm', () => {
      expect(() => tf.gather(tf.zeros([0, 3]), tf.tensor1d([0], 'int32'))).toThrow(/GatherV2/);
      return [];
    });
  });

  it('gradients through gather equal cpu on both axes', async () => {
    const run = () => {
      const x = floats([10, 6], 40);
      const rowIds = ids([7], 10, 41);
      const colIds = ids([4], 6, 42);
      return tf.grad((t: tf.Tensor) => tf.add(tf.sum(tf.square(tf.gather(t, rowIds))), tf.sum(tf.gather(t, colIds, 1))))(x);
    };
    expectClose(await runOn('wasm', run), await runOn('cpu', run));
  });
});
