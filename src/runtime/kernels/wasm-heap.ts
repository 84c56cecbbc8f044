/**
 * Helpers for kernels that read and write tensors directly on the wasm heap
 * instead of going through `readSync` (which copies the whole tensor out).
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

/** Runs shorter than this many elements are copied by a plain loop, longer ones by `copyWithin`. */
const LOOP_COPY_MAX = 32;

/** Copies `len` elements from `src` to `dst` within one heap view (element offsets). */
export function copyRun(heap: Float32Array | Int32Array | Uint8Array, src: number, dst: number, len: number): void {
  if (len < LOOP_COPY_MAX) {
    for (let i = 0; i < len; i++) heap[dst + i] = heap[src + i];
  } else {
    heap.copyWithin(dst, src, src + len);
  }
}
