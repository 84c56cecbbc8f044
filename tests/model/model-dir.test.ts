/**
 * Model directories: what training writes, that saving and loading keeps the
 * model's behaviour, that every broken directory fails with a clear coded
 * error naming the file, and that a failed run never replaces a good model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isColloquyError } from '../../src/errors.ts';
import { loadModel, readManifest, saveModel, type Manifest } from '../../src/model/model-dir.ts';
import { initBackend } from '../../src/runtime/backend.ts';
import { sha256 } from '../../src/util/fs-atomic.ts';
import { ask, openGenerator, QA, rejectionOf, snapshotDir, tempDir, TINY_MODEL, TINY_TRAINING, TINY_VOCAB, tinyCorpus, trainTinyModel } from '../helpers/tiny.ts';

let root: string;
let base: string;
let manifest: Manifest;
let trainedFrom: number;
let trainedTo: number;

beforeAll(async () => {
  root = await tempDir('modeldir');
  base = path.join(root, 'base');
  trainedFrom = Date.now();
  manifest = await trainTinyModel(base, 'wasm', { training: { epochs: 6 } });
  trainedTo = Date.now();
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A copy of the trained model directory to break. */
async function copyOfBase(name: string): Promise<string> {
  const dir = path.join(root, name);
  await fs.cp(base, dir, { recursive: true });
  return dir;
}

async function editManifest(dir: string, edit: (m: Record<string, any>) => void): Promise<void> {
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(await fs.readFile(file, 'utf8'));
  edit(m);
  await fs.writeFile(file, JSON.stringify(m));
}

const SAMPLE = { strategy: 'sample', temperature: 1.5, topK: 0, topP: 1, seed: 11 } as const;

describe('the model directory training writes', () => {
  it('holds manifest.json, weights.bin, tokenizer.json, replies.json and selection.json and nothing half-written', async () => {
    expect((await fs.readdir(base)).sort()).toEqual(['manifest.json', 'replies.json', 'selection.json', 'tokenizer.json', 'weights.bin']);
    // The work directory of the run is removed once the model is in place.
    await expect(fs.stat(`${base}.training`)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await fs.readdir(root)).filter((n) => n.startsWith('base'))).toEqual(['base']);
  });

  it('has a manifest with config, corpus hash and counts, metrics, backend, createdAt and formatVersion', async () => {
    const m = await readManifest(base);
    expect(m).toEqual(JSON.parse(JSON.stringify(manifest)));
    expect(m.format).toBe('colloquy-model');
    expect(m.formatVersion).toBe(1);
    expect(m.name).toBe('base');
    expect(m.config).toEqual({ ...TINY_MODEL, vocabSize: TINY_VOCAB + 1 }); // <act> comes after the merges
    expect(m.backend).toBe('wasm');
    const created = Date.parse(m.createdAt);
    expect(created).toBeGreaterThanOrEqual(trainedFrom);
    expect(created).toBeLessThanOrEqual(trainedTo);
    expect(new Date(created).toISOString()).toBe(m.createdAt);

    expect(m.corpus.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.corpus.dialogues).toBe(tinyCorpus().length);
    expect(Number.isInteger(m.corpus.tokens)).toBe(true);
    expect(m.corpus.tokens).toBeGreaterThan(tinyCorpus().length * 5);

    for (const key of ['validLoss', 'validTokenPpl', 'trainLoss']) expect(Number.isFinite(m.metrics[key]), key).toBe(true);
    expect(m.metrics.validTokenPpl).toBeCloseTo(Math.exp(m.metrics.validLoss), 6);
    expect(m.history).toHaveLength(6);
    expect(m.training).toMatchObject({ epochs: 6, batchSize: TINY_TRAINING.batchSize, seqLen: TINY_TRAINING.seqLen, seed: TINY_TRAINING.seed, epochsRun: 6 });

    // version is a content hash of the weights.
    expect(m.version).toBe((await sha256(await fs.readFile(path.join(base, 'weights.bin')))).slice(0, 12));
    expect(m.weights.map((w) => w.name)).toEqual(['embedding', 'lstm0.wx', 'lstm0.wh', 'lstm0.b', 'out.w', 'out.b']);
  });

  it('has a corpus hash that follows the dialogues, not the run', async () => {
    const again = await trainTinyModel(path.join(root, 'hash-same'), 'wasm', { training: { epochs: 1, seed: 99 } });
    const other = await trainTinyModel(path.join(root, 'hash-other'), 'wasm', { dialogues: tinyCorpus(15), training: { epochs: 1 } });
    expect(again.corpus.sha256).toBe(manifest.corpus.sha256);
    expect(other.corpus.sha256).not.toBe(manifest.corpus.sha256);
    expect(other.corpus.dialogues).toBe(tinyCorpus(15).length);
  });
});

describe('save → load', () => {
  it('gives the same greedy replies and the identical sampled reply for a fixed seed', async () => {
    const first = await openGenerator(base, 'wasm');
    const copy = path.join(root, 'resaved');
    try {
      const { format: _f, formatVersion: _v, version: _ver, weights: _w, config, createdAt: _c, ...fields } = first.model.manifest;
      const saved = await saveModel(copy, config, first.model.params, first.model.tokenizer, fields);
      expect(saved.version).toBe(manifest.version);
      expect(first.generator.modelVersion).toBe(manifest.version);
      expect(await fs.readFile(path.join(copy, 'weights.bin'))).toEqual(await fs.readFile(path.join(base, 'weights.bin')));

      const second = await openGenerator(copy, 'wasm');
      try {
        for (const { q } of QA) {
          expect(await ask(second.generator, q), q).toBe(await ask(first.generator, q));
          expect(await ask(second.generator, q, SAMPLE), q).toBe(await ask(first.generator, q, SAMPLE));
        }
      } finally {
        second.close();
      }

      // The sampled comparison means something: other seeds give other replies.
      const sampled = new Set<string>();
      for (let seed = 1; seed <= 8; seed++) sampled.add(await ask(first.generator, QA[0].q, { ...SAMPLE, seed }));
      expect(sampled.size).toBeGreaterThan(1);
    } finally {
      first.close();
    }
  });

  it('frees all of a model’s tensors on dispose', async () => {
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const model = await loadModel(base);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loading a broken model directory', () => {
  const cases: Array<{ name: string; code: string; file: string; breakIt: (dir: string) => Promise<void> }> = [
    { name: 'missing manifest.json', code: 'colloquy_model_file_missing', file: 'manifest.json', breakIt: (d) => fs.rm(path.join(d, 'manifest.json')) },
    { name: 'missing weights.bin', code: 'colloquy_model_file_missing', file: 'weights.bin', breakIt: (d) => fs.rm(path.join(d, 'weights.bin')) },
    { name: 'missing tokenizer.json', code: 'colloquy_model_file_missing', file: 'tokenizer.json', breakIt: (d) => fs.rm(path.join(d, 'tokenizer.json')) },
    {
      name: 'weights.bin truncated to half',
      code: 'colloquy_model_hash_mismatch',
      file: 'weights.bin',
      breakIt: async (d) => {
        const w = await fs.readFile(path.join(d, 'weights.bin'));
        await fs.writeFile(path.join(d, 'weights.bin'), w.subarray(0, Math.floor(w.length / 8) * 4));
      },
    },
    {
      name: 'weights.bin holding NaN',
      code: 'colloquy_model_hash_mismatch',
      file: 'weights.bin',
      breakIt: async (d) => {
        const w = await fs.readFile(path.join(d, 'weights.bin'));
        w.writeFloatLE(NaN, 0);
        await fs.writeFile(path.join(d, 'weights.bin'), w);
      },
    },
    { name: 'tokenizer.json that is not JSON', code: 'colloquy_model_hash_mismatch', file: 'tokenizer.json', breakIt: (d) => fs.writeFile(path.join(d, 'tokenizer.json'), '{"format": "colloquy-bpe", "merg') },
    {
      name: 'tokenizer.json with a different vocabulary',
      code: 'colloquy_model_hash_mismatch',
      file: 'tokenizer.json',
      breakIt: (d) => fs.writeFile(path.join(d, 'tokenizer.json'), JSON.stringify({ format: 'colloquy-bpe', version: 1, specials: ['<pad>', '<dlg>', '<user>', '<bot>', '<eot>'], merges: [] })),
    },
    { name: 'manifest.json that is not JSON', code: 'colloquy_model_file_corrupt', file: 'manifest.json', breakIt: (d) => fs.writeFile(path.join(d, 'manifest.json'), '{ "format": ') },
    { name: 'manifest formatVersion 99', code: 'colloquy_model_incompatible', file: 'manifest.json', breakIt: (d) => editManifest(d, (m) => (m.formatVersion = 99)) },
    { name: 'manifest config with an unknown key', code: 'colloquy_config_invalid', file: 'manifest.json', breakIt: (d) => editManifest(d, (m) => (m.config.attentionHeads = 4)) },
    { name: 'manifest config with a bad value', code: 'colloquy_config_invalid', file: 'manifest.json', breakIt: (d) => editManifest(d, (m) => (m.config.hiddenSize = -1)) },
    {
      name: 'manifest whose shapes do not match weights.bin',
      code: 'colloquy_model_file_corrupt',
      file: 'weights.bin',
      breakIt: (d) => editManifest(d, (m) => (m.config.hiddenSize = m.config.hiddenSize * 2)),
    },
  ];

  it.each(cases)('$name → $code naming $file', async ({ name, code, file, breakIt }) => {
    await initBackend('wasm');
    const dir = await copyOfBase(`broken-${name.replace(/\W+/g, '-')}`);
    await breakIt(dir);
    const err = await rejectionOf(loadModel(dir));
    expect(isColloquyError(err), `${err.name}: ${err.message}`).toBe(true);
    expect(err.code).toBe(code);
    expect(err.message).toContain(file);
  });

  it('weights.bin cut at an odd byte → colloquy_model_hash_mismatch naming weights.bin', async () => {
    await initBackend('wasm');
    const dir = await copyOfBase('broken-odd-length');
    const w = await fs.readFile(path.join(dir, 'weights.bin'));
    await fs.writeFile(path.join(dir, 'weights.bin'), w.subarray(0, w.length - 3));
    const err = await rejectionOf(loadModel(dir));
    expect(err.code).toBe('colloquy_model_hash_mismatch');
    expect(err.message).toContain('weights.bin');
  });

  it('a directory that does not exist → colloquy_model_file_missing naming it', async () => {
    const missing = path.join(root, 'never-trained');
    const err = await rejectionOf(loadModel(missing));
    expect(err.code).toBe('colloquy_model_file_missing');
    expect(err.message).toContain(missing);
  });
});

describe('a failed training run never replaces the model at `out`', () => {
  async function expectUntouched(dir: string, run: () => Promise<unknown>, code: string): Promise<void> {
    const before = await snapshotDir(dir);
    const err = await rejectionOf(run);
    expect(err.code).toBe(code);
    const after = await snapshotDir(dir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(after.get(file)!.equals(bytes), file).toBe(true);
    await initBackend('wasm');
    (await loadModel(dir)).dispose();
  }

  it('when the run is aborted', async () => {
    const out = await copyOfBase('victim-abort');
    const controller = new AbortController();
    await expectUntouched(
      out,
      () => trainTinyModel(out, 'wasm', { training: { epochs: 3, seed: 21 }, signal: controller.signal, onProgress: (e) => e.epoch === 2 && e.step === 2 && controller.abort() }),
      'colloquy_training_interrupted',
    );
  });

  it('when the corpus is empty', async () => {
    const out = await copyOfBase('victim-empty');
    await expectUntouched(out, () => trainTinyModel(out, 'wasm', { dialogues: [] }), 'colloquy_corpus_empty');
  });

  it('when the settings are invalid', async () => {
    const out = await copyOfBase('victim-config');
    await expectUntouched(out, () => trainTinyModel(out, 'wasm', { model: { layers: 0 } }), 'colloquy_config_invalid');
  });
});
