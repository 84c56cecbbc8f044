/**
 * wasm threads under Node (`--threads N`, COLLOQUY_WASM_THREADS): the flag
 * and variable are checked, and a process started with 2 threads really runs
 * the threaded build (2 threads, pthread workers loaded from our worker file)
 * and computes the same results as one thread. Threads are fixed when the
 * backend starts, so each run is a child process.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { takeThreadsFlag } from '../../src/cli/threads-flag.ts';
import { readEnvConfig } from '../../src/config.ts';
import { PROJECT_ROOT } from '../helpers/tiny.ts';

const run = promisify(execFile);

/** A script for a child process: starts wasm with `threads`, trains two steps of a small model and prints what it saw. */
const CHILD = `
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { enableWasmThreads } from './src/runtime/wasm-threads.ts';
import { initBackend } from './src/runtime/backend.ts';
import { initParams } from './src/model/params.ts';
import { zeroState } from './src/model/lstm.ts';
import { trainStep } from './src/training/step.ts';
const threads = Number(process.argv[process.argv.length - 1]);
if (threads > 1) enableWasmThreads(threads);
await initBackend('wasm');
const p = initParams({ vocabSize: 300, embedDim: 32, hiddenSize: 128, layers: 1, dropout: 0 }, 3);
const opt = tf.train.adam(0.01);
const B = 16, T = 24, n = B * T;
const chunk = { inputs: Int32Array.from({ length: n }, (_, i) => (i * 7) % 300), positions: Int32Array.from({ length: n }, (_, i) => i), labels: Int32Array.from({ length: n }, (_, i) => (i * 13) % 300), tokens: n };
let state = zeroState(p, B);
const losses = [];
for (let k = 0; k < 2; k++) { const r = trainStep(p, opt, chunk, state, { batch: B, dropout: 0, clipNorm: 1e9, learningRate: 0.01, weightDecay: 0, seed: 1 }); state = r.state; losses.push(r.loss); }
const workers = tf.backend().wasm.PThread ? tf.backend().wasm.PThread.unusedWorkers.length + tf.backend().wasm.PThread.runningWorkers.length : 0;
console.log(JSON.stringify({ threads: getThreadsCount(), workers, losses, cpus: os.cpus().length, realCpus: os.availableParallelism() }));
process.exit(0);
`;

async function child(threads: number): Promise<{ threads: number; workers: number; losses: number[]; cpus: number; realCpus: number }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, String(threads)], { cwd: PROJECT_ROOT, timeout: 240_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('wasm threads', () => {
  it('a process started with 2 threads runs the threaded build and trains exactly as with 1 thread', async () => {
    const one = await child(1);
    const two = await child(2);
    expect(one).toMatchObject({ threads: 1, workers: 0 });
    expect(two.threads).toBe(2);
    expect(two.workers).toBeGreaterThan(0); // Emscripten's pthread pool, started from src/runtime/wasm-thread-worker.cjs
    expect(two.cpus).toBe(two.realCpus); // os.cpus() is itself again once the backend runs
    two.losses.forEach((loss, i) => expect(loss).toBeCloseTo(one.losses[i], 4));
  }, 300_000);

  it('takes --threads N from any command line, and refuses a bad count', () => {
    expect(takeThreadsFlag(['--port', '0', '--threads', '2'])).toEqual({ threads: 2, argv: ['--port', '0'] });
    expect(takeThreadsFlag(['--threads=4', 'x'])).toEqual({ threads: 4, argv: ['x'] });
    expect(takeThreadsFlag(['--model', 'm'])).toEqual({ threads: undefined, argv: ['--model', 'm'] });
    expect(takeThreadsFlag(['--', '--threads', '2'])).toEqual({ threads: undefined, argv: ['--', '--threads', '2'] });
    for (const bad of [['--threads'], ['--threads', 'two'], ['--threads', '0'], ['--threads=1.5']]) {
      expect(() => takeThreadsFlag(bad), bad.join(' ')).toThrow(/--threads must be an integer from 1 to 64/);
    }
  });

  it('reads COLLOQUY_WASM_THREADS (default 1, off) and names it when it is wrong', () => {
    expect(readEnvConfig({}).wasmThreads).toBe(1);
    expect(readEnvConfig({ COLLOQUY_WASM_THREADS: '2' }).wasmThreads).toBe(2);
    expect(() => readEnvConfig({ COLLOQUY_WASM_THREADS: 'lots' })).toThrow(/COLLOQUY_WASM_THREADS must be an integer/);
  });
});

