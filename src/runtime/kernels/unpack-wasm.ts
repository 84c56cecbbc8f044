/**
 * wasm `Unpack` (`tf.unstack`) built on the heap slice. The stock kernel calls
 * its own `slice` per output, which reads the whole input back each time:
 * unstacking [32, 32, 1024] along axis 1 copied 4 MB 32 times.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { isHeapDType } from './wasm-heap.ts';
import { sliceWasm } from './slice-wasm.ts';

/** Builds the `Unpack` config; non-numeric dtypes go to the stock kernel. */
export function makeUnpackWasmConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { value } = inputs as unknown as { value: tf.TensorInfo };
    if (!isHeapDType(value.dtype)) return stock.kernelFunc({ inputs, backend, attrs });
    const rank = value.shape.length;
    let { axis } = attrs as unknown as tf.UnpackAttrs;
    if (axis < 0) axis += rank;
    tf.util.assert(axis >= 0 && axis < rank, () => `unstack: axis ${axis} out of range for rank ${rank}`);

    const outShape = value.shape.filter((_, i) => i !== axis);
    const begin = new Array<number>(rank).fill(0);
    const size = value.shape.slice();
    size[axis] = 1;
    const outs: tf.TensorInfo[] = [];
    for (let i = 0; i < value.shape[axis]; i++) {
      begin[axis] = i;
      outs.push(sliceWasm(backend as BackendWasm, value, begin, size, outShape));
    }
    return outs;
  };
  return { kernelName: tf.Unpack, backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc };
}
