/**
 * wasm `ColloquyLstmSteps`: an LSTM layer's recurrence over T steps as one
 * kernel, for reading without gradients (a prompt, a lone reply's steps).
 * Written with tf ops, a step costs ~14 kernel dispatches (matMul, add,
 * slices, activations), each 5–25 µs (PERFORMANCE.md): dispatch, not
 * arithmetic, is what a 400-token prompt waits for. Here a step is one call
 * of the stock matMul (XNNPACK) for h·W_h, then the gates in a plain loop over
 * the heap — which costs more than vectorized wasm ops once there are several
 * rows, so callers use it for one sequence (src/model/lstm.ts).
 *
 * Inputs: `zx` [T*B, 4H] (x·W_x + b of every step, row t*B+b), `wh` [H, 4H],
 * `h` and `c` [B, H] (the state before). Attribute `steps`: T.
 * Output: [(T+1)*B, H], the hidden state after each step, then the final
 * cell state — the layout of `lstmRecurrence`. Gate layout [i | f | o | g].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { elementOffset, heapView } from './wasm-heap.ts';

export const LSTM_STEPS = 'ColloquyLstmSteps';

interface LstmStepsInputs {
  zx: tf.TensorInfo;
  wh: tf.TensorInfo;
  h: tf.TensorInfo;
  c: tf.TensorInfo;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** tanh by one exp (V8's Math.tanh is slower); exact at ±large x, where exp over- or underflows. */
const tanh = (x: number) => 2 / (1 + Math.exp(-2 * x)) - 1;

/** Builds the kernel around the stock wasm `BatchMatMul` (XNNPACK for untransposed single matrices). */
export function makeLstmStepsWasmConfig(stockMatMul: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
    const backend = b as BackendWasm;
    const { zx, wh, h, c } = inputs as unknown as LstmStepsInputs;
    const T = (attrs as unknown as { steps: number }).steps;
    const [B, H] = h.shape;
    const G = 4 * H;
    const out = backend.makeOutput([(T + 1) * B, H], 'float32');
    const hNow = backend.makeOutput([1, B, H], 'float32');
    const cNow = new Float32Array(B * H);
    {
      const heap = heapView(backend, 'float32');
      const h0 = elementOffset(backend, h);
      heap.copyWithin(elementOffset(backend, hNow), h0, h0 + B * H);
      cNow.set(heap.subarray(elementOffset(backend, c), elementOffset(backend, c) + B * H));
    }
    try {
      const whView: tf.TensorInfo = { dataId: wh.dataId, dtype: 'float32', shape: [1, H, G] };
      const matAttrs = { transposeA: false, transposeB: false };
      for (let t = 0; t < T; t++) {
        const z = stockMatMul.kernelFunc({ inputs: { a: hNow, b: whView }, backend, attrs: matAttrs }) as tf.TensorInfo;
        // Heap views only after the last allocation (memory may have grown).
        const heap = heapView(backend, 'float32');
        const zOff = elementOffset(backend, z);
        const zxOff = elementOffset(backend, zx);
        const hOff = elementOffset(backend, hNow);
        const outOff = elementOffset(backend, out);
        for (let s = 0; s < B; s++) {
          const row = t * B + s;
          const hRow = hOff + s * H;
          const zRow = zOff + s * G;
          const xRow = zxOff + row * G;
          for (let j = 0; j < H; j++) {
            const i = sigmoid(heap[zRow + j] + heap[xRow + j]);
            const f = sigmoid(heap[zRow + H + j] + heap[xRow + H + j]);
            const o = sigmoid(heap[zRow + 2 * H + j] + heap[xRow + 2 * H + j]);
            const g = tanh(heap[zRow + 3 * H + j] + heap[xRow + 3 * H + j]);
            cNow[s * H + j] = f * cNow[s * H + j] + i * g;
            const hidden = o * tanh(cNow[s * H + j]);
            heap[hRow + j] = hidden;
            heap[outOff + row * H + j] = hidden;
          }
        }
        backend.disposeData(z.dataId);
      }
      heapView(backend, 'float32').set(cNow, elementOffset(backend, out) + T * B * H);
      return out;
    } catch (err) {
      backend.disposeData(out.dataId);
      throw err;
    } finally {
      backend.disposeData(hNow.dataId);
    }
  };
  return { kernelName: LSTM_STEPS, backendName: 'wasm', kernelFunc };
}
