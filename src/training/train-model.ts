import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Dialogue } from '../data/dialogue.ts';
import { splitDialogues } from '../data/split.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_MODEL_CONFIG, parseModelConfig, type ModelConfig } from '../model/config.ts';
import { encodeDialogue } from '../model/encode.ts';
import { learnSlotFields } from '../data/slot-values.ts';
import { assertReplaceable, saveModel, type Manifest } from '../model/model-dir.ts';
import { ColloquyError, isColloquyError } from '../errors.ts';
import { disposeParams, type GeneratorParams } from '../model/params.ts';
import { snapshotParams } from './checkpoint.ts';
import { withActionToken } from '../model/action-token.ts';
import { ClaimIndex } from '../facts/claims.ts';
import { FactSelection } from '../facts/selection.ts';
import { ReplyIndex } from '../retrieval/reply-index.ts';
import { Tokenizer } from '../tokenizer/index.ts';
import { sha256 } from '../util/fs-atomic.ts';
import { resolveTrainingOptions, type TrainingOptions } from './options.ts';
import { trainLoop, type ProgressEvent } from './trainer.ts';

export interface TrainModelInput {
  /** Training dialogues; a validation share is split off unless `valid` is given. */
  dialogues: Dialogue[];
  valid?: Dialogue[];
  /** Model directory to write when training succeeds (replaced whole). */
  out: string;
  /** Model shape overrides (vocabSize is set by the tokenizer). */
  model?: Partial<Omit<ModelConfig, 'vocabSize'>>;
  /** Tokenizer vocabulary size. */
  vocabSize?: number;
  training?: Partial<TrainingOptions>;
  backend: string;
  /** Shown in the manifest: where the corpus came from. */
  corpusFile?: string;
  logger: Logger;
  onProgress?: (e: ProgressEvent) => void;
  signal?: AbortSignal;
  /**
   * Warm start (fine-tuning): begin from these weights with this tokenizer and
   * model shape instead of fresh ones; `vocabSize` and the model overrides other
   * than `dropout` are then ignored. `version` names the parent in the fingerprint.
   */
  initial?: WarmStart;
  /**
   * Slot tokens (default true): the action fields whose values the replies state
   * often (src/data/slot-values.ts) each get one token that a reply writes for
   * the value and decoding fills in from the newest action. Ignored with a warm
   * start, which keeps its tokenizer.
   */
  slots?: boolean;
}

/** The model a fine-tuning run starts from. */
export interface WarmStart {
  config: ModelConfig;
  params: GeneratorParams;
  tokenizer: Tokenizer;
  version: string;
}

/** Default vocabulary: enough subwords for support dialogue, small enough for a fast output layer. */
export const DEFAULT_VOCAB_SIZE = 2000;

/**
 * Trains a model end to end: tokenizer, encoding, the training loop with
 * checkpoints in `<out>.training/`, then writes `out` — only on success, so
 * a failed or interrupted run never replaces the model already there.
 */
export async function trainModel(input: TrainModelInput): Promise<Manifest> {
  const { logger } = input;
  const o = resolveTrainingOptions(input.training);
  await assertReplaceable(input.out);
  if (!input.valid && o.validFraction <= 0) throw new ColloquyError('config_invalid', 'validFraction must be above 0 (early stopping needs held-out dialogues), or pass a separate validation set');
  const overrides = Object.fromEntries(Object.entries(input.model ?? {}).filter(([, v]) => v !== undefined));
  parseModelConfig({ ...DEFAULT_MODEL_CONFIG, ...overrides, vocabSize: input.vocabSize ?? DEFAULT_VOCAB_SIZE }); // bad sizes fail before any work
  const split = input.valid ? { train: input.dialogues, valid: input.valid } : splitDialogues(input.dialogues, { validFraction: o.validFraction, seed: o.seed });
  if (split.train.length > 0 && split.valid.length === 0) {
    // without held-out dialogues the validation loss is NaN: the run would "succeed" with nothing measured
    throw new ColloquyError('corpus_too_small', `Training needs at least 2 dialogues: one is held out to measure the validation loss (got ${input.dialogues.length})`, 'Add dialogues to the corpus (a few hundred for a useful bot), or pass a separate validation set.');
  }
  const corpusHash = await sha256(JSON.stringify(input.dialogues.map((d) => d.turns)));
  const workDir = `${path.resolve(input.out)}.training`;
  const vocabSize = input.vocabSize ?? DEFAULT_VOCAB_SIZE;
  // Settings that change the run's meaning; epochs, patience and the time budget may change on resume.
  const { epochs: _e, patience: _p, checkpointMinutes: _c, maxMinutes: _m, ...fixed } = o;
  const warm = input.initial;
  const slots = input.slots ?? true;
  const fingerprint = await sha256(JSON.stringify({ corpusHash, vocabSize, model: overrides, fixed, validCount: split.valid.length, ...(warm ? { warmStartFrom: warm.version } : {}), ...(slots ? {} : { slots }) }));

  if (warm && warm.tokenizer.vocabSize !== warm.config.vocabSize) throw new ColloquyError('config_invalid', `The warm-start tokenizer has ${warm.tokenizer.vocabSize} tokens but the model expects ${warm.config.vocabSize}`);
  // a model from before action turns gains the <act> token (a new last id) as it is fine-tuned
  const upgraded = warm ? withActionToken(warm.tokenizer, warm.config, await snapshotParams(warm.params)) : undefined;
  const tokenizer = upgraded ? upgraded.tokenizer : withSlotFields(await loadOrTrainTokenizer(workDir, fingerprint, split.train, vocabSize, logger), slots ? split.train : [], logger);
  const config = upgraded
    ? parseModelConfig({ ...upgraded.config, ...(overrides.dropout !== undefined ? { dropout: overrides.dropout } : {}) })
    : parseModelConfig({ ...DEFAULT_MODEL_CONFIG, ...overrides, vocabSize: tokenizer.vocabSize });
  const initialWeights = upgraded?.weights;
  const encode = (ds: Dialogue[]) => ds.map((d) => encodeDialogue(tokenizer, d.turns, o.maxTurnTokens));
  const train = encode(split.train);
  const valid = encode(split.valid);
  const tokens = train.reduce((n, d) => n + d.ids.length, 0);
  logger.info('training', { dialogues: split.train.length, valid: split.valid.length, tokens, vocab: tokenizer.vocabSize, slots: tokenizer.slotFields.length, hidden: config.hiddenSize, layers: config.layers, ...(warm ? { warmStartFrom: warm.version } : {}) });

  const started = Date.now();
  const result = await trainLoop({ config, options: o, train, valid, workDir, fingerprint, logger, onProgress: input.onProgress, signal: input.signal, initialWeights });
  try {
    const last = result.history[result.history.length - 1];
    const manifest = await saveModel(input.out, config, result.params, tokenizer, {
      name: path.basename(path.resolve(input.out)),
      backend: input.backend,
      corpus: { sha256: corpusHash, dialogues: input.dialogues.length, tokens, file: input.corpusFile ? path.basename(input.corpusFile) : undefined },
      training: { ...o, epochsRun: result.history.length, seconds: Math.round((Date.now() - started) / 1000), validDialogues: split.valid.length, ...(warm ? { warmStartFrom: warm.version } : {}) },
      metrics: { validLoss: result.bestValidLoss, validTokenPpl: Math.exp(result.bestValidLoss), trainLoss: last?.trainLoss ?? NaN },
      history: result.history,
    }, { replies: replyIndexOf(split.train), claims: claimsOf(split.train), selection: selectionOf(split.train, logger) });
    await fs.rm(workDir, { recursive: true, force: true });
    return manifest;
  } finally {
    disposeParams(result.params);
  }
}

/** The reply index of the training dialogues (consensus decoding reads it), or undefined when none answers a user turn. */
function replyIndexOf(dialogues: Dialogue[]): ReplyIndex | undefined {
  try {
    return ReplyIndex.build(dialogues);
  } catch (err) {
    if (isColloquyError(err, 'retrieval_empty')) return undefined;
    throw err;
  }
}

/** The claim phrases of the training dialogues' replies after actions (the fact check reads them), or undefined when they teach none. */
function claimsOf(dialogues: Dialogue[]): ClaimIndex | undefined {
  const claims = ClaimIndex.learn(dialogues);
  return claims.phrases.length > 0 ? claims : undefined;
}

/** Which facts the training dialogues' replies state (consensus decoding weighs candidates with it), logging each pass. */
function selectionOf(dialogues: Dialogue[], logger: Logger): FactSelection {
  const started = Date.now();
  return FactSelection.learn(dialogues, { onEpoch: (epoch, loss) => logger.info('fact selection', { epoch, loss: Number(loss.toFixed(4)), seconds: Math.round((Date.now() - started) / 1000) }) });
}

/** The tokenizer with a slot token for each field the dialogues' replies state often (none when they state none). */
function withSlotFields(tokenizer: Tokenizer, dialogues: Dialogue[], logger: Logger): Tokenizer {
  const fields = learnSlotFields(dialogues);
  if (fields.length === 0) return tokenizer;
  logger.info('slot tokens', { fields: fields.length, top: fields.slice(0, 8).join(', ') });
  return tokenizer.withSlots(fields);
}

async function loadOrTrainTokenizer(workDir: string, fingerprint: string, dialogues: Dialogue[], vocabSize: number, logger: Logger): Promise<Tokenizer> {
  const file = path.join(workDir, `tokenizer-${fingerprint.slice(0, 12)}.json`);
  try {
    return await Tokenizer.load(file);
  } catch {
    const t0 = Date.now();
    const tok = Tokenizer.train(
      (function* () {
        for (const d of dialogues) for (const t of d.turns) yield t.text;
      })(),
      { vocabSize },
    );
    await fs.mkdir(workDir, { recursive: true });
    await tok.save(file);
    logger.info('tokenizer trained', { vocab: tok.vocabSize, seconds: ((Date.now() - t0) / 1000).toFixed(1) });
    return tok;
  }
}
