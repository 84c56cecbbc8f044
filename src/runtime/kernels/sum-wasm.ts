/**
 * wasm `Sum` that reduces leading axes in place on the heap. The stock kernel
 * first transposes the input so the reduced axes are innermost: the bias
 * gradient of a broadcast add (`sum` of a [1024, 2000] tensor over axis 0)
 * paid for a full transpose (~15 ms) before adding anything up.
 *
 * The input is read as `rows` rows of `cols` (rows = the reduced leading
 * axes); each row is added into the output, so all reads are sequential. It
 * accumulates in float32 in row order, the order and precision of the stock
 * kernel, so results are bit-identical to it (float64 accumulation would be
 * slightly more accurate but would change training numerics).
 *
 * Trailing axes (and a full reduction) need no transpose, and the stock C++
 * loop beats a JS one there (~1 ms vs ~4 ms on [1024, 2000]): they, middle
 * axes and other dtypes go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { elementOffset, heapView } from './wasm-heap.ts';

/** True when `axes` are exactly the first few axes, leaving at least one axis. */
function reducesLeadingAxes(axes: number[], rank: number): boolean {
  const sorted = axes.slice().sort((a, b) => a - b);
  return sorted.length > 0 && sorted.length < rank && sorted.every((a, i) => a === i);
}

/** out[j] = Σ_i x[i·cols + j] (float32 or int32 views; int32 wraps like the stock kernel). */
function sumRows(heap: Float32Array | Int32Array, x: number, out: number, rows: number, cols: number): void {
  heap.copyWithin(out, x, x + cols);
  for (let i = 1; i < rows; i++) {
    const row = x + i * cols;
    for (let j = 0; j < cols; j++) heap[out + j] += heap[row + j];
  }
}

/** Builds the `Sum` config; anything but leading axes of a float32/int32 tensor goes to the stock kernel. */
export function makeSumWasmConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as unknown as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || !reducesLeadingAxes(axes, x.shape.length)) {
      return stock.kernelFunc({ inputs, backend, attrs });
    }

    const wasm = backend as BackendWasm;
    const [outShape, reduceShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
    const reduceSize = tf.util.sizeFromShape(reduceShape);
    const keepSize = tf.util.sizeFromShape(outShape);
    const shape = keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    const dtype = x.dtype;
    const out = wasm.makeOutput(shape, dtype);
    if (keepSize === 0) return out;

    const heap = heapView(wasm, dtype) as Float32Array | Int32Array;
    const xAt = elementOffset(wasm, x);
    const outAt = elementOffset(wasm, out);
    if (reduceSize === 0) heap.fill(0, outAt, outAt + keepSize);
    else sumRows(heap, xAt, outAt, reduceSize, keepSize);
    return out;
  };
  return { kernelName: tf.Sum, backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc };
}
