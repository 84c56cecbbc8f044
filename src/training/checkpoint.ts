import * as tf from '@tensorflow/tfjs-core';

type NamedTensor = { name: string; tensor: tf.Tensor };
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ColloquyError } from '../errors.ts';
import type { LayerState } from '../model/lstm.ts';
import { namedWeights, paramsFromArrays, weightArrays, type GeneratorParams } from '../model/params.ts';
import type { ModelConfig } from '../model/config.ts';
import { readWeights, writeWeights, type NamedArray, type WeightSpec } from '../model/weights-file.ts';
import { writeFileAtomic } from '../util/fs-atomic.ts';

/** One row of the training history, one per finished epoch. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  validTokenPpl: number;
  tokensPerSecond: number;
  seconds: number;
  learningRate: number;
}

/** Where a run stands: enough to continue it exactly after Ctrl-C or a kill. */
export interface TrainingProgress {
  /** Epochs finished. */
  epoch: number;
  /** Next chunk index within the current epoch (0 at an epoch boundary). */
  step: number;
  globalStep: number;
  bestValidLoss: number;
  badEpochs: number;
  history: EpochRecord[];
  /** Loss sum and token count so far in the current epoch. */
  epochLossSum: number;
  epochLossCount: number;
}

interface CheckpointFile {
  format: 'colloquy-checkpoint';
  version: 1;
  fingerprint: string;
  config: ModelConfig;
  progress: TrainingProgress;
  weights: WeightSpec[];
  best: WeightSpec[];
  optimizer: WeightSpec[];
}

export interface Checkpoint {
  config: ModelConfig;
  progress: TrainingProgress;
  params: GeneratorParams;
  best: Map<string, Float32Array>;
  optimizerWeights: NamedTensor[];
  state: LayerState[];
}

const STATE_FILE = 'checkpoint.json';

/** Snapshot of the current weights as plain arrays (for keeping the best epoch). */
export async function snapshotParams(p: GeneratorParams): Promise<Map<string, Float32Array>> {
  return new Map((await weightArrays(p)).map((a) => [a.name, a.values.slice()]));
}

/** Writes the checkpoint into `dir`; checkpoint.json goes last, so a kill mid-write leaves the previous checkpoint valid. */
export async function saveCheckpoint(dir: string, fingerprint: string, config: ModelConfig, c: Omit<Checkpoint, 'config'>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const stateArrays: NamedArray[] = [];
  for (const [i, s] of c.state.entries()) {
    stateArrays.push({ name: `state${i}.h`, shape: s.h.shape, values: (await s.h.data()) as Float32Array });
    stateArrays.push({ name: `state${i}.c`, shape: s.c.shape, values: (await s.c.data()) as Float32Array });
  }
  const gen = Date.now();
  const weights = await writeWeights(path.join(dir, `weights-${gen}.bin`), [...(await weightArrays(c.params)), ...stateArrays]);
  const shapes = new Map(namedWeights(c.params).map((w) => [w.name, w.variable.shape]));
  const best = await writeWeights(path.join(dir, `best-${gen}.bin`), [...c.best].map(([name, values]) => ({ name, shape: shapes.get(name)!, values })));
  const optimizer = await writeWeights(
    path.join(dir, `optimizer-${gen}.bin`),
    await Promise.all(c.optimizerWeights.map(async (w, i) => ({ name: `${i}`, shape: w.tensor.shape, values: Float32Array.from(await w.tensor.data()) }))),
  );
  const file: CheckpointFile & { generation: number } = { format: 'colloquy-checkpoint', version: 1, fingerprint, config, progress: c.progress, weights, best, optimizer, generation: gen };
  await writeFileAtomic(path.join(dir, STATE_FILE), JSON.stringify(file));
  // Older generations are no longer referenced.
  for (const name of await fs.readdir(dir)) {
    if (/^(weights|best|optimizer)-\d+\.bin$/.test(name) && !name.endsWith(`-${gen}.bin`)) await fs.rm(path.join(dir, name), { force: true });
  }
}

/**
 * Loads the checkpoint in `dir` when it belongs to the same run (same corpus,
 * tokenizer and settings); undefined when there is none or it is for another run.
 */
export async function loadCheckpoint(dir: string, fingerprint: string): Promise<Checkpoint | undefined> {
  let raw: string;
  try {
    raw = await fs.readFile(path.join(dir, STATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  let file: CheckpointFile & { generation: number };
  try {
    file = JSON.parse(raw);
  } catch {
    throw new ColloquyError('checkpoint_corrupt', `Checkpoint ${path.join(dir, STATE_FILE)} is not valid JSON`, `Delete ${dir} to start the run over.`);
  }
  if (file.format !== 'colloquy-checkpoint' || file.version !== 1 || file.fingerprint !== fingerprint) return undefined;
  file.progress.bestValidLoss ??= Infinity; // JSON has no Infinity: it was written as null
  const arrays = await readWeights(path.join(dir, `weights-${file.generation}.bin`), file.weights);
  const best = await readWeights(path.join(dir, `best-${file.generation}.bin`), file.best);
  const opt = await readWeights(path.join(dir, `optimizer-${file.generation}.bin`), file.optimizer);
  const optimizerWeights = file.optimizer.map((s) => ({ name: s.name, tensor: tf.tensor(opt.get(s.name)!, s.shape) }));
  const state: LayerState[] = [];
  for (let i = 0; arrays.has(`state${i}.h`); i++) {
    const spec = file.weights.find((w) => w.name === `state${i}.h`)!;
    state.push({ h: tf.tensor2d(arrays.get(`state${i}.h`)!, spec.shape as [number, number]), c: tf.tensor2d(arrays.get(`state${i}.c`)!, spec.shape as [number, number]) });
  }
  return { config: file.config, progress: file.progress, params: paramsFromArrays(file.config, arrays), best, optimizerWeights, state };
}
