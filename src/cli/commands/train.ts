import { readCorpus } from '../../data/corpus-file.ts';
import { ColloquyError } from '../../errors.ts';
import { attachTrainedScorer } from '../../understanding/scorer-for-model.ts';
import { SCORER_FLAGS, buildScorer, describeScorer } from './scorer.ts';
import type { CliContext } from '../context.ts';
import { num, parseFlags, required } from '../args.ts';
import { createProgressBar, formatDuration } from '../progress-bar.ts';
import { onInterrupt } from '../interrupt.ts';
import { trainModel } from '../../training/train-model.ts';
import { loadModel } from '../../model/model-dir.ts';
import { DEFAULT_COPY_KEY_DIM } from '../../model/copy-config.ts';

export const TRAIN_USAGE = `colloquy train --data FILE --out DIR [options]
  --data FILE          training dialogues (.jsonl, or .csv/.tsv question–answer pairs)
  --valid FILE         held-out dialogues (default: a share of --data, see --valid-fraction)
  --valid-fraction X   the share of --data held out when --valid is absent (default 0.05)
  --out DIR            model directory to write (replaced only when training succeeds)
  --epochs N --batch-size N --seq-len N --lr X --clip X --weight-decay X --patience N --seed N
  --hidden N --embed N --layers N --dropout X --vocab N
  --init DIR           fine-tune the model in DIR instead of starting fresh (its tokenizer and shape are kept;
                       a model from before action turns gains the <act> token)
  --copy-window N      let replies copy tokens from the last N positions of the conversation (pointer-sentinel mixture)
  --max-minutes N      time budget: the learning rate decays over it and the run stops cleanly when it is spent
  --max-dialogues N    train on the first N dialogues only
  --lowercase          lowercase all text before training
  --strict             stop at the first malformed line instead of skipping it
  --ood FILE --fallback-rate X   out-of-scope examples and target fallback rate for the scorer trained after the model (see colloquy scorer)
  --no-slots           write every value as subwords (by default a value of an action field the replies state
                       often is one slot token, filled in from the newest action)
  --no-scorer          skip the out-of-scope scorer`;

/** The flags `colloquy train` accepts (its --help lists each). */
export const TRAIN_FLAGS = {
  data: { type: 'string' }, valid: { type: 'string' }, out: { type: 'string' },
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, 'seq-len': { type: 'string' }, lr: { type: 'string' },
  clip: { type: 'string' }, 'weight-decay': { type: 'string' }, patience: { type: 'string' }, seed: { type: 'string' },
  hidden: { type: 'string' }, embed: { type: 'string' }, layers: { type: 'string' }, dropout: { type: 'string' }, vocab: { type: 'string' },
  'max-dialogues': { type: 'string' }, 'max-minutes': { type: 'string' }, 'copy-window': { type: 'string' }, 'valid-fraction': { type: 'string' }, lowercase: { type: 'boolean' }, strict: { type: 'boolean' },
  backend: { type: 'string' }, init: { type: 'string' }, 'no-scorer': { type: 'boolean' }, 'no-slots': { type: 'boolean' }, ...SCORER_FLAGS,
} as const;

/** `colloquy train`: trains a model with a progress bar; Ctrl-C saves a checkpoint to resume from. */
export async function trainCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, TRAIN_FLAGS);
  const data = required(f, 'data', 'colloquy train --data dialogues.jsonl --out models/mybot');
  const out = required(f, 'out', 'colloquy train --data dialogues.jsonl --out models/mybot');
  const backend = await ctx.startBackend(f.backend);
  const clean = { lowercase: Boolean(f.lowercase) };
  const corpus = await readCorpus(data, { strict: Boolean(f.strict), clean, logger: ctx.logger });
  const limit = num(f, 'max-dialogues');
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new ColloquyError('usage', `--max-dialogues must be a positive integer, got ${limit}`);
  const dialogues = limit ? corpus.dialogues.slice(0, limit) : corpus.dialogues;
  const valid = f.valid ? (await readCorpus(f.valid, { strict: Boolean(f.strict), clean, logger: ctx.logger })).dialogues : undefined;

  const parent = typeof f.init === 'string' ? await loadModel(f.init) : undefined;
  const interrupt = onInterrupt(ctx.logger, 'stopping after this step and saving a checkpoint');
  try {
    const manifest = await trainModel({
      dialogues, valid, out, backend, corpusFile: data, logger: ctx.logger, signal: interrupt.signal, onProgress: createProgressBar(),
      vocabSize: num(f, 'vocab'),
      slots: !f['no-slots'],
      ...(parent ? { initial: { config: parent.config, params: parent.params, tokenizer: parent.tokenizer, version: parent.manifest.version } } : {}),
      model: { hiddenSize: num(f, 'hidden'), embedDim: num(f, 'embed'), layers: num(f, 'layers'), dropout: num(f, 'dropout'), ...copyFlag(num(f, 'copy-window')) },
      training: {
        epochs: num(f, 'epochs'), batchSize: num(f, 'batch-size'), seqLen: num(f, 'seq-len'), learningRate: num(f, 'lr'), clipNorm: num(f, 'clip'),
        weightDecay: num(f, 'weight-decay'), patience: num(f, 'patience'), seed: num(f, 'seed'), validFraction: num(f, 'valid-fraction'),
        maxMinutes: num(f, 'max-minutes'),
      },
    });
    const t = manifest.training as { epochsRun: number; seconds: number };
    ctx.print(`saved ${out} (version ${manifest.version}): ${t.epochsRun} epochs in ${formatDuration(t.seconds)}, valid loss ${manifest.metrics.validLoss.toFixed(3)}, valid ppl/token ${manifest.metrics.validTokenPpl.toFixed(2)}`);
    if (!f['no-scorer']) await trainScorerInto(out, data, f, ctx);
  } finally {
    interrupt.release();
    parent?.dispose();
  }
}

/**
 * Trains the out-of-scope scorer into the new model from the same data. A
 * corpus too small for it keeps the model without one (it then answers as
 * models always did), with a warning.
 */
async function trainScorerInto(out: string, data: string, f: Record<string, unknown>, ctx: CliContext): Promise<void> {
  const scorer = await attachTrainedScorer(out, () => buildScorer(data, f, ctx.logger), ctx.logger);
  if (scorer) ctx.print(`scorer: ${describeScorer(scorer)}`);
}

/** `--copy-window N` as the model's copy config (validated with the rest of the config). */
function copyFlag(window: number | undefined): { copy?: { window: number; keyDim: number } } {
  return window === undefined ? {} : { copy: { window, keyDim: DEFAULT_COPY_KEY_DIM } };
}
