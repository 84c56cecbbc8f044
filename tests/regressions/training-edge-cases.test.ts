import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/runtime/backend.ts';
import { initParams, disposeParams } from '../../src/model/params.ts';
import { zeroState, disposeState } from '../../src/model/lstm.ts';
import { trainStep } from '../../src/training/step.ts';
import { trainModel } from '../../src/training/train-model.ts';
import { silentLogger } from '../../src/logger.ts';
import type { Dialogue } from '../../src/data/dialogue.ts';

const config = { vocabSize: 300, embedDim: 8, hiddenSize: 16, layers: 1, dropout: 0 };

describe('training edge cases found in real runs', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend('wasm');
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-edge-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('trains on a chunk one step long (the last chunk of an epoch can be)', () => {
    const params = initParams(config, 1);
    const optimizer = tf.train.adam(1e-3);
    const chunk = { inputs: Int32Array.from([5, 6, 7, 8]), positions: Int32Array.from([0, 2]), labels: Int32Array.from([9, 10]), tokens: 4 };
    const r = trainStep(params, optimizer, chunk, zeroState(params, 4), { batch: 4, dropout: 0, clipNorm: 1, learningRate: 1e-3, weightDecay: 0, seed: 1 });
    expect(Number.isFinite(r.loss)).toBe(true);
    disposeState(r.state);
    optimizer.dispose();
    disposeParams(params);
  });

  it('resumes a run interrupted before its first validation, and still keeps the best epoch', async () => {
    const turns = (q: string, a: string) => [{ speaker: 'user' as const, text: q }, { speaker: 'bot' as const, text: a }];
    const dialogues: Dialogue[] = Array.from({ length: 24 }, (_, i) => ({ id: `d${i}`, turns: turns(`question number ${i % 3}`, `answer number ${i % 3}`) }));
    const out = path.join(dir, 'model');
    const input = {
      dialogues, out, backend: 'wasm', logger: silentLogger, vocabSize: 300,
      model: { hiddenSize: 16, embedDim: 8, dropout: 0 },
      training: { epochs: 2, batchSize: 4, seqLen: 8, warmupSteps: 1, learningRate: 0.01, checkpointMinutes: 0 },
    };
    const controller = new AbortController();
    // checkpointMinutes 0 saves after every step; stop during the first epoch.
    await expect(trainModel({ ...input, signal: controller.signal, onProgress: (e) => e.step === 3 && e.epoch === 1 && controller.abort() })).rejects.toMatchObject({ code: 'colloquy_training_interrupted' });
    const manifest = await trainModel(input);
    expect(manifest.history).toHaveLength(2);
    expect(Number.isFinite(manifest.metrics.validLoss)).toBe(true);
    expect(manifest.metrics.validLoss).toBe(Math.min(...(manifest.history as Array<{ validLoss: number }>).map((h) => h.validLoss)));
  });
});

describe('refusals that protect the user’s files and time', () => {
  let dir: string;
  const dialogues: Dialogue[] = Array.from({ length: 8 }, (_, i) => ({ id: `d${i}`, turns: [{ speaker: 'user', text: `hi ${i}` }, { speaker: 'bot', text: 'hello' }] }));
  const base = { dialogues, backend: 'wasm', logger: silentLogger, vocabSize: 300, model: { hiddenSize: 8, embedDim: 4 }, training: { epochs: 1, batchSize: 2, seqLen: 4 } };
  beforeAll(async () => {
    await initBackend('wasm');
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-refuse-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('never replaces a folder that is not a model', async () => {
    const out = path.join(dir, 'notes');
    await fs.mkdir(out);
    await fs.writeFile(path.join(out, 'notes.txt'), 'keep me');

    await expect(trainModel({ ...base, out })).rejects.toMatchObject({ code: 'colloquy_output_not_model' });
    expect(await fs.readFile(path.join(out, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses a validation share of 0 and bad sizes before training anything', async () => {
    const out = path.join(dir, 'm');
    await expect(trainModel({ ...base, out, training: { ...base.training, validFraction: 0 } })).rejects.toMatchObject({ code: 'colloquy_config_invalid' });
    await expect(trainModel({ ...base, out, model: { hiddenSize: 0 } })).rejects.toMatchObject({ code: 'colloquy_config_invalid' });
    await expect(fs.access(`${out}.training`)).rejects.toThrow();
  });

  it('refuses a corpus of one dialogue instead of finishing with validation loss NaN (issue 17 #13)', async () => {
    const out = path.join(dir, 'single');
    await expect(trainModel({ ...base, out, dialogues: dialogues.slice(0, 1) })).rejects.toMatchObject({ code: 'colloquy_corpus_too_small', message: expect.stringMatching(/at least 2 dialogues/) });
    await expect(fs.access(out)).rejects.toThrow();
    await expect(fs.access(`${out}.training`)).rejects.toThrow();
  });
});
