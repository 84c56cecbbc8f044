/**
 * Chooses and starts the TensorFlow.js backend Colloquy computes on:
 * `@tensorflow/tfjs-node` (native, optional dependency) when it loads, else
 * wasm (XNNPACK, with the project's kernel fixes), else pure-JS cpu.
 *
 * @example
 * const name = await initBackend('auto', logger); // 'wasm' on a machine without tfjs-node
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ColloquyError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { registerProjectKernels } from './kernels/index.ts';

/** A backend Colloquy can run on. */
export type BackendName = 'node' | 'wasm' | 'cpu';

/** The name each backend registers under in TensorFlow.js. */
const ENGINE_NAME: Record<BackendName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

const HINTS: Record<BackendName, string> = {
  node: '@tensorflow/tfjs-node is not installed (or its native library failed to load); use --backend wasm',
  wasm: 'the tfjs-backend-wasm binaries could not be loaded; reinstall @tensorflow/tfjs-backend-wasm or use --backend cpu',
  cpu: 'the pure-JS cpu backend failed to start; reinstall @tensorflow/tfjs-backend-cpu',
};

let current: BackendName | null = null;
let autoChoice: BackendName | null = null;
let wasmPathsSet = false;
let nodeImport: Promise<boolean> | null = null;

/** Points tfjs-backend-wasm at its own dist directory so the .wasm loads from disk (no fetch). */
function ensureWasmPaths(): void {
  if (wasmPathsSet) return;
  const require = createRequire(import.meta.url);
  const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(distDir + path.sep);
  wasmPathsSet = true;
}

/** Loads tfjs-node once; false (logged at debug) when it is absent or its native part fails. */
function loadNode(logger: Logger): Promise<boolean> {
  if (nodeImport == null) {
    // A variable specifier keeps TypeScript from requiring the optional package's types.
    const specifier = '@tensorflow/tfjs-node';
    nodeImport = import(specifier).then(
      () => tf.findBackendFactory(ENGINE_NAME.node) != null,
      (err: unknown) => {
        logger.debug('tfjs-node not available', { reason: err instanceof Error ? err.message.split('\n')[0] : String(err) });
        return false;
      },
    );
  }
  return nodeImport;
}

/** Makes `name` the active tfjs backend; false when it cannot start. */
async function activate(name: BackendName, logger: Logger): Promise<boolean> {
  if (name === 'node' && !(await loadNode(logger))) return false;
  if (name === 'wasm') ensureWasmPaths();
  if (name !== 'node') registerProjectKernels(name);
  try {
    if (!(await tf.setBackend(ENGINE_NAME[name]))) return false;
    await tf.ready();
  } catch (err) {
    logger.debug(`tensor backend ${name} failed to start`, { reason: err instanceof Error ? err.message : String(err) });
    return false;
  }
  return tf.getBackend() === ENGINE_NAME[name];
}

async function describe(name: BackendName): Promise<Record<string, unknown>> {
  if (name !== 'wasm') return {};
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { simd, threads: getThreadsCount() };
}

function isActive(name: BackendName | null): name is BackendName {
  return name != null && current === name && tf.getBackend() === ENGINE_NAME[name];
}

/** Puts the previous backend back after a failed explicit switch (tfjs leaves the failed name set). */
async function restorePrevious(previous: BackendName | null): Promise<void> {
  if (previous == null) return;
  try {
    await tf.setBackend(ENGINE_NAME[previous]);
  } catch {
    current = null;
  }
}

/**
 * Starts the tensor backend and returns its name. `'auto'` tries node, then
 * wasm, then cpu; an explicit name that cannot start throws
 * `ColloquyError('backend_unavailable')` with a hint. Registers the project's
 * kernels for wasm/cpu. Calling again with the active choice is cheap;
 * switching between backends in one process works.
 */
export async function initBackend(preferred: BackendName | 'auto' = 'auto', logger: Logger = silentLogger): Promise<BackendName> {
  if (preferred === 'auto' && isActive(autoChoice)) return autoChoice;
  if (preferred !== 'auto' && isActive(preferred)) return preferred;

  const previous = current;
  const candidates: BackendName[] = preferred === 'auto' ? ['node', 'wasm', 'cpu'] : [preferred];
  for (const name of candidates) {
    if (await activate(name, logger)) {
      current = name;
      if (preferred === 'auto') autoChoice = name;
      logger.info(`tensor backend: ${name}`, await describe(name));
      return name;
    }
    if (preferred === 'auto' && name !== 'node') logger.debug(`tensor backend ${name} unavailable, trying the next one`);
  }

  await restorePrevious(previous);
  const failed = preferred === 'auto' ? 'cpu' : preferred;
  throw new ColloquyError(
    'backend_unavailable',
    preferred === 'auto' ? 'No tensor backend could start (tried node, wasm, cpu)' : `Tensor backend "${preferred}" could not start`,
    HINTS[failed],
  );
}

/**
 * The backend Colloquy is computing on. Reflects `tf.getBackend()` when it was
 * switched outside `initBackend`; throws `ColloquyError('backend_not_initialized')`
 * before any backend is active.
 */
export function currentBackend(): BackendName {
  if (isActive(current)) return current;
  const engine = tf.getBackend();
  const known = (Object.keys(ENGINE_NAME) as BackendName[]).find((n) => ENGINE_NAME[n] === engine);
  if (known != null) return known;
  throw new ColloquyError('backend_not_initialized', 'No tensor backend has been started', 'Call initBackend() first');
}
