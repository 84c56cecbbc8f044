/**
 * wasm `GatherV2` (`tf.gather`) as row copies on the heap. The
 * stock kernel reads the indices back into JS, then walks the output element
 * by element (~25 ns each): the embedding lookup of 1024 tokens × 64 floats
 * and picking 1024 rows of hidden states cost ~9 ms a step.
 *
 * Viewing the input as [batch, outer, dim, inner] (`dim` = the gathered axis),
 * each index copies one contiguous block of `inner` elements per outer index.
 * Every index is checked before anything is copied: an index out of range
 * would read another tensor's memory, so it throws like the stock kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { copyRun, elementOffset, heapView, isHeapDType, type HeapDType } from './wasm-heap.ts';

/** Throws the stock kernel's message for the first index outside [0, dim). */
function checkIndices(backend: BackendWasm, indices: tf.TensorInfo, dim: number): void {
  const n = tf.util.sizeFromShape(indices.shape);
  const heap = heapView(backend, 'int32');
  const at = elementOffset(backend, indices);
  for (let i = 0; i < n; i++) {
    const index = heap[at + i];
    if (!(index >= 0 && index < dim)) {
      throw new Error(`GatherV2: the index value ${index} is not in [0, ${dim - 1}]`);
    }
  }
}

/**
 * Gathers `x` (heap dtype) at int32 `indices` along `axis` (in [0, rank)),
 * the first `batchDims` axes of both being batch axes.
 */
export function gatherOnHeap(
  backend: BackendWasm,
  x: tf.TensorInfo,
  indices: tf.TensorInfo,
  axis: number,
  batchDims = 0,
): tf.TensorInfo {
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
    x as unknown as tf.Tensor,
    indices as unknown as tf.Tensor,
    axis,
    batchDims,
  );
  const { batchSize, outerSize: outer, dimSize: dim, sliceSize: inner } = info;
  checkIndices(backend, indices, dim);
  const dtype = x.dtype as HeapDType;
  const out = backend.makeOutput(info.outputShape, dtype);
  const perBatch = tf.util.sizeFromShape(indices.shape) / Math.max(batchSize, 1);
  if (batchSize * outer * inner * perBatch === 0) return out;

  // Views after the last allocation: makeOutput may have grown the memory.
  const heap = heapView(backend, dtype);
  const ids = heapView(backend, 'int32');
  const xAt = elementOffset(backend, x);
  let dst = elementOffset(backend, out);
  for (let b = 0; b < batchSize; b++) {
    const idsAt = elementOffset(backend, indices) + b * perBatch;
    for (let o = 0; o < outer; o++) {
      const base = xAt + (b * outer + o) * dim * inner;
      for (let i = 0; i < perBatch; i++, dst += inner) {
        copyRun(heap, base + ids[idsAt + i] * inner, dst, inner);
      }
    }
  }
  return out;
}

/**
 * Builds the `GatherV2` config. batchDims > 0 is handled here too: the stock
 * kernel returns wrong rows (and reads stray memory) for it in
 * tfjs-backend-wasm 4.22. Indices must be int32 (`tf.gather` casts them):
 * the stock kernel would read other dtypes' bits as int32 and run out of
 * bounds. Non-heap dtypes of `x` go to the stock kernel.
 */
export function makeGatherWasmConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, indices } = inputs as unknown as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = attrs as unknown as tf.GatherV2Attrs;
    if (indices.dtype !== 'int32') {
      throw new Error(`GatherV2: indices must be int32, got ${indices.dtype} (tf.gather casts them)`);
    }
    if (!isHeapDType(x.dtype) || x.shape.length === 0) return stock.kernelFunc({ inputs, backend, attrs });
    const [parsedAxis] = tf.util.parseAxisParam(axis, x.shape);
    return gatherOnHeap(backend as BackendWasm, x, indices, parsedAxis, batchDims);
  };
  return { kernelName: tf.GatherV2, backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc };
}
