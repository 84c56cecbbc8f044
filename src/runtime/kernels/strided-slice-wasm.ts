/**
 * wasm `StridedSlice` wrapper. When the strided slice is a plain slice (unit
 * strides), the stock kernel calls its whole-input-reading `slice`; this
 * wrapper copies only the region from the heap instead. Real strides, masks
 * that need the general path, and string tensors still go to the stock kernel
 * (its C++ path reads only what it needs).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { isHeapDType } from './wasm-heap.ts';
import { sliceFromHeap } from './slice-wasm.ts';

/** Builds the `StridedSlice` config around the stock kernel (captured before overriding). */
export function makeStridedSliceWasmConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as unknown as { x: tf.TensorInfo };
    if (!isHeapDType(x.dtype)) return stock.kernelFunc({ inputs, backend, attrs });
    const a = attrs as unknown as tf.StridedSliceAttrs;
    const info = tf.slice_util.sliceInfo(
      x.shape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask,
    );
    if (info.isIdentity || !(info.sliceDim0 || info.isSimpleSlice)) {
      return stock.kernelFunc({ inputs, backend, attrs });
    }
    // A degenerate range (begin > end) is an empty slice, not a negative size.
    const size = tf.slice_util.computeOutShape(info.begin, info.end, info.strides).map((d) => Math.max(0, d));
    if (tf.util.sizeFromShape(size) > 0) tf.slice_util.assertParamsValid(x, info.begin, size);
    return sliceFromHeap(backend as BackendWasm, x, info.begin, size, info.finalShape);
  };
  return { kernelName: tf.StridedSlice, backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc };
}
