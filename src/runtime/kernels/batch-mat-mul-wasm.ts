/**
 * wasm `BatchMatMul` wrapper: every backward matMul has `transposeA` or
 * `transposeB`, which sends the stock kernel to a scalar loop (~1–3 GFLOP/s).
 * This wrapper materializes the transpose, calls the stock kernel with both
 * flags off (XNNPACK, 20–40 GFLOP/s), and frees the temporary; batched
 * operands are folded or split per batch (see `mat-mul-run.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runMatMul } from './mat-mul-run.ts';

/** Builds the wrapping config around the stock wasm `BatchMatMul` (captured before overriding). */
export function makeBatchMatMulWasmConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') {
      return stock.kernelFunc({ inputs, backend, attrs });
    }
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    return runMatMul(stock.kernelFunc, backend as BackendWasm, {
      a,
      b,
      transposeA,
      transposeB,
      extraInputs: {},
      attrs: attrs ?? {},
      avoidStockLoop: false,
    });
  };
  return { kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc };
}
