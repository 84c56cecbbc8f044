/**
 * Helpers for kernels that read and write tensors directly on the wasm heap.
 *
 * Every tensor of the wasm backend lives in one linear memory at
 * `dataIdMap.get(dataId).memoryOffset` (bytes). Allocating (`makeOutput`) may
 * grow that memory, which replaces the `HEAP*` views, so views are always taken
 * after the last allocation of a kernel, never cached.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Dtypes whose values sit on the heap (strings and complex numbers do not). */
export type HeapDType = 'float32' | 'int32' | 'bool';

/** Runs shorter than this many elements are copied by a plain loop, longer ones by `copyWithin`. */
const LOOP_COPY_MAX = 32;

/** True when tensors of this dtype can be read and written through the heap views. */
export function isHeapDType(dtype: tf.DataType): dtype is HeapDType {
  return dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
}

/** The Emscripten heap views (typed here: the package's types lean on an ambient Emscripten type). */
interface WasmHeaps {
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  HEAPU8: Uint8Array;
}

/** A fresh heap view matching the dtype's element width (take it after the last allocation). */
export function heapView(backend: BackendWasm, dtype: 'float32'): Float32Array;
export function heapView(backend: BackendWasm, dtype: 'int32'): Int32Array;
export function heapView(backend: BackendWasm, dtype: HeapDType): Float32Array | Int32Array | Uint8Array;
export function heapView(backend: BackendWasm, dtype: HeapDType): Float32Array | Int32Array | Uint8Array {
  const heaps = backend.wasm as unknown as WasmHeaps;
  if (dtype === 'float32') return heaps.HEAPF32;
  if (dtype === 'int32') return heaps.HEAP32;
  return heaps.HEAPU8;
}

/** Offset of a tensor's first element, counted in elements of its dtype. */
export function elementOffset(backend: BackendWasm, info: tf.TensorInfo): number {
  const { memoryOffset } = backend.dataIdMap.get(info.dataId);
  return memoryOffset / tf.util.bytesPerElement(info.dtype);
}

/** Frees kernel-internal tensors (each `dataId` once per reference the kernel took). */
export function disposeAll(backend: BackendWasm, infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

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

function copyRun(heap: Float32Array | Int32Array | Uint8Array, src: number, dst: number, len: number): void {
  if (len < LOOP_COPY_MAX) {
    for (let i = 0; i < len; i++) heap[dst + i] = heap[src + i];
  } else {
    heap.copyWithin(dst, src, src + len);
  }
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
