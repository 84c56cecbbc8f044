/**
 * Retraining from reviewed conversations: fine-tune the active model on the
 * base corpus plus the reviewed export, train the candidate's out-of-scope
 * scorer on the same dialogues, score the candidate and the current model on
 * the same fixed held-out set, and let the gate decide.
 *
 * Crash safety, in order: training writes only under `<modelsDir>/.retrain/`
 * (checkpoints there let a rerun resume); the finished candidate, with its
 * lineage and report, is moved to `<modelsDir>/<version>` in one rename; only
 * then, if the gate passed, is registry.json rewritten (atomically) to point
 * at it. A kill at any point leaves the active model serving and the registry
 * naming a complete model.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Dialogue } from '../data/dialogue.ts';
import { splitDialogues } from '../data/split.ts';
import { ColloquyError } from '../errors.ts';
import { evaluate, type EvalReport } from '../eval/evaluate.ts';
import { collectEvalTurns } from '../eval/eval-turns.ts';
import { LstmGenerator } from '../generation/generator.ts';
import type { Logger } from '../logger.ts';
import { loadModel, type LoadedModel, type Manifest } from '../model/model-dir.ts';
import type { ModelConfig } from '../model/config.ts';
import { REPORT_FILE, writeLineage, type EvalSummary, type GateSettings, type GateVerdict, type Lineage } from '../registry/lineage.ts';
import { addVersion, promote } from '../registry/promote.ts';
import { listVersions, resolveActive } from '../registry/versions.ts';
import { DEFAULT_TRAINING_OPTIONS, resolveTrainingOptions, type TrainingOptions } from '../training/options.ts';
import type { ProgressEvent } from '../training/trainer.ts';
import { trainModel } from '../training/train-model.ts';
import { attachTrainedScorer, scorerSettingsOf, trainScorerLogged, userMessages } from '../understanding/scorer-for-model.ts';
import { sha256, writeFileAtomic } from '../util/fs-atomic.ts';
import { baseEvalSlice, type EvalSliceOptions } from './eval-set.ts';
import { applyGate, resolveGate } from './gate.ts';
import { mixTrainingSet } from './training-mix.ts';
import { renderTrainingReport } from './training-report.ts';

/** The reviewed data a run learns from (what `exportTrainingSet` returns). */
export interface RetrainData {
  dialogues: Dialogue[];
  heldBack: Dialogue[];
  report?: { taken?: number; skipped?: Record<string, number>; conversations?: number };
}

/** Fine-tuning defaults: a few epochs at half the original learning rate move the model towards the corrections without forgetting the base corpus. */
export const FINE_TUNE_DEFAULTS = { epochs: 3, learningRateFactor: 0.5, maxWarmupSteps: 10 } as const;

export interface RetrainInput {
  modelsDir: string;
  data: RetrainData;
  /** The base corpus the active model was trained on. */
  base: Dialogue[];
  /** Shown in the lineage. */
  baseFile?: string;
  backend: string;
  logger: Logger;
  /** Train fresh weights and a fresh tokenizer instead of fine-tuning the active model. */
  fromScratch?: boolean;
  /** Training overrides (epochs, learningRate, ...); the rest comes from the active model's own training. */
  training?: Partial<TrainingOptions>;
  /** Model shape overrides, from scratch only (default: the active model's shape). */
  model?: Partial<Omit<ModelConfig, 'vocabSize'>>;
  vocabSize?: number;
  gate?: Partial<GateSettings>;
  /** Least share of the mix the export makes up (default 0.2). */
  exportShare?: number;
  evalSlice?: EvalSliceOptions;
  /** Bot turns scored per model (default 300; 0 = all). */
  evalMaxTurns?: number;
  onProgress?: (e: ProgressEvent) => void;
  onStage?: (stage: string) => void;
  signal?: AbortSignal;
}

export interface RetrainResult {
  /** Directory name and manifest version of the candidate. */
  version: string;
  dir: string;
  promoted: boolean;
  verdict: GateVerdict;
  lineage: Lineage;
  report: string;
  /** The model the candidate was compared with (and, unless from scratch, fine-tuned from). */
  parent: string;
}

/**
 * One retraining run: fine-tune (or train from scratch), evaluate, gate,
 * keep the candidate as a version, promote it if the gate passed.
 *
 * @example
 * const exp = await exportTrainingSet(store);
 * const r = await retrain({ modelsDir: 'models', data: exp, base, backend, logger });
 * console.log(r.promoted ? `now serving ${r.version}` : r.verdict.message);
 */
export async function retrain(input: RetrainInput): Promise<RetrainResult> {
  const { modelsDir, data, logger } = input;
  if (data.dialogues.length === 0) throw noUsableData(data);
  const gate = resolveGate(input.gate);
  const active = await resolveActive(modelsDir);
  const { train: baseTrain, held: baseHeld } = baseEvalSlice(input.base, input.evalSlice);
  const evalSet = [...baseHeld, ...data.heldBack];
  const evalTurns = collectEvalTurns(evalSet, input.evalMaxTurns ?? 300, 1).length;
  if (evalTurns === 0) throw new ColloquyError('retrain_no_eval', 'There is no held-out set to compare the models on: the base corpus is too small and no reviewed conversation was held back', 'Pass a base corpus (--base) with at least two dialogues.');

  const current = await loadModel(active.dir);
  const workDir = path.join(modelsDir, '.retrain');
  const out = path.join(workDir, 'candidate');
  let candidate: LoadedModel | undefined;
  try {
    const training = trainingOptionsFor(current.manifest, input);
    const split = splitDialogues(baseTrain, { validFraction: training.validFraction, seed: training.seed });
    const mix = mixTrainingSet(split.train, data.dialogues, input.exportShare);
    const runKey = await sha256(JSON.stringify({ parent: current.manifest.version, fromScratch: Boolean(input.fromScratch), model: input.model ?? null, vocabSize: input.vocabSize ?? null, training, gate, share: input.exportShare ?? null, evalMaxTurns: input.evalMaxTurns ?? null, base: await hashDialogues(input.base), exported: await hashDialogues(data.dialogues), heldBack: await hashDialogues(data.heldBack) }));
    const same = (await listVersions(modelsDir, logger)).find((v) => v.lineage?.settings.runKey === runKey);
    if (same) {
      throw new ColloquyError('retrain_nothing_new', `Nothing new to learn: version ${same.name} (${same.status}) was already trained from ${active.name} on the same data with the same settings. Nothing was changed.`, same.status === 'candidate' ? `It passed the gate but was never promoted: colloquy models promote ${same.name}.` : 'Review more conversations first, or change the settings (--epochs, --from-scratch, ...) to train anyway.');
    }
    logger.info('retraining', { from: `${active.name} (${current.manifest.version})`, fromScratch: Boolean(input.fromScratch), base: baseTrain.length, exported: data.dialogues.length, repeats: mix.repeats, heldOut: evalSet.length });
    input.onStage?.(`training on ${mix.dialogues.length} dialogues (${data.dialogues.length} reviewed ×${mix.repeats}, ${split.train.length} base), validating on ${split.valid.length}`);
    await fs.mkdir(workDir, { recursive: true });
    const manifest = await trainModel({
      dialogues: mix.dialogues,
      valid: split.valid,
      out,
      backend: input.backend,
      corpusFile: input.baseFile,
      logger,
      training,
      ...(input.fromScratch
        ? { model: { hiddenSize: current.config.hiddenSize, embedDim: current.config.embedDim, layers: current.config.layers, dropout: current.config.dropout, ...input.model }, vocabSize: input.vocabSize ?? current.config.vocabSize }
        : { initial: { config: current.config, params: current.params, tokenizer: current.tokenizer, version: current.manifest.version }, model: input.model?.dropout !== undefined ? { dropout: input.model.dropout } : undefined }),
      onProgress: input.onProgress,
      signal: input.signal,
    });

    // the candidate's scorer learns the same dialogues, at the size and fallback rate of the active model's
    input.onStage?.('training the out-of-scope scorer on the same dialogues');
    await attachTrainedScorer(out, () => trainScorerLogged(userMessages(mix.dialogues), logger, current.scorer ? scorerSettingsOf(current.scorer) : {}), logger);

    input.onStage?.(`evaluating both models on ${evalTurns} held-out bot turns`);
    candidate = await loadModel(out);
    const maxTurns = input.evalMaxTurns ?? 300;
    const currentEval = await score(current, evalSet, maxTurns);
    const candidateEval = await score(candidate, evalSet, maxTurns);
    const verdict = applyGate(candidateEval, currentEval, gate);

    const lineage: Lineage = {
      format: 'colloquy-lineage',
      formatVersion: 1,
      version: manifest.version,
      parent: active.name,
      parentVersion: current.manifest.version,
      createdAt: manifest.createdAt,
      data: {
        base: { sha256: await hashDialogues(input.base), dialogues: input.base.length, ...(input.baseFile ? { file: path.basename(input.baseFile) } : {}) },
        export: { sha256: await hashDialogues(data.dialogues), dialogues: data.dialogues.length, heldBack: data.heldBack.length, repeats: mix.repeats, skipped: data.report?.skipped ?? {} },
        eval: { sha256: await hashDialogues(evalSet), dialogues: evalSet.length, turns: candidateEval.turns },
        train: { dialogues: mix.dialogues.length, valid: split.valid.length },
      },
      settings: { fromScratch: Boolean(input.fromScratch), training: manifest.training, gate, runKey },
      evaluation: { candidate: candidateEval, current: currentEval, gate: verdict },
      status: verdict.passed ? 'candidate' : 'refused',
    };
    await writeLineage(out, lineage);
    await writeFileAtomic(path.join(out, REPORT_FILE), renderTrainingReport({ lineage, manifest }));
    candidate.dispose();
    candidate = undefined;

    // the version is complete before anything points at it
    let dir = path.join(modelsDir, manifest.version);
    if (await fs.stat(dir).then(() => true, () => false)) {
      logger.warn(`the candidate has the same weights as version ${manifest.version}, which is kept as it is`);
    } else {
      dir = await addVersion(modelsDir, out, manifest.version);
    }
    let promoted = false;
    if (verdict.passed) {
      await promote(modelsDir, manifest.version, { note: `gate passed against ${active.name}`, force: true });
      promoted = true;
    }
    await fs.rm(workDir, { recursive: true, force: true });
    logger.info(promoted ? `promoted ${manifest.version}` : `kept ${manifest.version} as refused`, { gate: verdict.message });
    return { version: manifest.version, dir, promoted, verdict, lineage, report: path.join(dir, REPORT_FILE), parent: active.name };
  } finally {
    candidate?.dispose();
    current.dispose();
  }
}

/** The error for a run with nothing to learn from; it names what the log held and why it was left out. */
function noUsableData(data: RetrainData): ColloquyError {
  const skipped = Object.entries(data.report?.skipped ?? {}).filter(([, n]) => n > 0);
  const held = data.heldBack.length ? `; ${data.heldBack.length} held back for evaluation only` : '';
  const why = skipped.length ? `left out: ${skipped.map(([k, n]) => `${n} ${k}`).join(', ')}` : 'the log has no reviewed conversations';
  const total = data.report?.conversations !== undefined ? `${data.report.conversations} conversations in the log, ` : '';
  return new ColloquyError('retrain_no_data', `There are no usable conversations to retrain on (${total}${why}${held}). Nothing was changed.`, 'Review conversations first (colloquy review, or the admin page): only conversations marked good or corrected are used.');
}

/** Training settings: the active model's own (batch, sequence length, seed, ...), fine-tuning defaults on top, then the caller's overrides. */
function trainingOptionsFor(parent: Manifest, input: RetrainInput): TrainingOptions {
  const known = Object.keys(DEFAULT_TRAINING_OPTIONS);
  const inherited = Object.fromEntries(Object.entries(parent.training ?? {}).filter(([k, v]) => known.includes(k) && typeof v === 'number'));
  const base = resolveTrainingOptions(inherited);
  const tuned: Partial<TrainingOptions> = input.fromScratch
    ? {}
    : { epochs: FINE_TUNE_DEFAULTS.epochs, learningRate: base.learningRate * FINE_TUNE_DEFAULTS.learningRateFactor, warmupSteps: Math.min(base.warmupSteps, FINE_TUNE_DEFAULTS.maxWarmupSteps) };
  const overrides = Object.fromEntries(Object.entries(input.training ?? {}).filter(([, v]) => v !== undefined));
  return resolveTrainingOptions({ ...base, ...tuned, ...overrides });
}

async function score(model: LoadedModel, dialogues: Dialogue[], maxTurns: number): Promise<EvalSummary> {
  const generator = new LstmGenerator(model);
  try {
    const r: EvalReport = await evaluate({ model, generator, dialogues, maxTurns, seed: 1, generate: { strategy: 'greedy' } });
    return {
      modelVersion: r.modelVersion,
      turns: r.turns,
      perWordPerplexity: r.perWordPerplexity,
      perTokenPerplexity: r.perTokenPerplexity,
      bleu4: r.model.bleu4,
      distinct1: r.model.distinct1,
      distinct2: r.model.distinct2,
      avgLength: r.model.avgLength,
    };
  } finally {
    generator.dispose();
  }
}

function hashDialogues(ds: Dialogue[]): Promise<string> {
  return sha256(JSON.stringify(ds.map((d) => d.turns)));
}
