import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { currentBackend, initBackend } from '../../src/runtime/backend.ts';
import { isColloquyError } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';
import { projectKernelNames } from '../../src/runtime/kernels/index.ts';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}`);
  };
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

describe('initBackend', () => {
  it('starts wasm, logs it with SIMD status, and registers the project kernels', async () => {
    const logger = recordingLogger();
    expect(await initBackend('wasm', logger)).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(currentBackend()).toBe('wasm');
    expect(logger.lines.some((l) => /^info tensor backend: wasm .*"simd":(true|false)/.test(l))).toBe(true);
    for (const name of projectKernelNames('wasm')) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });

  it('is cheap and silent when called again with the same choice', async () => {
    await initBackend('wasm');
    const logger = recordingLogger();
    const t0 = performance.now();
    expect(await initBackend('wasm', logger)).toBe('wasm');
    expect(performance.now() - t0).toBeLessThan(50);
    expect(logger.lines).toEqual([]);
  });

  it('switches wasm -> cpu -> wasm in one process, and computes on each', async () => {
    for (const name of ['wasm', 'cpu', 'wasm'] as const) {
      expect(await initBackend(name)).toBe(name);
      expect(tf.getBackend()).toBe(name);
      expect(currentBackend()).toBe(name);
      const sum = tf.tidy(() => tf.sum(tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]), true, true)).dataSync()[0]);
      expect(sum).toBe(18); // [3,2] x [2,3] of ones: nine entries of 2
    }
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')).toBeDefined();
  });

  it('throws colloquy_backend_unavailable with a hint when node is requested but absent', async () => {
    await initBackend('wasm');
    const err = await initBackend('node').catch((e: unknown) => e);
    expect(isColloquyError(err, 'backend_unavailable')).toBe(true);
    expect((err as { code: string }).code).toBe('colloquy_backend_unavailable');
    expect((err as { hint?: string }).hint).toMatch(/tfjs-node.*--backend wasm/);
    // The failed request leaves the previous backend in place.
    expect(tf.getBackend()).toBe('wasm');
    expect(currentBackend()).toBe('wasm');
  });

  it("'auto' falls through a missing tfjs-node at debug level and picks wasm", async () => {
    await initBackend('cpu');
    const logger = recordingLogger();
    expect(await initBackend('auto', logger)).toBe('wasm');
    expect(logger.lines.filter((l) => l.startsWith('warn') || l.startsWith('error'))).toEqual([]);
    expect(logger.lines.some((l) => l.startsWith('info tensor backend: wasm'))).toBe(true);
    expect(await initBackend('auto')).toBe('wasm');
  });
});
