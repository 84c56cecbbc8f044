/**
 * Registers Colloquy's own kernels with TensorFlow.js (no node_modules
 * patching): the ones tfjs-backend-wasm 4.22 lacks or runs slowly for LSTM
 * training, and a scatter-add embedding gradient for the cpu backend.
 *
 * | backend | kernel | why |
 * |---|---|---|
 * | wasm | UnsortedSegmentSum | missing (gradient of `tf.gather`) |
 * | wasm | BatchMatMul, _FusedMatMul | transposed operands fall to a scalar loop |
 * | wasm | Slice, Unpack, SplitV, StridedSlice | read the whole input back per slice |
 * | wasm | Sum (leading axes) | transposes the input before reducing |
 * | wasm | Pack | expands every input, then a general concat |
 * | wasm | GatherV2 | reads indices back, copies element by element |
 * | wasm | ColloquyLstmSteps (new) | an LSTM step as tf ops costs ~14 dispatches |
 * | cpu | UnsortedSegmentSum | loops over every segment |
 *
 * Wrappers call the stock kernel, captured with `tf.getKernel` before it is
 * unregistered. The captured configs are kept on `globalThis` (like tfjs's own
 * kernel registry), so a second copy of this module never wraps a wrapper.
 */
import * as tf from '@tensorflow/tfjs-core';
import { makeBatchMatMulWasmConfig } from './batch-mat-mul-wasm.ts';
import { makeFusedMatMulWasmConfig } from './fused-mat-mul-wasm.ts';
import { makeGatherWasmConfig } from './gather-wasm.ts';
import { LSTM_STEPS, makeLstmStepsWasmConfig } from './lstm-steps-wasm.ts';
import { makePackWasmConfig } from './pack-wasm.ts';
import { makeSliceWasmConfig } from './slice-wasm.ts';
import { makeSplitVWasmConfig } from './split-v-wasm.ts';
import { makeStridedSliceWasmConfig } from './strided-slice-wasm.ts';
import { makeSumWasmConfig } from './sum-wasm.ts';
import { makeUnpackWasmConfig } from './unpack-wasm.ts';
import { unsortedSegmentSumCpuConfig, unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.ts';

/** Backends that get project kernels. */
export type KernelBackendName = 'wasm' | 'cpu';

interface KernelState {
  /** Stock configs by `backend/kernel`, null when the backend had none. */
  stock: Map<string, tf.KernelConfig | null>;
  /** Our kernel functions, to recognise them in the registry. */
  ours: WeakSet<tf.KernelFunc>;
  registered: Set<KernelBackendName>;
}

const STATE_KEY = Symbol.for('colloquy.runtime.kernels');

function state(): KernelState {
  const g = globalThis as unknown as Record<symbol, KernelState | undefined>;
  let s = g[STATE_KEY];
  if (s == null) {
    s = { stock: new Map(), ours: new WeakSet(), registered: new Set() };
    g[STATE_KEY] = s;
  }
  return s;
}

/** The stock config of a kernel: captured on first call, before any override. */
function stockKernel(kernelName: string, backendName: KernelBackendName): tf.KernelConfig | null {
  const s = state();
  const key = `${backendName}/${kernelName}`;
  if (!s.stock.has(key)) {
    const found = tf.getKernel(kernelName, backendName);
    s.stock.set(key, found != null && !s.ours.has(found.kernelFunc) ? found : null);
  }
  return s.stock.get(key) ?? null;
}

function requireStock(kernelName: string): tf.KernelConfig {
  const stock = stockKernel(kernelName, 'wasm');
  if (stock == null) {
    throw new Error(`tfjs-backend-wasm has no stock ${kernelName} kernel to wrap; is @tensorflow/tfjs-backend-wasm imported?`);
  }
  return stock;
}

/** Replaces whatever is registered under the config's name (no "already registered" warning). */
function install(config: tf.KernelConfig): void {
  const s = state();
  const existing = tf.getKernel(config.kernelName, config.backendName);
  if (existing != null && s.ours.has(existing.kernelFunc)) return;
  if (existing != null) tf.unregisterKernel(config.kernelName, config.backendName);
  s.ours.add(config.kernelFunc);
  tf.registerKernel(config);
}

function wasmConfigs(): tf.KernelConfig[] {
  // Capture every stock kernel before installing anything.
  stockKernel(tf.UnsortedSegmentSum, 'wasm');
  const batchMatMul = requireStock(tf.BatchMatMul);
  const fusedMatMul = requireStock(tf._FusedMatMul);
  const slice = requireStock(tf.Slice);
  const unpack = requireStock(tf.Unpack);
  const splitV = requireStock(tf.SplitV);
  const stridedSlice = requireStock(tf.StridedSlice);
  const sum = requireStock(tf.Sum);
  const pack = requireStock(tf.Pack);
  const gather = requireStock(tf.GatherV2);
  return [
    unsortedSegmentSumWasmConfig,
    makeBatchMatMulWasmConfig(batchMatMul),
    makeFusedMatMulWasmConfig(fusedMatMul),
    makeSliceWasmConfig(slice),
    makeUnpackWasmConfig(unpack),
    makeSplitVWasmConfig(splitV),
    makeStridedSliceWasmConfig(stridedSlice),
    makeSumWasmConfig(sum),
    makePackWasmConfig(pack),
    makeGatherWasmConfig(gather),
    makeLstmStepsWasmConfig(batchMatMul),
  ];
}

function cpuConfigs(): tf.KernelConfig[] {
  stockKernel(tf.UnsortedSegmentSum, 'cpu');
  return [unsortedSegmentSumCpuConfig];
}

/**
 * Registers the project kernels for `backend`. Idempotent and cheap on repeat
 * calls; safe before or after the backend is initialized (wrappers carry the
 * stock `setupFunc`, which tfjs runs on every `setBackend`).
 */
export function registerProjectKernels(backend: KernelBackendName): void {
  const s = state();
  if (s.registered.has(backend)) return;
  const configs = backend === 'wasm' ? wasmConfigs() : cpuConfigs();
  for (const config of configs) install(config);
  s.registered.add(backend);
}

/**
 * The stock kernel a project kernel replaced, or null when the backend had
 * none (wasm `UnsortedSegmentSum`). For tests and benchmarks comparing the two.
 */
export function stockKernelConfig(kernelName: string, backend: KernelBackendName): tf.KernelConfig | null {
  return stockKernel(kernelName, backend);
}

/** Names of the kernels `registerProjectKernels(backend)` installs. */
export function projectKernelNames(backend: KernelBackendName): string[] {
  return backend === 'wasm'
    ? [tf.UnsortedSegmentSum, tf.BatchMatMul, tf._FusedMatMul, tf.Slice, tf.Unpack, tf.SplitV, tf.StridedSlice, tf.Sum, tf.Pack, tf.GatherV2, LSTM_STEPS]
    : [tf.UnsortedSegmentSum];
}
