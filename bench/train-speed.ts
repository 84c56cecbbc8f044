/**
 * Training speed: Colloquy's training step (src/training/step.ts) against a
 * tfjs-layers model of the same size (`tf.layers.lstm`, the way TensorFlow.js
 * examples train an LSTM) on the same backend, in the same process.
 *
 * Both train on the same synthetic chunk: B streams of T random tokens with
 * every position a target, so both compute the full output projection (our
 * trainer normally projects only the bot-side positions: a real run does less
 * work than measured here).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initParams, disposeParams } from '../src/model/params.ts';
import { disposeState, zeroState, type LayerState } from '../src/model/lstm.ts';
import { trainStep } from '../src/training/step.ts';
import type { Chunk } from '../src/training/stream-batches.ts';
import { createRng } from '../src/util/random.ts';

/** Model and batch shape of a training measurement. */
export interface TrainShape {
  vocabSize: number;
  embedDim: number;
  hiddenSize: number;
  batch: number;
  seqLen: number;
}

/** The shape of issue 7 and PERFORMANCE.md: E=64, H=256, V=2,000, B=32, T=32. */
export const ISSUE_SHAPE: TrainShape = { vocabSize: 2000, embedDim: 64, hiddenSize: 256, batch: 32, seqLen: 32 };

/** Something that runs one optimizer step and says how many tokens it read. */
export interface Trainer {
  step(): Promise<number>;
  dispose(): void;
}

/** Random token ids, time-major [T*B], with the next token of every position as its label. */
function syntheticChunk(s: TrainShape, seed: number): Chunk {
  const rng = createRng(seed);
  const n = s.batch * s.seqLen;
  const inputs = Int32Array.from({ length: n }, () => 4 + Math.floor(rng() * (s.vocabSize - 4)));
  const labels = Int32Array.from({ length: n }, () => 4 + Math.floor(rng() * (s.vocabSize - 4)));
  return { inputs, positions: Int32Array.from({ length: n }, (_, i) => i), labels, tokens: n };
}

/** Colloquy's trainer: hand-written LSTM, sparse cross-entropy, Adam, carried state. */
export function createOurTrainer(s: TrainShape): Trainer {
  const params = initParams({ vocabSize: s.vocabSize, embedDim: s.embedDim, hiddenSize: s.hiddenSize, layers: 1, dropout: 0 }, 1);
  const optimizer = tf.train.adam(1e-3);
  const chunk = syntheticChunk(s, 1);
  let state: LayerState[] = zeroState(params, s.batch);
  return {
    async step() {
      const r = trainStep(params, optimizer, chunk, state, { batch: s.batch, dropout: 0, clipNorm: 1, learningRate: 1e-3, weightDecay: 0, seed: 1 });
      state = r.state;
      return chunk.tokens;
    },
    dispose() {
      disposeState(state);
      optimizer.dispose();
      disposeParams(params);
    },
  };
}

/** The baseline: Embedding → tf.layers.lstm(returnSequences) → Dense, sparse categorical cross-entropy, Adam, trainOnBatch. */
export async function createLayersTrainer(s: TrainShape): Promise<Trainer> {
  const tfl = await import('@tensorflow/tfjs');
  const model = tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: s.vocabSize, outputDim: s.embedDim, inputLength: s.seqLen }),
      tfl.layers.lstm({ units: s.hiddenSize, returnSequences: true }),
      tfl.layers.dense({ units: s.vocabSize, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tfl.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const chunk = syntheticChunk(s, 1);
  // Batch-major for layers: [B, T] ids and [B, T, 1] labels.
  const toBatchMajor = (a: Int32Array) => Float32Array.from({ length: a.length }, (_, i) => a[(i % s.seqLen) * s.batch + Math.floor(i / s.seqLen)]);
  const x = tf.tensor2d(toBatchMajor(chunk.inputs), [s.batch, s.seqLen]);
  const y = tf.tensor3d(toBatchMajor(chunk.labels), [s.batch, s.seqLen, 1]);
  return {
    async step() {
      await model.trainOnBatch(x, y);
      return chunk.tokens;
    },
    dispose() {
      tf.dispose([x, y]);
      model.optimizer?.dispose();
      model.dispose();
    },
  };
}

/** Tokens per second over `steps` steps (after one warm-up step on first use). */
export async function tokensPerSecond(t: Trainer, steps: number): Promise<number> {
  let tokens = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) tokens += await t.step();
  return tokens / ((performance.now() - t0) / 1000);
}
