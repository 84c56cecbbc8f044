/**
 * Shared helpers for the runtime tests: seeded random data, running the same
 * computation on a chosen backend, closeness checks and leak checks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { initBackend } from '../../src/runtime/backend.ts';
import { createRng } from '../../src/util/random.ts';

/** A seeded uniform generator in [0, 1) (mulberry32), so failures reproduce. */
export const rng = createRng;

/** `size` floats uniform in [-1, 1). */
export function randomFloats(size: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: size }, () => r() * 2 - 1);
}

/** `size` ints uniform in [lo, hi). */
export function randomInts(size: number, lo: number, hi: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: size }, () => lo + Math.floor(r() * (hi - lo)));
}

/** A tensor's values and shape, detached from any backend. */
export interface Result {
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

function toResults(out: tf.Tensor | tf.Tensor[]): Result[] {
  const list = Array.isArray(out) ? out : [out];
  return list.map((t) => ({ shape: t.shape.slice(), values: t.dataSync() as Result['values'] }));
}

/**
 * Switches to `backend` (with the project kernels), runs `fn` inside a tidy,
 * and returns plain results. Also asserts that `fn` leaked no tensors and, on
 * wasm, no heap buffers (kernel-internal temporaries).
 */
export async function runOn(backend: 'wasm' | 'cpu', fn: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  await initBackend(backend);
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.engine().backend.numDataIds();
  let results: Result[] = [];
  tf.tidy(() => {
    results = toResults(fn());
  });
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
  return results;
}

/** Asserts same shapes and values within `tol` (absolute, relative above magnitude 1). */
export function expectClose(actual: Result[], expected: Result[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, k) => {
    const e = expected[k];
    expect(a.shape).toEqual(e.shape);
    expect(a.values.length).toBe(e.values.length);
    let worst = 0;
    let worstAt = -1;
    for (let i = 0; i < a.values.length; i++) {
      const err = Math.abs(a.values[i] - e.values[i]) / Math.max(1, Math.abs(e.values[i]));
      if (!(err <= worst)) {
        worst = err;
        worstAt = i;
      }
    }
    expect(worst, `output ${k}: worst error at flat index ${worstAt}`).toBeLessThanOrEqual(tol);
  });
}
