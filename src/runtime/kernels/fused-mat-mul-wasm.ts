/**
 * wasm `_FusedMatMul` wrapper (matMul + bias + activation in one kernel).
 * Like `BatchMatMul`, the stock kernel leaves XNNPACK for a scalar loop when
 * an operand is transposed or batched, and that loop adds the last bias
 * element to every row after the first (wrong results, not just slow). This
 * wrapper keeps every biased product on the XNNPACK path (see `mat-mul-run.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runMatMul } from './mat-mul-run.ts';

interface FusedInputs {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  bias?: tf.TensorInfo;
  preluActivationWeights?: tf.TensorInfo;
}

/** Builds the wrapping config around the stock wasm `_FusedMatMul` (captured before overriding). */
export function makeFusedMatMulWasmConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b, bias, preluActivationWeights } = inputs as unknown as FusedInputs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') {
      return stock.kernelFunc({ inputs, backend, attrs });
    }
    const { transposeA, transposeB } = attrs as unknown as tf._FusedMatMulAttrs;
    const extraInputs: tf.NamedTensorInfoMap = {};
    if (bias != null) extraInputs.bias = bias;
    if (preluActivationWeights != null) extraInputs.preluActivationWeights = preluActivationWeights;
    return runMatMul(stock.kernelFunc, backend as BackendWasm, {
      a,
      b,
      transposeA,
      transposeB,
      extraInputs,
      attrs: attrs ?? {},
      avoidStockLoop: bias != null,
    });
  };
  return { kernelName: tf._FusedMatMul, backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc };
}
