/**
 * `UnsortedSegmentSum` for the wasm backend, which 4.22 does not ship: without
 * it the gradient of `tf.gather` (the embedding table) throws on wasm.
 * A scatter-add over the wasm heap, touching only the referenced rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { elementOffset, heapView } from './wasm-heap.ts';
import { scatterAddRows, segmentGeometry } from './scatter-add.ts';

function unsortedSegmentSumWasm({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { x, segmentIds } = inputs as unknown as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const { outShape, n, rowSize } = segmentGeometry(x, segmentIds, numSegments);

  const out = wasm.makeOutput(outShape, x.dtype);
  // Views are taken after makeOutput: allocation may grow (and replace) the heap.
  const values = x.dtype === 'float32' ? heapView(wasm, 'float32') : heapView(wasm, 'int32');
  scatterAddRows({
    src: values,
    srcOffset: elementOffset(wasm, x),
    ids: heapView(wasm, 'int32'),
    idsOffset: elementOffset(wasm, segmentIds),
    n,
    rowSize,
    numSegments,
    out: values,
    outOffset: elementOffset(wasm, out),
  });
  return out;
}

/** Kernel config registering the scatter-add `UnsortedSegmentSum` on wasm. */
export const unsortedSegmentSumWasmConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as tf.KernelFunc,
};
