import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, randomFloats, randomInts, runOn } from './helpers.ts';

function floats(shape: number[], seed = 1): tf.Tensor {
  return tf.tensor(randomFloats(tf.util.sizeFromShape(shape), seed), shape);
}

async function expectSameOnWasmAndCpu(run: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  expectClose(await runOn('wasm', run), await runOn('cpu', run), 0);
}

describe('wasm Slice', () => {
  const cases: [string, number[], number[], number[]][] = [
    ['1-D middle', [10], [3], [4]],
    ['2-D rows (contiguous)', [8, 6], [2, 0], [3, 6]],
    ['2-D columns', [8, 6], [0, 2], [8, 3]],
    ['2-D block at offset', [8, 6], [5, 1], [2, 4]],
    ['2-D single column', [7, 5], [0, 4], [7, 1]],
    ['full size', [4, 5, 3], [0, 0, 0], [4, 5, 3]],
    ['-1 sizes run to the end', [6, 7], [2, 3], [-1, -1]],
    ['3-D inner block', [4, 5, 6], [1, 2, 3], [2, 2, 2]],
    ['3-D whole inner rows', [4, 5, 6], [1, 2, 0], [3, 2, 6]],
    ['3-D middle axis step', [32, 32, 16], [0, 7, 0], [32, 1, 16]],
    ['4-D', [3, 4, 5, 6], [1, 0, 2, 1], [2, 3, 2, 4]],
    ['5-D', [2, 3, 2, 3, 4], [1, 1, 0, 1, 1], [1, 2, 2, 2, 2]],
    ['empty result', [5, 4], [2, 1], [0, 3]],
    ['single element', [5, 4, 3], [4, 3, 2], [1, 1, 1]],
  ];
  for (const [name, shape, begin, size] of cases) {
    it(`equals cpu: ${name}`, async () => {
      await expectSameOnWasmAndCpu(() => tf.slice(floats(shape), begin, size));
    });
  }

  it('slices int32 and bool tensors', async () => {
    await expectSameOnWasmAndCpu(() => tf.slice(tf.tensor(randomInts(60, -50, 50, 3), [5, 12], 'int32'), [1, 3], [3, 7]));
    await expectSameOnWasmAndCpu(() => tf.slice(tf.tensor(randomInts(60, 0, 2, 4), [5, 12], 'bool'), [1, 3], [3, 7]));
  });

  it('still slices string tensors (stock path)', async () => {
    const [out] = await runOn('wasm', () => tf.slice(tf.tensor(['a', 'b', 'c', 'd'], [2, 2]), [1, 0], [1, 2]));
    expect(out.shape).toEqual([1, 2]);
  });

  it('rejects an out-of-bounds slice instead of reading past the tensor', async () => {
    await runOn('wasm', () => {
      expect(() => tf.slice(floats([4, 4]), [2, 0], [3, 4])).toThrow();
      return [];
    });
  });
});

describe('wasm Unpack (tf.unstack)', () => {
  const cases: [string, number[], number][] = [
    ['axis 0', [5, 3, 4], 0],
    ['axis 1 (time steps of [B, T, H])', [4, 6, 8], 1],
    ['axis 2', [3, 4, 5], 2],
    ['axis -1', [3, 4, 5], -1],
    ['LSTM shape [32, 32, 64] axis 1', [32, 32, 64], 1],
    ['1-D', [7], 0],
    ['length 1 axis', [3, 1, 4], 1],
  ];
  for (const [name, shape, axis] of cases) {
    it(`equals cpu: ${name}`, async () => {
      await expectSameOnWasmAndCpu(() => tf.unstack(floats(shape), axis));
    });
  }

  it('unstacks int32 tensors', async () => {
    await expectSameOnWasmAndCpu(() => tf.unstack(tf.tensor(randomInts(24, -9, 9, 5), [2, 3, 4], 'int32'), 1));
  });
});

describe('wasm SplitV (tf.split)', () => {
  it('equals cpu for equal pieces along each axis', async () => {
    await expectSameOnWasmAndCpu(() => tf.split(floats([8, 12]), 4, 1));
    await expectSameOnWasmAndCpu(() => tf.split(floats([8, 12]), 2, 0));
    await expectSameOnWasmAndCpu(() => tf.split(floats([4, 6, 8]), 2, -1));
  });

  it('equals cpu for uneven sizes, -1 and zero-size pieces', async () => {
    await expectSameOnWasmAndCpu(() => tf.split(floats([6, 10]), [3, -1, 0, 2], 1));
    await expectSameOnWasmAndCpu(() => tf.split(floats([9, 4, 3]), [1, 5, 3], 0));
  });

  it('splits LSTM gates [B, 4H] into four [B, H]', async () => {
    await expectSameOnWasmAndCpu(() => tf.split(floats([32, 4 * 64]), 4, 1));
  });
});

describe('wasm StridedSlice', () => {
  it('equals cpu on the plain-slice path (unit strides, masks, shrink)', async () => {
    const x = () => floats([6, 5, 4]);
    await expectSameOnWasmAndCpu(() => tf.stridedSlice(x(), [1, 0, 0], [4, 5, 4], [1, 1, 1]));
    await expectSameOnWasmAndCpu(() => tf.stridedSlice(x(), [1, 2, 1], [5, 4, 3], [1, 1, 1]));
    await expectSameOnWasmAndCpu(() => tf.stridedSlice(x(), [0, 1, 0], [0, 3, 0], [1, 1, 1], 5, 5));
    await expectSameOnWasmAndCpu(() => tf.stridedSlice(x(), [2, 0, 0], [3, 5, 4], [1, 1, 1], 0, 0, 0, 0, 1));
  });

  it('returns an empty tensor for a degenerate range (begin > end)', async () => {
    // The cpu backend throws here (negative slice size), so check the shape directly.
    const [out] = await runOn('wasm', () => tf.stridedSlice(floats([6, 5, 4]), [4, 0, 0], [2, 5, 4], [1, 1, 1]));
    expect(out.shape).toEqual([0, 5, 4]);
  });

  it('equals cpu with real strides and negative strides (stock path)', async () => {
    await expectSameOnWasmAndCpu(() => tf.stridedSlice(floats([8, 6]), [0, 1], [8, 6], [2, 2]));
    await expectSameOnWasmAndCpu(() => tf.stridedSlice(floats([8, 6]), [7, 0], [0, 6], [-1, 1]));
  });
});

describe('slice gradients on wasm', () => {
  it('unstack and split gradients equal cpu', async () => {
    await import('../../src/runtime/gradients.ts');
    const run = () => {
      const x = floats([4, 6, 8], 9);
      const f = (t: tf.Tensor) => tf.addN([...tf.unstack(t, 1).map((p, i) => tf.mul(p, i + 1)), ...tf.split(t, 2, 2).map((p) => tf.sum(p, 2, true))].map((p) => tf.sum(p)));
      return tf.grad(f)(x);
    };
    expectClose(await runOn('wasm', run), await runOn('cpu', run));
  });
});
