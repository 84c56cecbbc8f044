/**
 * wasm multithreading under Node (PERFORMANCE.md item 4), without patching
 * node_modules. tfjs-backend-wasm 4.22 hard-codes threads off under Node
 * (`WASM_HAS_MULTITHREAD_SUPPORT`) because its Emscripten pthread workers load
 * from Blob URLs, which `worker_threads` cannot. Enabling it:
 *   1. the flag is set to true before the backend starts;
 *   2. `Worker` — which the threaded glue takes from the global object — is a
 *      subclass that starts src/runtime/wasm-thread-worker.cjs instead of
 *      the Blob URL (that file runs the package's own worker script from disk);
 *   3. `setThreadsCount(n)` sets the XNNPACK pool size; the backend caps it at
 *      half the logical cores, which Emscripten reads from `os.cpus()`, so
 *      until the backend has started `os.cpus()` lists each core twice (then
 *      it is restored).
 * Gain on 2 cores: ~2× on big matMuls, ~1.2× on a training step; batch-1
 * generation gets noisier. Off unless asked for (`--threads N`, COLLOQUY_WASM_THREADS).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { ColloquyError } from '../errors.ts';

const WORKER_FILE = fileURLToPath(new URL('./wasm-thread-worker.cjs', import.meta.url));
/** Most threads accepted: more than the cores only adds contention. */
export const MAX_WASM_THREADS = 64;

let requested: number | null = null;

/** A worker_threads Worker that starts our worker file whatever script Emscripten names. */
function redirectingWorker(base: typeof NodeWorker): typeof NodeWorker {
  return class PthreadWorker extends base {
    private ready = false;

    constructor(_script: string | URL, options?: WorkerOptions) {
      // The pthread worker is plain CommonJS: it needs no loader hooks of the parent (tsx).
      super(WORKER_FILE, { ...options, execArgv: [] });
      // Once loaded, a pool thread must not keep the process alive (the CLI exits when its work is
      // done; while a kernel runs on it, the main thread is inside that kernel anyway). Until then it
      // stays referenced: the backend's start-up awaits its 'loaded' message.
      super.on('message', (m: { cmd?: string } | undefined) => {
        if (m?.cmd !== 'loaded') return;
        this.ready = true;
        this.unref();
      });
    }

    // Emscripten references a worker when it starts a pthread on it, so a running thread keeps the
    // process alive; XNNPACK's pool threads run for the life of the backend and the main thread
    // waits for their work synchronously, so they stay unreferenced.
    override ref(): void {
      if (!this.ready) super.ref();
    }
  };
}

/** Installs the global `Worker` the threaded glue reads; the glue's own assignment of it is kept as the base class. */
function installWorkerShim(): void {
  let base: typeof NodeWorker = NodeWorker;
  let shim = redirectingWorker(base);
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => shim,
    set: (w: typeof NodeWorker) => {
      if (w === shim) return;
      base = w;
      shim = redirectingWorker(base);
    },
  });
}

/** Makes `os.cpus()` list every core twice until the wasm backend has started (its thread cap is half the cores). */
function reportDoubledCoresUntilStarted(): void {
  const original = os.cpus;
  const mutableOs = os as { cpus: typeof os.cpus };
  mutableOs.cpus = () => {
    const cores = original();
    if (!wasmStarted()) return [...cores, ...cores];
    mutableOs.cpus = original;
    return cores;
  };
}

/** True once tfjs has built the wasm backend (tf.findBackend would build it, so the registry is read). */
function wasmStarted(): boolean {
  return (tf.engine() as unknown as { registry: Record<string, unknown> }).registry.wasm != null;
}

/**
 * Asks for `threads` wasm threads. Must run before the wasm backend first
 * starts (threads are fixed when tfjs builds it); 1 or less leaves threads
 * off. Throws `ColloquyError('threads_invalid')` for a bad count and
 * `ColloquyError('threads_too_late')` once the wasm backend is running.
 */
export function enableWasmThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new ColloquyError('threads_invalid', `The wasm thread count must be an integer from 1 to ${MAX_WASM_THREADS}, got ${threads}`, 'Use --threads 2 on a 2-core machine, or leave it out.');
  }
  if (threads === 1 || requested === threads) return;
  if (requested != null || wasmStarted()) {
    throw new ColloquyError('threads_too_late', 'wasm threads must be chosen before the wasm backend starts', 'Pass --threads (or COLLOQUY_WASM_THREADS) when the process starts.');
  }
  installWorkerShim();
  reportDoubledCoresUntilStarted();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  requested = threads;
}

/** The thread count asked for with enableWasmThreads (1 when threads are off). */
export function requestedWasmThreads(): number {
  return requested ?? 1;
}
