/**
 * `UnsortedSegmentSum` (the gradient of `tf.gather`, i.e. of the embedding
 * table) as a scatter-add for both backends: row `i` of the input is added to
 * row `segmentIds[i]` of the output, touching only referenced rows.
 *
 * - wasm: tfjs-backend-wasm 4.22 has no such kernel, so the gather gradient
 *   throws there; this one works on the wasm heap directly.
 * - cpu: the stock kernel builds a mask and reduces over all rows once per
 *   segment, O(numSegments · N · rowSize): 10–15 s at V = 2,000.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { elementOffset, heapView } from './wasm-heap.ts';

/** Where the rows come from and go to; arrays may be heap views with offsets. */
export interface ScatterAddArgs {
  /** Input rows, `n` rows of `rowSize` values starting at `srcOffset`. */
  src: Float32Array | Int32Array;
  srcOffset: number;
  /** One segment id per input row, starting at `idsOffset`. */
  ids: Int32Array;
  idsOffset: number;
  n: number;
  rowSize: number;
  numSegments: number;
  /** Output, `numSegments` rows of `rowSize` values starting at `outOffset`; zeroed here. */
  out: Float32Array | Int32Array;
  outOffset: number;
}

/**
 * Zeroes the output and adds each input row into the row named by its id.
 * Ids outside `[0, numSegments)` are dropped, as in TensorFlow.
 */
export function scatterAddRows(a: ScatterAddArgs): void {
  const { src, srcOffset, ids, idsOffset, n, rowSize, numSegments, out, outOffset } = a;
  out.fill(0, outOffset, outOffset + numSegments * rowSize);
  for (let i = 0; i < n; i++) {
    const seg = ids[idsOffset + i];
    if (seg < 0 || seg >= numSegments) continue;
    const from = srcOffset + i * rowSize;
    const to = outOffset + seg * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j] += src[from + j];
  }
}

/** Output shape and row geometry of an unsorted segment sum. */
export interface SegmentGeometry {
  outShape: number[];
  /** Number of segment ids (input rows). */
  n: number;
  rowSize: number;
}

/**
 * Validates the inputs of `UnsortedSegmentSum` and derives its geometry:
 * `x` has shape `[...segmentIds.shape, ...rest]`, the output `[numSegments, ...rest]`.
 */
export function segmentGeometry(x: tf.TensorInfo, segmentIds: tf.TensorInfo, numSegments: number): SegmentGeometry {
  const idsRank = segmentIds.shape.length;
  tf.util.assert(
    x.shape.length >= idsRank && segmentIds.shape.every((d, i) => d === x.shape[i]),
    () => `unsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must prefix x shape [${x.shape}]`,
  );
  tf.util.assert(Number.isInteger(numSegments) && numSegments >= 0, () => `unsortedSegmentSum: numSegments must be a non-negative integer, got ${numSegments}`);
  tf.util.assert(x.dtype === 'float32' || x.dtype === 'int32', () => `unsortedSegmentSum: unsupported dtype ${x.dtype}`);
  tf.util.assert(segmentIds.dtype === 'int32', () => `unsortedSegmentSum: segmentIds must be int32, got ${segmentIds.dtype}`);
  const rest = x.shape.slice(idsRank);
  return { outShape: [numSegments, ...rest], n: tf.util.sizeFromShape(segmentIds.shape), rowSize: tf.util.sizeFromShape(rest) };
}

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

function unsortedSegmentSumCpu({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const cpu = backend as MathBackendCPU;
  const { x, segmentIds } = inputs as unknown as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const { outShape, n, rowSize } = segmentGeometry(x, segmentIds, numSegments);

  const src = cpu.data.get(x.dataId).values as Float32Array | Int32Array;
  const ids = cpu.data.get(segmentIds.dataId).values as Int32Array;
  const size = numSegments * rowSize;
  const out = x.dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
  scatterAddRows({ src, srcOffset: 0, ids, idsOffset: 0, n, rowSize, numSegments, out, outOffset: 0 });
  return cpu.makeTensorInfo(outShape, x.dtype, out);
}

/** Kernel config replacing the stock cpu `UnsortedSegmentSum` with a scatter-add. */
export const unsortedSegmentSumCpuConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'cpu',
  kernelFunc: unsortedSegmentSumCpu as tf.KernelFunc,
};
