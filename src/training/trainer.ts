import * as tf from '@tensorflow/tfjs-core';
import { ColloquyError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ModelConfig } from '../model/config.ts';
import type { EncodedDialogue } from '../model/encode.ts';
import { disposeState, zeroState, type LayerState } from '../model/lstm.ts';
import { disposeCopyMemory, emptyCopyMemory, type CopyMemory } from '../model/copy.ts';
import { disposeParams, initParams, paramsFromArrays, type GeneratorParams } from '../model/params.ts';
import { createRng, shuffled } from '../util/random.ts';
import { loadCheckpoint, saveCheckpoint, snapshotParams, type EpochRecord, type TrainingProgress } from './checkpoint.ts';
import { learningRateAt, type TrainingOptions } from './options.ts';
import { evalChunk, trainStep } from './step.ts';
import { buildStreams, chunkAt, chunkCount } from './stream-batches.ts';

/** What the progress bar is fed after every step and at every epoch end. */
export interface ProgressEvent {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  tokensPerSecond: number;
  etaSeconds: number;
  phase: 'train' | 'validate' | 'epoch-end';
  record?: EpochRecord;
}

export interface TrainLoopInput {
  config: ModelConfig;
  options: TrainingOptions;
  train: EncodedDialogue[];
  valid: EncodedDialogue[];
  /** Checkpoints live here; an existing checkpoint with the same fingerprint is resumed. */
  workDir: string;
  fingerprint: string;
  logger: Logger;
  onProgress?: (e: ProgressEvent) => void;
  /** Aborting saves a checkpoint and ends the run with `training_interrupted`. */
  signal?: AbortSignal;
  /** Weights to start from instead of a fresh initialization (fine-tuning); a checkpoint still wins. */
  initialWeights?: Map<string, Float32Array>;
}

export interface TrainLoopResult {
  /** Weights of the epoch with the best validation loss (caller disposes). */
  params: GeneratorParams;
  history: EpochRecord[];
  bestValidLoss: number;
  resumedFromEpoch?: number;
}

/** Mean validation NLL per target token over the held-out dialogues. */
export function validationLoss(p: GeneratorParams, valid: EncodedDialogue[], batchSize: number, seqLen: number): number {
  if (valid.length === 0) return NaN;
  const batch = Math.min(batchSize, valid.length);
  const streams = buildStreams(valid, valid.map((_, i) => i), batch);
  let state = zeroState(p, batch);
  let memory = freshCopyMemory(p, batch);
  let sum = 0;
  let count = 0;
  for (let k = 0; k < chunkCount(streams.length, seqLen); k++) {
    const r = evalChunk(p, chunkAt(streams, batch, seqLen, k), state, batch, memory);
    state = r.state;
    memory = r.memory;
    for (const v of r.nll) sum += v;
    count += r.nll.length;
  }
  disposeState(state);
  disposeCopyMemory(memory);
  return count ? sum / count : NaN;
}

/** Empty copy memory for copy models (their predictions reach back across chunks), undefined for plain ones. */
function freshCopyMemory(p: GeneratorParams, batch: number): CopyMemory | undefined {
  return p.copy ? emptyCopyMemory(p, batch, p.copy.window) : undefined;
}

/**
 * The training loop: epochs of truncated BPTT over shuffled dialogue streams,
 * validation after each epoch, early stopping, checkpoints every epoch and
 * every few minutes, exact resume from the last checkpoint.
 */
export async function trainLoop(input: TrainLoopInput): Promise<TrainLoopResult> {
  const { config, options: o, train, valid, workDir, fingerprint, logger } = input;
  if (train.length === 0) throw new ColloquyError('corpus_empty', 'No training dialogues left after the validation split');
  const batch = Math.min(o.batchSize, train.length);
  const resumed = await loadCheckpoint(workDir, fingerprint);
  const params = resumed?.params ?? (input.initialWeights ? paramsFromArrays(config, input.initialWeights) : initParams(config, o.seed));
  let best = resumed?.best ?? (await snapshotParams(params));
  const optimizer = tf.train.adam(o.learningRate);
  if (resumed) {
    await optimizer.setWeights(resumed.optimizerWeights);
    tf.dispose(resumed.optimizerWeights.map((w) => w.tensor)); // setWeights copied them into variables
  }
  const progress: TrainingProgress = resumed?.progress ?? { epoch: 0, step: 0, globalStep: 0, bestValidLoss: Infinity, badEpochs: 0, history: [], epochLossSum: 0, epochLossCount: 0 };
  if (resumed) logger.info(`resuming from the checkpoint in ${workDir}`, { epoch: progress.epoch + 1, step: progress.step });
  let state: LayerState[] = resumed?.state.length ? resumed.state : zeroState(params, batch);
  // Copy models' memory of recent positions is not checkpointed: a resumed run starts it empty.
  let memory = freshCopyMemory(params, batch);

  const tokensPerEpoch = train.reduce((n, d) => n + d.ids.length, 0);
  const streamsFor = (epoch: number) => buildStreams(train, shuffled(train.map((_, i) => i), createRng(o.seed * 1000 + epoch)), batch);
  const steps = chunkCount(Math.ceil(tokensPerEpoch / batch), o.seqLen);
  const totalSteps = steps * o.epochs;
  let lastSave = Date.now();
  const runStarted = Date.now();
  const budgetMs = o.maxMinutes * 60_000;
  /** Share of the time budget spent (0 when there is none). */
  const timeSpent = () => (budgetMs > 0 ? (Date.now() - runStarted) / budgetMs : 0);
  let outOfTime = false;

  /** Saves a checkpoint that resumes `ahead` steps past the current one (1 after a finished step). */
  const save = async (ahead = 0) => {
    const optimizerWeights = await optimizer.getWeights();
    const at = { ...progress, step: progress.step + ahead, globalStep: progress.globalStep + ahead };
    await saveCheckpoint(workDir, fingerprint, config, { progress: at, params, best, optimizerWeights, state });
    optimizerWeights[0].tensor.dispose(); // the iteration counter is created fresh by getWeights
    lastSave = Date.now();
  };

  try {
    while (progress.epoch < o.epochs && progress.badEpochs <= o.patience && !outOfTime) {
      const streams = streamsFor(progress.epoch);
      const started = Date.now();
      let tokens = 0;
      for (; progress.step < steps; progress.step++, progress.globalStep++) {
        if (input.signal?.aborted) {
          await save();
          throw new ColloquyError('training_interrupted', `Training interrupted at epoch ${progress.epoch + 1}, step ${progress.step}; checkpoint saved in ${workDir}`, 'Run the same command again to resume.');
        }
        const chunk = chunkAt(streams, batch, o.seqLen, progress.step);
        if (timeSpent() >= 1) {
          outOfTime = true;
          break;
        }
        const lr = learningRateAt(o, progress.globalStep, totalSteps, timeSpent());
        const r = trainStep(params, optimizer, chunk, state, { batch, dropout: config.dropout, clipNorm: o.clipNorm, learningRate: lr, weightDecay: o.weightDecay, seed: o.seed * 7919 + progress.globalStep }, memory);
        state = r.state;
        memory = r.memory;
        if (!Number.isNaN(r.loss)) {
          if (!Number.isFinite(r.loss)) throw new ColloquyError('training_diverged', `Loss became ${r.loss} at epoch ${progress.epoch + 1}`, 'Lower --lr or raise --clip.');
          progress.epochLossSum += r.loss * chunk.positions.length;
          progress.epochLossCount += chunk.positions.length;
        }
        tokens += chunk.tokens;
        const seconds = (Date.now() - started) / 1000;
        const tps = tokens / Math.max(seconds, 1e-3);
        input.onProgress?.({ epoch: progress.epoch + 1, epochs: o.epochs, step: progress.step + 1, steps, loss: progress.epochLossSum / Math.max(1, progress.epochLossCount), tokensPerSecond: tps, etaSeconds: ((steps - progress.step - 1) * batch * o.seqLen) / tps, phase: 'train' });
        if (Date.now() - lastSave > o.checkpointMinutes * 60_000) await save(1);
        await new Promise((resolve) => setImmediate(resolve)); // let signals and I/O through
      }
      input.onProgress?.({ epoch: progress.epoch + 1, epochs: o.epochs, step: steps, steps, loss: progress.epochLossSum / Math.max(1, progress.epochLossCount), tokensPerSecond: 0, etaSeconds: 0, phase: 'validate' });
      const stepsRun = progress.step;
      const validLoss = validationLoss(params, valid, o.batchSize, o.seqLen);
      const seconds = (Date.now() - started) / 1000;
      const record: EpochRecord = {
        epoch: progress.epoch + 1,
        trainLoss: progress.epochLossSum / Math.max(1, progress.epochLossCount),
        validLoss,
        validTokenPpl: Math.exp(validLoss),
        tokensPerSecond: Math.round(tokens / Math.max(seconds, 1e-3)),
        seconds: Math.round(seconds),
        learningRate: learningRateAt(o, progress.globalStep, totalSteps, timeSpent()),
      };
      progress.history.push(record);
      const improved = Number.isNaN(validLoss) || validLoss < progress.bestValidLoss;
      if (improved) {
        progress.bestValidLoss = Number.isNaN(validLoss) ? progress.bestValidLoss : validLoss;
        progress.badEpochs = 0;
        best = await snapshotParams(params);
      } else {
        progress.badEpochs++;
      }
      progress.epoch++;
      progress.step = 0;
      if (timeSpent() >= 1) outOfTime = true; // no empty epoch after the budget ends on a boundary
      progress.epochLossSum = 0;
      progress.epochLossCount = 0;
      disposeState(state);
      state = zeroState(params, batch);
      disposeCopyMemory(memory);
      memory = freshCopyMemory(params, batch);
      await save();
      input.onProgress?.({ epoch: record.epoch, epochs: o.epochs, step: steps, steps, loss: record.trainLoss, tokensPerSecond: record.tokensPerSecond, etaSeconds: 0, phase: 'epoch-end', record });
      if (progress.badEpochs > o.patience) logger.info(`early stopping: validation loss has not improved for ${progress.badEpochs} epochs`);
      if (outOfTime) logger.info(`time budget of ${o.maxMinutes} min spent: stopped after ${progress.history.length} epochs (the last one partial, ${stepsRun} of ${steps} steps)`);
    }
  } finally {
    disposeState(state);
    disposeCopyMemory(memory);
    optimizer.dispose();
  }
  disposeParams(params);
  return { params: paramsFromArrays(config, best), history: progress.history, bestValidLoss: progress.bestValidLoss, resumedFromEpoch: resumed ? resumed.progress.epoch : undefined };
}
