import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/runtime/backend.ts';
import { expectClose, randomFloats, runOn } from './helpers.ts';

/** Logical product [..., m, k] x [..., k, n]; stored shapes follow the transpose flags. */
interface MatMulCase {
  name: string;
  aBatch: number[];
  bBatch: number[];
  m: number;
  k: number;
  n: number;
}

const shapes: MatMulCase[] = [
  { name: 'square', aBatch: [], bBatch: [], m: 16, k: 16, n: 16 },
  { name: 'LSTM-like tall', aBatch: [], bBatch: [], m: 96, k: 32, n: 40 },
  { name: 'vector rows', aBatch: [], bBatch: [], m: 1, k: 7, n: 5 },
  { name: 'vector cols', aBatch: [], bBatch: [], m: 6, k: 7, n: 1 },
  { name: 'inner 1', aBatch: [], bBatch: [], m: 5, k: 1, n: 4 },
  { name: 'batched a, single b (folded)', aBatch: [3], bBatch: [], m: 4, k: 6, n: 5 },
  { name: 'batched a, b batch 1 (folded)', aBatch: [2, 3], bBatch: [1], m: 4, k: 6, n: 5 },
  { name: 'batched both', aBatch: [3], bBatch: [3], m: 4, k: 6, n: 5 },
  { name: 'single a, batched b', aBatch: [1], bBatch: [2], m: 4, k: 6, n: 5 },
];

const flagSets: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

function stored(batch: number[], rows: number, cols: number, transposed: boolean): number[] {
  return transposed ? [...batch, cols, rows] : [...batch, rows, cols];
}

function operands(c: MatMulCase, tA: boolean, tB: boolean, seed: number): [tf.Tensor, tf.Tensor] {
  const aShape = stored(c.aBatch, c.m, c.k, tA);
  const bShape = stored(c.bBatch, c.k, c.n, tB);
  return [
    tf.tensor(randomFloats(tf.util.sizeFromShape(aShape), seed), aShape),
    tf.tensor(randomFloats(tf.util.sizeFromShape(bShape), seed + 1), bShape),
  ];
}

describe('wasm BatchMatMul with transposes', () => {
  shapes.forEach((c, i) => {
    for (const [tA, tB] of flagSets) {
      it(`equals cpu: ${c.name}, transposeA=${tA}, transposeB=${tB}`, async () => {
        const run = () => {
          const [a, b] = operands(c, tA, tB, 10 * i);
          return tf.matMul(a, b, tA, tB);
        };
        expectClose(await runOn('wasm', run), await runOn('cpu', run));
      });
    }
  });

  it('keeps gradients of a transposed matMul equal to cpu', async () => {
    const run = () => {
      const a = tf.tensor(randomFloats(12 * 8, 1), [12, 8]);
      const b = tf.tensor(randomFloats(12 * 5, 2), [12, 5]);
      const dy = tf.tensor(randomFloats(8 * 5, 3), [8, 5]);
      return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, true, false))([a, b], dy);
    };
    await import('../../src/runtime/gradients.ts');
    expectClose(await runOn('wasm', run), await runOn('cpu', run));
  });
});

describe('wasm _FusedMatMul with transposes', () => {
  const activations = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
  const fusedShapes = shapes.filter((c) => c.aBatch.length <= 1 && c.bBatch.length <= 1);

  fusedShapes.forEach((c, i) => {
    for (const [tA, tB] of flagSets) {
      for (const activation of activations) {
        it(`equals cpu: ${c.name}, transposeA=${tA}, transposeB=${tB}, bias + ${activation}`, async () => {
          const run = () => {
            const [a, b] = operands(c, tA, tB, 100 + i);
            const bias = tf.tensor(randomFloats(c.n, 7), [c.n]);
            const preluActivationWeights = activation === 'prelu' ? tf.tensor(randomFloats(c.n, 8), [c.n]) : undefined;
            return tf.fused.matMul({ a, b, transposeA: tA, transposeB: tB, bias, activation, preluActivationWeights, leakyreluAlpha: 0.15 });
          };
          expectClose(await runOn('wasm', run), await runOn('cpu', run));
        });
      }
    }
  });

  it('equals cpu without bias', async () => {
    const c = shapes[1];
    const run = () => {
      const [a, b] = operands(c, true, true, 5);
      return tf.fused.matMul({ a, b, transposeA: true, transposeB: true, activation: 'relu' });
    };
    expectClose(await runOn('wasm', run), await runOn('cpu', run));
  });
});

describe('wasm matMul on empty shapes', () => {
  const cases: [string, number[], number[], boolean][] = [
    ['no rows', [0, 4], [4, 3], false],
    ['empty inner dimension', [3, 0], [0, 5], false],
    ['empty inner dimension, transposeA', [0, 3], [0, 5], true],
    ['batched, no rows', [2, 0, 4], [2, 4, 3], false],
    ['batched, no columns', [2, 3, 4], [2, 4, 0], false],
    ['zero batch', [0, 3, 4], [0, 4, 5], false],
  ];
  for (const [name, aShape, bShape, tA] of cases) {
    it(`equals cpu: ${name}`, async () => {
      const n = bShape[bShape.length - 1];
      const a3 = aShape.length === 2 ? [1, ...aShape] : aShape;
      const b3 = bShape.length === 2 ? [1, ...bShape] : bShape;
      const run = () => [
        tf.matMul(tf.ones(aShape), tf.ones(bShape), tA, false),
        tf.fused.matMul({ a: tf.ones(a3), b: tf.ones(b3), transposeA: tA, bias: tf.ones([n]), activation: 'relu' }),
      ];
      expectClose(await runOn('wasm', run), await runOn('cpu', run));
    });
  }
});

describe('wasm matMul on LSTM-sized operands', () => {
  it('[1024,256]^T x [1024,2000] equals cpu within 1e-4 relative', async () => {
    const run = () => {
      const a = tf.tensor(randomFloats(1024 * 256, 21), [1024, 256]);
      const b = tf.tensor(randomFloats(1024 * 2000, 22), [1024, 2000]);
      return tf.matMul(a, b, true, false);
    };
    // A 1024-term float32 sum: summation order alone moves the last bits.
    expectClose(await runOn('wasm', run), await runOn('cpu', run), 1e-4);
  });

  it('does not keep the transposed temporary alive', async () => {
    await initBackend('wasm');
    const before = tf.engine().backend.numDataIds();
    tf.tidy(() => {
      tf.matMul(tf.ones([64, 128]), tf.ones([64, 32]), true, false).dataSync();
      tf.matMul(tf.ones([128, 64]), tf.ones([32, 64]), false, true).dataSync();
    });
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});
