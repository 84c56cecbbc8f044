import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../../src/runtime/gradients.ts';
import { stockKernelConfig } from '../../src/runtime/kernels/index.ts';
import { expectClose, randomFloats, randomInts, runOn } from './helpers.ts';

function floats(shape: number[], seed = 1): tf.Tensor {
  return tf.tensor(randomFloats(tf.util.sizeFromShape(shape), seed), shape);
}

/** The cpu backend accumulates in float64, the wasm kernels in float32: allow float32 rounding. */
async function expectSameOnWasmAndCpu(run: () => tf.Tensor | tf.Tensor[], tol = 1e-5): Promise<void> {
  expectClose(await runOn('wasm', run), await runOn('cpu', run), tol);
}

describe('wasm Sum', () => {
  const cases: [string, number[], number | number[] | undefined][] = [
    ['column sums (axis 0, the bias gradient)', [96, 70], 0],
    ['axis -2 of a matrix', [9, 7], -2],
    ['leading two axes of [T, B, V]', [6, 5, 40], [0, 1]],
    ['leading axes given out of order', [4, 3, 5], [1, 0]],
    ['axis 0 of a 4-D tensor', [3, 2, 4, 5], 0],
    ['size-1 reduced axis', [1, 9], 0],
    ['size-1 kept axis', [11, 1], 0],
    ['rows of length 1 inside [4, 1, 3]', [4, 1, 3], [0, 1]],
    ['trailing axis (stock path)', [8, 13], 1],
    ['trailing axis -1 of 3-D (stock path)', [3, 4, 5], -1],
    ['middle axis (stock path)', [3, 4, 5], 1],
    ['first and last axes (stock path)', [3, 4, 5], [0, 2]],
    ['all axes (stock path)', [4, 6], undefined],
    ['1-D (stock path)', [17], 0],
  ];
  for (const [name, shape, axis] of cases) {
    for (const keepDims of [false, true]) {
      it(`equals cpu: ${name}${keepDims ? ', keepDims' : ''}`, async () => {
        await expectSameOnWasmAndCpu(() => tf.sum(floats(shape), axis, keepDims));
      });
    }
  }

  it('equals cpu on the profiled shape [1024, 2000] over axis 0', async () => {
    await expectSameOnWasmAndCpu(() => tf.sum(floats([1024, 2000], 3), 0), 1e-4);
  });

  it('is bit-identical to the stock wasm kernel (same float32 order)', async () => {
    const stock = stockKernelConfig(tf.Sum, 'wasm');
    if (stock == null) throw new Error('no stock wasm Sum');
    const x = randomFloats(512 * 300, 4);
    const ours = await runOn('wasm', () => tf.sum(tf.tensor(x, [512, 300]), 0, true));
    const theirs = await runOn('wasm', () => {
      const info = stock.kernelFunc({ inputs: { x: tf.tensor(x, [512, 300]) }, backend: tf.backend(), attrs: { axis: [0], keepDims: true } });
      return tf.engine().makeTensorFromTensorInfo(info as tf.TensorInfo);
    });
    expectClose(ours, theirs, 0);
  });

  it('returns zeros when the reduced axis is empty, and empty output for an empty kept axis', async () => {
    await expectSameOnWasmAndCpu(() => tf.sum(tf.zeros([0, 4]), 0));
    await expectSameOnWasmAndCpu(() => tf.sum(tf.zeros([0, 4]), 0, true));
    await expectSameOnWasmAndCpu(() => tf.sum(tf.zeros([5, 0]), 0));
    await expectSameOnWasmAndCpu(() => tf.sum(tf.zeros([2, 0, 3]), [0, 1]));
    const [out] = await runOn('wasm', () => tf.sum(tf.zeros([0, 3]), 0));
    expect(Array.from(out.values)).toEqual([0, 0, 0]);
  });

  it('sums int32 and bool tensors exactly', async () => {
    const ints = randomInts(60, -1000, 1000, 5);
    await expectSameOnWasmAndCpu(() => tf.sum(tf.tensor(ints, [12, 5], 'int32'), 0), 0);
    await expectSameOnWasmAndCpu(() => tf.sum(tf.tensor(ints, [3, 4, 5], 'int32'), [0, 1], true), 0);
    await expectSameOnWasmAndCpu(() => tf.sum(tf.tensor(randomInts(60, 0, 2, 6), [12, 5], 'bool'), 0), 0);
    const [out] = await runOn('wasm', () => tf.sum(tf.tensor([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), 0));
    expect(out.shape).toEqual([2]);
    expect(Array.from(out.values)).toEqual([9, 12]);
  });

  it('gradients through column sums equal cpu (bias of a broadcast add)', async () => {
    const run = () => {
      const x = floats([16, 12], 7);
      const b = floats([12], 8);
      const w = floats([16, 12], 9);
      return tf.grads((xx: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.add(xx, bb), w)))([x, b]);
    };
    expectClose(await runOn('wasm', run), await runOn('cpu', run));
    const direct = () => tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.sum(x, [0, 1]))))(floats([3, 4, 5], 10));
    expectClose(await runOn('wasm', direct), await runOn('cpu', direct));
  });
});
