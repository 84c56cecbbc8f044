import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../../src/runtime/gradients.ts';
import { initBackend } from '../../src/runtime/backend.ts';
import { stockKernelConfig } from '../../src/runtime/kernels/index.ts';
import { expectClose, randomFloats, randomInts, runOn, type Result } from './helpers.ts';

interface Case {
  name: string;
  xShape: number[];
  idsShape: number[];
  numSegments: number;
  /** Ids drawn from [lo, hi); ids outside [0, numSegments) must be dropped. */
  lo?: number;
  hi?: number;
}

const cases: Case[] = [
  { name: 'embedding-like rows', xShape: [64, 8], idsShape: [64], numSegments: 20 },
  { name: 'numSegments larger than max id', xShape: [10, 3], idsShape: [10], numSegments: 50, hi: 5 },
  { name: 'all ids repeated', xShape: [12, 4], idsShape: [12], numSegments: 3, lo: 1, hi: 2 },
  { name: 'rank-3 rows', xShape: [9, 2, 3], idsShape: [9], numSegments: 6 },
  { name: 'vector (row size 1)', xShape: [15], idsShape: [15], numSegments: 4 },
  { name: 'single row', xShape: [1, 5], idsShape: [1], numSegments: 1 },
  { name: 'no rows', xShape: [0, 4], idsShape: [0], numSegments: 3 },
  { name: 'zero-width rows', xShape: [5, 0], idsShape: [5], numSegments: 3 },
  { name: 'out-of-range ids dropped', xShape: [16, 2], idsShape: [16], numSegments: 4, lo: -2, hi: 7 },
];

function caseData(c: Case, seed: number): { x: Float32Array; ids: Int32Array } {
  const x = randomFloats(tf.util.sizeFromShape(c.xShape), seed);
  const ids = randomInts(tf.util.sizeFromShape(c.idsShape), c.lo ?? 0, c.hi ?? c.numSegments, seed + 1);
  return { x, ids };
}

/** The stock cpu kernel (mask-and-reduce per segment), run directly. */
async function stockCpu(c: Case, x: Float32Array, ids: Int32Array): Promise<Result[]> {
  await initBackend('cpu');
  const stock = stockKernelConfig(tf.UnsortedSegmentSum, 'cpu');
  if (stock == null) throw new Error('no stock cpu UnsortedSegmentSum');
  let result: Result[] = [];
  tf.tidy(() => {
    const inputs = { x: tf.tensor(x, c.xShape), segmentIds: tf.tensor(ids, c.idsShape, 'int32') };
    const info = stock.kernelFunc({ inputs, backend: tf.backend(), attrs: { numSegments: c.numSegments } }) as tf.TensorInfo;
    const out = tf.engine().makeTensorFromTensorInfo(info);
    result = [{ shape: out.shape.slice(), values: out.dataSync() as Float32Array }];
  });
  return result;
}

function project(c: Case, x: Float32Array, ids: Int32Array): () => tf.Tensor {
  return () => tf.unsortedSegmentSum(tf.tensor(x, c.xShape), tf.tensor1d(ids, 'int32'), c.numSegments);
}

describe('UnsortedSegmentSum', () => {
  cases.forEach((c, i) => {
    it(`wasm and cpu scatter-add equal the stock cpu kernel: ${c.name}`, async () => {
      const { x, ids } = caseData(c, 100 + i);
      const expected = await stockCpu(c, x, ids);
      expectClose(await runOn('wasm', project(c, x, ids)), expected);
      expectClose(await runOn('cpu', project(c, x, ids)), expected);
    });
  });

  it('sums int32 values into int32 rows', async () => {
    const x = Int32Array.from([1, 2, 3, 4, 5, 6]);
    const ids = Int32Array.from([2, 0, 2]);
    const run = () => tf.unsortedSegmentSum(tf.tensor(x, [3, 2], 'int32'), tf.tensor(ids, [3], 'int32'), 3);
    for (const backend of ['wasm', 'cpu'] as const) {
      const [out] = await runOn(backend, run);
      expect(Array.from(out.values)).toEqual([3, 4, 0, 0, 6, 8]);
    }
  });
});

describe('gradient of tf.gather (embedding table)', () => {
  const grads = (v: number, d: number, n: number, seed: number) => () => {
    const table = tf.tensor(randomFloats(v * d, seed), [v, d]);
    const ids = tf.tensor(randomInts(n, 0, v, seed + 1), [n], 'int32');
    const dy = tf.tensor(randomFloats(n * d, seed + 2), [n, d]);
    return tf.grad((t: tf.Tensor) => tf.gather(t, ids))(table, dy);
  };

  it('is equal on wasm and cpu (V=2000, N=1024, D=64)', async () => {
    expectClose(await runOn('wasm', grads(2000, 64, 1024, 7)), await runOn('cpu', grads(2000, 64, 1024, 7)));
  });

  it('is equal on wasm and cpu for 2-D ids (batch x time)', async () => {
    const run = () => {
      const table = tf.tensor(randomFloats(30 * 4, 11), [30, 4]);
      const ids = tf.tensor(randomInts(24, 0, 30, 12), [4, 6], 'int32');
      const dy = tf.tensor(randomFloats(24 * 4, 13), [4, 6, 4]);
      return tf.grad((t: tf.Tensor) => tf.gather(t, ids))(table, dy);
    };
    expectClose(await runOn('wasm', run), await runOn('cpu', run));
  });

  it('accumulates repeated ids', async () => {
    const run = () => {
      const ids = tf.tensor([1, 1, 1, 3], [4], 'int32');
      return tf.grad((t: tf.Tensor) => tf.gather(t, ids))(tf.zeros([5, 2]), tf.ones([4, 2]));
    };
    const [out] = await runOn('wasm', run);
    expect(Array.from(out.values)).toEqual([0, 0, 3, 3, 0, 0, 1, 1, 0, 0]);
  });
});
