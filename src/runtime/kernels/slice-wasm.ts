/**
 * wasm `Slice` that copies only the requested region. The stock kernel reads
 * the whole input back into JS (`readSync`) for every slice, so splitting a
 * [1024, 1024] tensor into 32 pieces copied it 32 times (65–400 ms). The
 * region copier here also serves Unpack, SplitV, StridedSlice and the
 * per-batch matMul.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { copyRun, elementOffset, heapView, isHeapDType, type HeapDType } from './wasm-heap.ts';

/** Row-major strides of `shape`, including the innermost 1. */
function fullStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/**
 * Copies the region `begin .. begin + size` of `x` (numeric dtype, already
 * resolved: no -1 sizes) into a new tensor of shape `outShape` (same element
 * count as `size`), reading only that region from the heap.
 *
 * The region is copied as runs: trailing dimensions taken whole merge with the
 * innermost partial one into one contiguous run, and the dimensions outside it
 * are walked with an odometer. A contiguous slice is a single `copyWithin`.
 */
export function sliceFromHeap(
  backend: BackendWasm,
  x: tf.TensorInfo,
  begin: number[],
  size: number[],
  outShape: number[] = size,
): tf.TensorInfo {
  const dtype = x.dtype as HeapDType;
  const out = backend.makeOutput(outShape.slice(), dtype);
  const total = tf.util.sizeFromShape(size);
  if (total === 0) return out;
  const rank = x.shape.length;
  if (rank === 0) {
    const heap0 = heapView(backend, dtype);
    heap0[elementOffset(backend, out)] = heap0[elementOffset(backend, x)];
    return out;
  }

  const strides = fullStrides(x.shape);
  let k = rank - 1;
  while (k > 0 && size[k] === x.shape[k]) k--;
  const runLen = size[k] * strides[k];

  const heap = heapView(backend, dtype);
  let src = elementOffset(backend, x);
  for (let d = 0; d < rank; d++) src += begin[d] * strides[d];
  let dst = elementOffset(backend, out);
  if (k === 0) {
    copyRun(heap, src, dst, runLen);
    return out;
  }

  const idx = new Array<number>(k).fill(0);
  const runs = total / runLen;
  for (let r = 0; r < runs; r++) {
    copyRun(heap, src, dst, runLen);
    dst += runLen;
    let d = k - 1;
    idx[d]++;
    src += strides[d];
    while (d > 0 && idx[d] === size[d]) {
      src -= size[d] * strides[d];
      idx[d] = 0;
      d--;
      idx[d]++;
      src += strides[d];
    }
  }
  return out;
}

/**
 * Slices `x` on the wasm heap: resolves -1 sizes, checks bounds (reading out
 * of bounds would read other tensors' memory), copies the region.
 * `outShape` lets Unpack drop the sliced axis without a reshape.
 */
export function sliceWasm(
  backend: BackendWasm,
  x: tf.TensorInfo,
  begin: number | number[],
  size?: number | number[],
  outShape?: number[],
): tf.TensorInfo {
  const [begin_, size_] = tf.slice_util.parseSliceParams(x, begin, size);
  tf.slice_util.assertParamsValid(x, begin_, size_);
  return sliceFromHeap(backend, x, begin_, size_, outShape ?? size_);
}

/** Builds the `Slice` config; non-numeric dtypes (strings) go to the stock kernel. */
export function makeSliceWasmConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as unknown as { x: tf.TensorInfo };
    if (!isHeapDType(x.dtype)) return stock.kernelFunc({ inputs, backend, attrs });
    const { begin, size } = attrs as unknown as tf.SliceAttrs;
    return sliceWasm(backend as BackendWasm, x, begin, size);
  };
  return { kernelName: tf.Slice, backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc };
}
