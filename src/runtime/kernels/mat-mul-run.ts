/**
 * The execution plan shared by the wasm `BatchMatMul` and `_FusedMatMul`
 * wrappers. The stock wasm kernels use XNNPACK only when neither operand is
 * transposed and both are single matrices (batch 1); every other case runs a
 * scalar loop (~0.7–3 GFLOP/s against 20–40), and in that loop `_FusedMatMul`
 * adds the last bias element to every row after the first.
 *
 * Plan: materialize transposes with the wasm `Transpose` kernel; view a
 * batched `a` against a single `b` as one tall `[1, batch·M, K]` matrix (same
 * memory); run truly batched products one XNNPACK call per batch; free every
 * temporary. Results equal the cpu backend's up to float32 summation order.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeAll, elementOffset, heapView } from './wasm-heap.ts';
import { sliceFromHeap } from './slice-wasm.ts';

/** Batched products smaller than this (M·K·N) stay on the stock loop: per-call overhead wins. */
const PER_BATCH_MIN_VOLUME = 32 * 32 * 32;

/** One matMul request, as the wrappers receive it. */
export interface MatMulRequest {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  /** Extra inputs of `_FusedMatMul` (bias, preluActivationWeights), passed through. */
  extraInputs: tf.NamedTensorInfoMap;
  /** Kernel attributes; transpose flags are overridden to false. */
  attrs: tf.NamedAttrMap;
  /** The stock loop is wrong for this request (fused bias), so never fall back to it. */
  avoidStockLoop: boolean;
}

/** `x` with its two innermost dimensions swapped, as a new wasm tensor. */
export function transposeInnerTwo(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  const transpose = tf.getKernel(tf.Transpose, 'wasm').kernelFunc;
  return transpose({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}

function zeros(backend: BackendWasm, shape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const start = elementOffset(backend, out);
  heapView(backend, 'float32').fill(0, start, start + tf.util.sizeFromShape(shape));
  return out;
}

function as3d(x: tf.TensorInfo, batch: number, rows: number, cols: number): tf.TensorInfo {
  return { dataId: x.dataId, dtype: x.dtype, shape: [batch, rows, cols] };
}

/**
 * Runs `[B, M, K] x [B, K, N]` (either side may have batch 1) as one stock
 * call per batch on single matrices, which the stock kernel sends to XNNPACK,
 * writing each result into its place in the output.
 */
function perBatch(
  stock: tf.KernelFunc,
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  dims: { batchA: number; batchB: number; batch: number; m: number; k: number; n: number },
  outShape: number[],
  req: MatMulRequest,
): tf.TensorInfo {
  const { batchA, batchB, batch, m, k, n } = dims;
  const out = backend.makeOutput(outShape, 'float32');
  const a3 = as3d(a, batchA, m, k);
  const b3 = as3d(b, batchB, k, n);
  const attrs = { ...req.attrs, transposeA: false, transposeB: false };
  const temps: tf.TensorInfo[] = [];
  try {
    for (let i = 0; i < batch; i++) {
      const ai = batchA === 1 ? as3d(a, 1, m, k) : sliceFromHeap(backend, a3, [i, 0, 0], [1, m, k]);
      if (batchA !== 1) temps.push(ai);
      const bi = batchB === 1 ? as3d(b, 1, k, n) : sliceFromHeap(backend, b3, [i, 0, 0], [1, k, n]);
      if (batchB !== 1) temps.push(bi);
      const oi = stock({ inputs: { ...req.extraInputs, a: ai, b: bi }, backend, attrs }) as tf.TensorInfo;
      temps.push(oi);
      // Heap views after the allocations above.
      const heap = heapView(backend, 'float32');
      const src = elementOffset(backend, oi);
      heap.copyWithin(elementOffset(backend, out) + i * m * n, src, src + m * n);
      disposeAll(backend, temps.splice(0));
    }
  } catch (err) {
    disposeAll(backend, [...temps, out]);
    throw err;
  }
  return out;
}

/** Plans and runs one matMul through the stock wasm kernel `stock`; see the module comment. */
export function runMatMul(stock: tf.KernelFunc, backend: BackendWasm, req: MatMulRequest): tf.TensorInfo {
  const temps: tf.TensorInfo[] = [];
  let a = req.a;
  let b = req.b;
  try {
    if (req.transposeA) temps.push((a = transposeInnerTwo(backend, a)));
    if (req.transposeB) temps.push((b = transposeInnerTwo(backend, b)));
    const aOuter = a.shape.slice(0, -2);
    const bOuter = b.shape.slice(0, -2);
    const m = a.shape[a.shape.length - 2];
    let k = a.shape[a.shape.length - 1];
    const n = b.shape[b.shape.length - 1];
    const outOuter = tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
    const outShape = [...outOuter, m, n];
    const batchA = tf.util.sizeFromShape(aOuter);
    const batchB = tf.util.sizeFromShape(bOuter);
    const batch = tf.util.sizeFromShape(outOuter);
    if (batch * m * n === 0) return backend.makeOutput(outShape, 'float32');
    if (k === 0) {
      // XNNPACK rejects an empty inner dimension; a zero inner dimension of 1 gives the same sums (0).
      temps.push((a = zeros(backend, [...aOuter, m, 1])), (b = zeros(backend, [...bOuter, 1, n])));
      k = 1;
    }
    const attrs = { ...req.attrs, transposeA: false, transposeB: false };
    const call = (x: tf.TensorInfo, y: tf.TensorInfo) =>
      stock({ inputs: { ...req.extraInputs, a: x, b: y }, backend, attrs }) as tf.TensorInfo;

    if (batchB === 1) {
      // Single b: a (batched or not) is one tall matrix in row-major memory.
      const out = call(as3d(a, 1, batchA * m, k), as3d(b, 1, k, n));
      return { dataId: out.dataId, dtype: out.dtype, shape: outShape };
    }
    const simpleBroadcast = (batchA === 1 || batchA === batch) && batchB === batch;
    const worthSplitting = req.avoidStockLoop || m * k * n >= PER_BATCH_MIN_VOLUME;
    if (simpleBroadcast && worthSplitting) {
      return perBatch(stock, backend, a, b, { batchA, batchB, batch, m, k, n }, outShape, req);
    }
    const out = call(a, b);
    return { dataId: out.dataId, dtype: out.dtype, shape: outShape };
  } finally {
    disposeAll(backend, temps);
  }
}
