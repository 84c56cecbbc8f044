/**
 * Shared factory for the model, training, generation, eval and CLI tests:
 * a tiny question→answer corpus and a tiny model trained on it for real.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dialogue, Turn } from '../../src/data/dialogue.ts';
import { LstmGenerator } from '../../src/generation/generator.ts';
import type { GenerateOptions } from '../../src/generation/options.ts';
import type { ReplyStream } from '../../src/generation/reply-stream.ts';
import { silentLogger, type Logger } from '../../src/logger.ts';
import { loadModel, type LoadedModel, type Manifest } from '../../src/model/model-dir.ts';
import { initBackend, type BackendName } from '../../src/runtime/backend.ts';
import type { ProgressEvent } from '../../src/training/trainer.ts';
import { trainModel, type TrainModelInput } from '../../src/training/train-model.ts';

/** The project root (where bin/ and package.json live). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Distinct question → answer pairs the tiny model must learn. */
export const QA: ReadonlyArray<{ q: string; a: string }> = [
  { q: 'Where is my order?', a: 'It ships tomorrow.' },
  { q: 'Can I get a refund?', a: 'Yes, refunds take five days.' },
  { q: 'What are your hours?', a: 'We open at nine.' },
  { q: 'Do you sell gift cards?', a: 'No, sorry.' },
  { q: 'How do I reset my password?', a: 'Click forgot password.' },
  { q: 'How much is shipping?', a: 'Shipping is 5 € – free over 50 €.' },
];

/** `repeats` dialogues per pair (ids `qa<k>-<n>`), interleaved: each a user question and the bot's answer. */
export function tinyCorpus(repeats = 16): Dialogue[] {
  const out: Dialogue[] = [];
  for (let n = 0; n < repeats; n++) {
    QA.forEach(({ q, a }, k) => {
      out.push({ id: `qa${k}-${n}`, turns: [{ speaker: 'user', text: q }, { speaker: 'bot', text: a }] });
    });
  }
  return out;
}

/** The corpus as JSONL text (one dialogue a line). */
export function toJsonl(dialogues: Dialogue[]): string {
  return dialogues.map((d) => JSON.stringify(d)).join('\n') + '\n';
}

/** Model shape used everywhere: small enough for the cpu backend. */
export const TINY_MODEL = { hiddenSize: 64, embedDim: 32, layers: 1, dropout: 0 } as const;
export const TINY_VOCAB = 300;

/** Training settings that make the tiny model learn the tiny corpus in a few epochs. */
export const TINY_TRAINING = {
  epochs: 30,
  batchSize: 8,
  seqLen: 16,
  learningRate: 0.02,
  warmupSteps: 5,
  patience: 100,
  seed: 4,
  weightDecay: 0,
  validFraction: 0.1,
} as const;

export interface TrainTinyOverrides {
  dialogues?: Dialogue[];
  training?: TrainModelInput['training'];
  model?: TrainModelInput['model'];
  vocabSize?: number;
  onProgress?: (e: ProgressEvent) => void;
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * Starts `backend` and trains the tiny model into `out` (a model directory).
 * Overrides are merged onto the tiny defaults.
 */
export async function trainTinyModel(out: string, backend: BackendName, overrides: TrainTinyOverrides = {}): Promise<Manifest> {
  await initBackend(backend);
  return trainModel({
    dialogues: overrides.dialogues ?? tinyCorpus(),
    out,
    backend,
    vocabSize: overrides.vocabSize ?? TINY_VOCAB,
    model: { ...TINY_MODEL, ...overrides.model },
    training: { ...TINY_TRAINING, ...overrides.training },
    logger: overrides.logger ?? silentLogger,
    onProgress: overrides.onProgress,
    signal: overrides.signal,
  });
}

/** A fresh temp directory `colloquy-<tag>-XXXX`. */
export function tempDir(tag: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `colloquy-${tag}-`));
}

export { rejectionOf } from './errors.ts';

/** Every file of a directory (recursively) with its bytes, for before/after comparisons. */
export async function snapshotDir(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string, rel: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p, path.join(rel, e.name));
      else out.set(path.join(rel, e.name), await fs.readFile(p));
    }
  };
  await walk(dir, '');
  return out;
}

/** A user turn. */
export const user = (text: string): Turn => ({ speaker: 'user', text });

/** Loads the model in `dir` on `backend` and wraps it in a generator; `close()` frees both. */
export async function openGenerator(dir: string, backend: BackendName): Promise<{ model: LoadedModel; generator: LstmGenerator; close(): void }> {
  await initBackend(backend);
  const model = await loadModel(dir);
  const generator = new LstmGenerator(model);
  return {
    model,
    generator,
    close() {
      generator.dispose();
      model.dispose();
    },
  };
}

/** The greedy reply text to a single user message. */
export async function ask(generator: LstmGenerator, text: string, opts: Partial<GenerateOptions> = {}): Promise<string> {
  return (await generator.reply([user(text)], opts).result).text;
}

/** Iterates a reply stream to the end and returns the pieces it yielded and its result. */
export async function drain<R>(stream: ReplyStream<R>): Promise<{ pieces: string[]; result: R }> {
  const pieces: string[] = [];
  for await (const piece of stream) pieces.push(piece);
  return { pieces, result: await stream.result };
}
