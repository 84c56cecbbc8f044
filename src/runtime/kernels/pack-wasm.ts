/**
 * wasm `Pack` (`tf.stack`) as block copies on the heap. The stock kernel
 * expands every input and runs the general `Concat` (a reshape and a typed
 * array per input, element loops for short blocks); this is ~2× faster on 32
 * [32, 256] LSTM step outputs. Each input lands in the output as contiguous
 * blocks: one `copyWithin` per input along axis 0, one per input and outer
 * index along a later axis.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { copyRun, elementOffset, heapView, isHeapDType, type HeapDType } from './wasm-heap.ts';

/**
 * Stacks same-shaped heap tensors along `axis` (already in [0, rank]) into a
 * new tensor. Viewing the output as [outer, n, inner] (`outer` = the input
 * dimensions before `axis`), input k fills the [:, k, :] blocks.
 */
export function packOnHeap(backend: BackendWasm, values: tf.TensorInfo[], axis: number): tf.TensorInfo {
  const shape = values[0].shape;
  const dtype = values[0].dtype as HeapDType;
  const outShape = shape.slice();
  outShape.splice(axis, 0, values.length);
  const out = backend.makeOutput(outShape, dtype);
  const outer = tf.util.sizeFromShape(shape.slice(0, axis));
  const inner = tf.util.sizeFromShape(shape.slice(axis));
  if (outer * inner === 0) return out;

  const heap = heapView(backend, dtype);
  const outAt = elementOffset(backend, out);
  const step = values.length * inner;
  values.forEach((value, k) => {
    let src = elementOffset(backend, value);
    let dst = outAt + k * inner;
    for (let o = 0; o < outer; o++, src += inner, dst += step) copyRun(heap, src, dst, inner);
  });
  return out;
}

/** Builds the `Pack` config; strings and complex numbers go to the stock kernel. */
export function makePackWasmConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const values = inputs as unknown as tf.TensorInfo[];
    if (values.length === 0 || !isHeapDType(values[0].dtype)) return stock.kernelFunc({ inputs, backend, attrs });
    const { shape, dtype } = values[0];
    for (const value of values) {
      tf.util.assertShapesMatch(shape, value.shape, 'All tensors passed to stack must have matching shapes');
      tf.util.assert(value.dtype === dtype, () => 'All tensors passed to stack must have matching dtypes');
    }
    let { axis } = attrs as unknown as tf.PackAttrs;
    const rank = shape.length;
    if (axis < 0) axis += rank + 1;
    tf.util.assert(axis >= 0 && axis <= rank, () => `stack: axis ${axis} out of range for inputs of rank ${rank}`);
    return packOnHeap(backend as BackendWasm, values, axis);
  };
  return { kernelName: tf.Pack, backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc };
}
