/**
 * wasm `SplitV` (`tf.split`) built on the heap slice; the stock kernel reads
 * the whole input back once per piece.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { isHeapDType } from './wasm-heap.ts';
import { sliceWasm } from './slice-wasm.ts';

/** Builds the `SplitV` config; non-numeric dtypes go to the stock kernel. */
export function makeSplitVWasmConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as unknown as { x: tf.TensorInfo };
    if (!isHeapDType(x.dtype)) return stock.kernelFunc({ inputs, backend, attrs });
    const { numOrSizeSplits, axis } = attrs as unknown as tf.SplitVAttrs;
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
    const splitSizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);

    const begin = new Array<number>(x.shape.length).fill(0);
    const size = x.shape.slice();
    return splitSizes.map((s) => {
      size[$axis] = s;
      const piece = sliceWasm(backend as BackendWasm, x, begin, size);
      begin[$axis] += s;
      return piece;
    });
  };
  return { kernelName: tf.SplitV, backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc };
}
