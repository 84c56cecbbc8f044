/**
 * No tensor leaks (issue 7): `tf.memory().numTensors` is flat over 1,000
 * replies — one at a time and batched, finished, cut at the cap, cancelled
 * and refused — and over the epochs of a training run (tiny model, wasm).
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LstmGenerator } from '../../src/generation/generator.ts';
import { loadModel, type LoadedModel } from '../../src/model/model-dir.ts';
import { tensorsBesidesCache } from '../helpers/tensors.ts';
import { QA, tempDir, trainTinyModel, user } from '../helpers/tiny.ts';

let root: string;
let model: LoadedModel;
const PROMPTS = [...QA.map((x) => x.q), 'hello', 'refund hours order', 'thanks bye'];

beforeAll(async () => {
  root = await tempDir('memory');
  await trainTinyModel(path.join(root, 'model'), 'wasm', { training: { epochs: 6 } });
  model = await loadModel(path.join(root, 'model'));
}, 600_000);

afterAll(async () => {
  model?.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

/** Runs `count` replies in waves of `wave` concurrent ones; every 7th is cancelled, every 11th has invalid options. */
async function runReplies(g: LstmGenerator, count: number, wave: number): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  for (let start = 0; start < count; start += wave) {
    const jobs = Array.from({ length: Math.min(wave, count - start) }, async (_, k) => {
      const i = start + k;
      const controller = new AbortController();
      const opts = { strategy: i % 3 === 0 ? ('sample' as const) : ('greedy' as const), seed: i, maxTokens: i % 11 === 0 ? -1 : 1 + (i % 30) };
      const stream = g.reply([user(PROMPTS[i % PROMPTS.length])], opts, { signal: controller.signal });
      if (i % 7 === 0 && i % 11 !== 0) {
        for await (const piece of stream) if (piece) break;
        controller.abort();
      }
      await stream.result.then(
        () => ok++,
        () => failed++,
      );
    });
    await Promise.all(jobs);
  }
  return { ok, failed };
}

describe('tensor count stays flat', () => {
  for (const batching of [false, true]) {
    it(`over 1,000 replies (${batching ? 'batched, 50 at a time' : 'one at a time'}), including cancelled and refused ones`, async () => {
      const atStart = tf.memory().numTensors;
      const capacity = 8;
      const g = new LstmGenerator(model, {}, { batching, prefixCache: capacity });
      try {
        await runReplies(g, 20, batching ? 20 : 1); // warm-up: kernels and backend buffers settle
        const before = tensorsBesidesCache(g);
        const { ok, failed } = await runReplies(g, 1000, batching ? 50 : 1);
        expect(ok + failed).toBe(1000);
        expect(failed).toBeGreaterThan(100); // the cancelled and refused ones really failed
        expect(ok).toBeGreaterThan(700);
        expect(tensorsBesidesCache(g)).toBe(before);
        // The prefix cache keeps finished replies' states, never more than its capacity.
        expect(g.cacheStats()!.entries).toBe(capacity);
        expect(tf.memory().numTensors - before).toBe(capacity * 2 * model.params.layers.length);
      } finally {
        g.dispose();
      }
      expect(tf.memory().numTensors).toBe(atStart);
    }, 600_000);
  }

  it('over the steps and epochs of a training run', async () => {
    const counts: Array<{ epoch: number; tensors: number }> = [];
    const before = tf.memory().numTensors;
    await trainTinyModel(path.join(root, 'trained'), 'wasm', {
      training: { epochs: 3 },
      onProgress: (e) => {
        if (e.phase === 'train') counts.push({ epoch: e.epoch, tensors: tf.memory().numTensors });
      },
    });
    expect(counts.length).toBeGreaterThan(6);
    // From the second step on (Adam creates its slots on the first), every step of every epoch holds the same tensors.
    const steady = counts.slice(1).map((c) => c.tensors);
    expect(new Set(steady)).toEqual(new Set([steady[0]]));
    expect(new Set(counts.map((c) => c.epoch))).toEqual(new Set([1, 2, 3]));
    // After the run, only what trainModel returns is gone too: nothing is left behind.
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);
});
