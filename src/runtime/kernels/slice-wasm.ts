/**
 * wasm `Slice` that copies only the requested region. The stock kernel reads
 * the whole input back into JS (`readSync`) for every slice, so splitting a
 * [1024, 1024] tensor into 32 pieces copied it 32 times (90–400 ms).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { isHeapDType, sliceFromHeap } from './wasm-heap.ts';

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
