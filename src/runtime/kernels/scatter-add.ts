/**
 * The scatter-add behind both `UnsortedSegmentSum` kernels (the gradient of
 * `tf.gather`, i.e. of the embedding table): row `i` of the input is added to
 * row `segmentIds[i]` of the output. Only referenced rows are touched, so the
 * cost is O(N · rowSize) instead of the stock cpu kernel's O(numSegments · N · rowSize).
 */
import * as tf from '@tensorflow/tfjs-core';

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
