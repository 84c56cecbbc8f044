/**
 * End to end on each tensor backend: a tiny model trained for real on a tiny
 * question→answer corpus must answer every question with its exact answer.
 *
 * Both backends train to convergence (cpu is the slow one, ~1 minute): the
 * same settings, seed and data are used on each, so a kernel that computes
 * wrongly on one backend shows up as wrong answers there.
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitDialogues } from '../../src/data/split.ts';
import { encodeDialogue } from '../../src/model/encode.ts';
import type { Manifest } from '../../src/model/model-dir.ts';
import type { EpochRecord } from '../../src/training/checkpoint.ts';
import { validationLoss } from '../../src/training/trainer.ts';
import { trainModel } from '../../src/training/train-model.ts';
import { Tokenizer } from '../../src/tokenizer/index.ts';
import { initBackend } from '../../src/runtime/backend.ts';
import { silentLogger } from '../../src/logger.ts';
import type { Dialogue } from '../../src/data/dialogue.ts';
import { ask, openGenerator, QA, rejectionOf, tempDir, TINY_MODEL, TINY_TRAINING, tinyCorpus, trainTinyModel } from '../helpers/tiny.ts';

describe.each(['wasm', 'cpu'] as const)('a tiny model trained on %s', (backend) => {
  let dir: string;
  let out: string;
  let manifest: Manifest;
  let history: EpochRecord[];

  beforeAll(async () => {
    dir = await tempDir(`train-${backend}`);
    out = path.join(dir, 'model');
    manifest = await trainTinyModel(out, backend);
    history = manifest.history as EpochRecord[];
  }, 400_000);

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('answers every training question with its exact answer under greedy decoding', async () => {
    const g = await openGenerator(out, backend);
    try {
      const answers: Record<string, string> = {};
      for (const { q } of QA) answers[q] = await ask(g.generator, q);
      expect(answers).toEqual(Object.fromEntries(QA.map(({ q, a }) => [q, a])));
    } finally {
      g.close();
    }
  });

  it('records one history row per epoch, with validation loss falling across epochs', () => {
    expect(history.map((h) => h.epoch)).toEqual(Array.from({ length: TINY_TRAINING.epochs }, (_, i) => i + 1));
    for (const h of history) {
      expect(Number.isFinite(h.trainLoss)).toBe(true);
      expect(Number.isFinite(h.validLoss)).toBe(true);
      expect(h.validTokenPpl).toBeCloseTo(Math.exp(h.validLoss), 6);
    }
    // The early epochs improve every time; by the end the loss is a small fraction of the first epoch's.
    for (let i = 1; i < 5; i++) expect(history[i].validLoss).toBeLessThan(history[i - 1].validLoss);
    for (let i = 1; i < 5; i++) expect(history[i].trainLoss).toBeLessThan(history[i - 1].trainLoss);
    expect(history[history.length - 1].validLoss).toBeLessThan(history[0].validLoss / 10);
    expect(Math.min(...history.map((h) => h.validLoss))).toBeLessThan(0.2);
  });

  it('saves the weights of the best epoch, and says so in the manifest metrics', async () => {
    const best = Math.min(...history.map((h) => h.validLoss));
    expect(manifest.metrics.validLoss).toBeCloseTo(best, 10);
    expect(manifest.metrics.validTokenPpl).toBeCloseTo(Math.exp(best), 8);
    expect(manifest.metrics.trainLoss).toBeCloseTo(history[history.length - 1].trainLoss, 10);
    expect(manifest.backend).toBe(backend);

    // Recompute the validation loss of the saved weights on the same held-out split.
    const g = await openGenerator(out, backend);
    try {
      const { valid } = splitDialogues(tinyCorpus(), { validFraction: TINY_TRAINING.validFraction, seed: TINY_TRAINING.seed });
      const encoded = valid.map((d) => encodeDialogue(g.model.tokenizer, d.turns));
      const loss = validationLoss(g.model.params, encoded, TINY_TRAINING.batchSize, TINY_TRAINING.seqLen);
      expect(loss).toBeCloseTo(best, 4);
    } finally {
      g.close();
    }
  });
});

describe.each(['wasm', 'cpu'] as const)('training on %s when the last truncated-BPTT chunk of an epoch is one timestep', (backend) => {
  // A stream of L tokens cut into chunks of seqLen = L - 2 leaves a final chunk of exactly one
  // step with a target in it (this used to crash in tf.unstack's gradient; fixed in f3887e9).
  it('trains through it and saves a model', async () => {
    await initBackend(backend);
    const dialogue: Dialogue = { id: 'one', turns: [{ speaker: 'user', text: 'Hi there' }, { speaker: 'bot', text: 'Hello, how can I help?' }] };
    // vocabSize 261 = no merges, so this tokenizer is exactly the one trainModel builds.
    const tok = Tokenizer.train(dialogue.turns.map((t) => t.text), { vocabSize: 261 });
    const length = encodeDialogue(tok, dialogue.turns).ids.length;
    expect((length - 1) % (length - 2)).toBe(1);
    const dir = await tempDir('one-step');
    try {
      const manifest = await trainModel({
        dialogues: [dialogue], valid: [dialogue], out: path.join(dir, 'm'), backend, vocabSize: 261, logger: silentLogger,
        model: { ...TINY_MODEL, hiddenSize: 8, embedDim: 4 },
        training: { epochs: 2, batchSize: 1, seqLen: length - 2 },
      });
      expect(manifest.history).toHaveLength(2);
      expect(Number.isFinite(manifest.metrics.validLoss)).toBe(true);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('training options', () => {
  it('stops early once validation loss has not improved for `patience` epochs', async () => {
    // learningRate 0: the weights never change, so every epoch after the first is "no better".
    const dir = await tempDir('patience');
    try {
      const m = await trainTinyModel(path.join(dir, 'm'), 'wasm', { training: { epochs: 10, patience: 1, learningRate: 0 } });
      const history = m.history as EpochRecord[];
      expect(history.map((h) => h.epoch)).toEqual([1, 2, 3]);
      expect(new Set(history.map((h) => h.validLoss)).size).toBe(1);
      expect(m.training).toMatchObject({ epochsRun: 3 });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('frees every tensor it made once the model is saved', async () => {
    await initBackend('wasm');
    const dir = await tempDir('leak');
    try {
      const before = tf.memory().numTensors;
      await trainTinyModel(path.join(dir, 'm'), 'wasm', { training: { epochs: 1 } });
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad settings with a clear error code and writes no model', async () => {
    const dir = await tempDir('badcfg');
    try {
      const out = path.join(dir, 'm');
      for (const bad of [{ training: { epochs: 0 } }, { training: { batchSize: 1.5 } }, { model: { hiddenSize: 0 } }, { model: { dropout: 1 } }]) {
        const err = await rejectionOf(trainTinyModel(out, 'wasm', bad));
        expect(err.code, JSON.stringify(bad)).toBe('colloquy_config_invalid');
      }
      const err = await rejectionOf(trainTinyModel(out, 'wasm', { vocabSize: 100 }));
      expect(err.code).toBe('colloquy_tokenizer_options_invalid');
      await expect(fs.stat(out)).rejects.toThrow();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
